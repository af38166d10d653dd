import { constants, createHmac, createPublicKey, createSecretKey, KeyObject, timingSafeEqual, verify, type webcrypto } from 'node:crypto';
import { JWS_ALGORITHMS, type HashName, type JwsAlgorithm, type JwsKeyMaterial, type JwsVerify } from './jws.js';

const HASH: Readonly<Record<HashName, string>> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const CURVE: Readonly<Record<string, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/**
 * Synchronous JWS verification on node:crypto: no WebCrypto thread hand-off per call, and the
 * KeyObject is built once here. Signatures are checked over the exact signing input.
 */
export function nodeJwsVerifier(alg: JwsAlgorithm, material: JwsKeyMaterial): JwsVerify {
  const spec = JWS_ALGORITHMS[alg];
  const key = keyObject(material);
  const hash = spec.hash === null ? null : HASH[spec.hash]!;
  switch (spec.family) {
    case 'HMAC': {
      if (key.type !== 'secret') throw new TypeError(`${alg} needs a secret key`);
      const length = spec.signatureLength!;
      return (input, signature) =>
        signature.length === length && timingSafeEqual(createHmac(hash!, key).update(input).digest(), signature);
    }
    case 'RSA':
      expectAsymmetric(key, 'rsa', alg);
      return (input, signature) => safeVerify(hash, input, key, signature);
    case 'RSA-PSS': {
      expectAsymmetric(key, 'rsa', alg);
      const options = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
      return (input, signature) => safeVerify(hash, input, options, signature);
    }
    case 'ECDSA': {
      expectAsymmetric(key, 'ec', alg);
      if (key.asymmetricKeyDetails?.namedCurve !== CURVE[spec.curve!]) throw new TypeError(`${alg} needs a ${spec.curve} key`);
      // JWS carries ECDSA signatures as raw r||s, not DER.
      const options = { key, dsaEncoding: 'ieee-p1363' as const };
      return (input, signature) => safeVerify(hash, input, options, signature);
    }
    case 'EdDSA':
      expectAsymmetric(key, 'ed25519', alg);
      return (input, signature) => safeVerify(null, input, key, signature);
  }
}

function keyObject(material: JwsKeyMaterial): KeyObject {
  switch (material.type) {
    case 'secret':
      return createSecretKey(material.bytes);
    case 'spki':
      return createPublicKey({ key: Buffer.from(material.der), format: 'der', type: 'spki' });
    case 'jwk':
      return createPublicKey({ key: { ...material.jwk }, format: 'jwk' });
    case 'cryptokey':
      return KeyObject.from(material.key as webcrypto.CryptoKey);
  }
}

function expectAsymmetric(key: KeyObject, type: string, alg: JwsAlgorithm): void {
  if (key.type !== 'public' || key.asymmetricKeyType !== type) throw new TypeError(`${alg} needs a public ${type} key`);
}

type VerifyKey = Parameters<typeof verify>[2];

// A malformed signature is a failed check, never an exception that could escape as a 500.
function safeVerify(hash: string | null, input: Uint8Array, key: VerifyKey, signature: Uint8Array): boolean {
  try {
    return verify(hash, input, key, signature);
  } catch {
    return false;
  }
}
