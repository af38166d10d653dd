import { Buffer } from 'node:buffer';
import { constants, createPublicKey, createSecretKey, KeyObject, verify, type webcrypto } from 'node:crypto';
import { timingSafeEqualText } from './backend.js';
import { hmacBase64url, type HmacDigest } from './node-hmac.js';
import { JWS_ALGORITHMS, type HashName, type ImportedJwsKey, type JwsAlgorithm, type JwsKeyMaterial, type JwsParts, type JwsVerify, type KeyShape } from './jws.js';

const HASH: Readonly<Record<HashName, HmacDigest>> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const CURVE: Readonly<Record<string, 'P-256' | 'P-384' | 'P-521'>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/**
 * Imports `material` once as a node:crypto KeyObject (synchronously: a bad key fails when the
 * provider is built) and reads its shape from the KeyObject itself. Throws when it will not import.
 */
export function nodeJwsKey(material: JwsKeyMaterial): ImportedJwsKey<JwsVerify> {
  const key = keyObject(material);
  const secret = material.type === 'secret' ? material.bytes : undefined;
  return { shape: shapeOf(key), verifier: (alg) => nodeVerifier(alg, key, secret) };
}

function keyObject(material: JwsKeyMaterial): KeyObject {
  switch (material.type) {
    case 'secret':
      return createSecretKey(material.bytes);
    case 'spki':
      return createPublicKey({ key: material.pem, format: 'pem' });
    case 'jwk':
      return createPublicKey({ key: { ...material.jwk }, format: 'jwk' });
    case 'cryptokey':
      return KeyObject.from(material.key as webcrypto.CryptoKey);
  }
}

function shapeOf(key: KeyObject): KeyShape | null {
  if (key.type === 'secret') return { kty: 'oct' };
  if (key.type !== 'public') return null;
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { kty: 'RSA', modulusBits: details?.modulusLength ?? 0 };
    case 'ec': {
      const crv = CURVE[details?.namedCurve ?? ''];
      return crv === undefined ? null : { kty: 'EC', crv };
    }
    case 'ed25519':
      return { kty: 'OKP', crv: 'Ed25519' };
    default:
      return null;
  }
}

/**
 * Synchronous JWS verification on node:crypto: no WebCrypto thread hand-off per call. `alg` is one
 * the key's shape serves. Signatures are checked over the exact signing input.
 */
function nodeVerifier(alg: JwsAlgorithm, key: KeyObject, secret: Uint8Array | undefined): JwsVerify {
  const spec = JWS_ALGORITHMS[alg];
  const hash = spec.hash === null ? null : HASH[spec.hash]!;
  switch (spec.family) {
    case 'HMAC': {
      const length = spec.signatureLength!;
      // UTF-8, like every signer: the same bytes as latin1 for the ASCII input the segment checks
      // guarantee, without ever folding a wider character onto an ASCII one.
      // Compared as base64url text, in constant time: the segment is canonical (one spelling per
      // MAC), and a digest as text costs less than a Buffer and decoding the segment into another.
      const textLength = Math.ceil((length * 4) / 3);
      const mac = hmacBase64url(hash!, secret ?? key.export());
      return ({ signingInput, flattened }) => flattened.signature.length === textLength && timingSafeEqualText(mac(signingInput), flattened.signature);
    }
    case 'RSA':
    case 'EdDSA':
      return (jws) => safeVerify(hash, jws, key);
    case 'RSA-PSS': {
      const options = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
      return (jws) => safeVerify(hash, jws, options);
    }
    case 'ECDSA': {
      // JWS carries ECDSA signatures as raw r||s, not DER.
      const options = { key, dsaEncoding: 'ieee-p1363' as const };
      return (jws) => safeVerify(hash, jws, options);
    }
  }
}

type VerifyKey = Parameters<typeof verify>[2];

// A malformed signature is a failed check, never an exception that could escape as a 500. The
// segment was checked canonical, so Buffer's lenient decoder reads it exactly.
function safeVerify(hash: string | null, { signingInput, flattened }: JwsParts, key: VerifyKey): boolean {
  try {
    return verify(hash, Buffer.from(signingInput, 'utf8'), key, Buffer.from(flattened.signature, 'base64url'));
  } catch {
    return false;
  }
}
