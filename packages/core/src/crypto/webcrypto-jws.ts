import { JWS_ALGORITHMS, type JwsAlgorithm, type JwsAlgorithmSpec, type JwsKeyMaterial } from './jws.js';

/** The portable verifier: WebCrypto, with the CryptoKey imported once. */
export type AsyncJwsVerify = (signingInput: Uint8Array, signature: Uint8Array) => Promise<boolean>;

/** Imports `material` for `alg` once and returns a verifier that reuses the CryptoKey. */
export async function webCryptoJwsVerifier(alg: JwsAlgorithm, material: JwsKeyMaterial): Promise<AsyncJwsVerify> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) throw new TypeError('WebCrypto (crypto.subtle) is not available in this runtime');
  const spec = JWS_ALGORITHMS[alg];
  const imported = importParams(spec);
  let key: CryptoKey;
  switch (material.type) {
    case 'secret':
      key = await subtle.importKey('raw', copy(material.bytes), imported, false, ['verify']);
      break;
    case 'spki':
      key = await subtle.importKey('spki', copy(material.der), imported, false, ['verify']);
      break;
    case 'jwk':
      key = await subtle.importKey('jwk', { ...material.jwk }, imported, false, ['verify']);
      break;
    case 'cryptokey':
      key = material.key;
      break;
  }
  const params = verifyParams(spec);
  return (input, signature) => subtle.verify(params, key, copy(signature), copy(input));
}

function importParams(spec: JwsAlgorithmSpec): AlgorithmIdentifier | HmacImportParams | RsaHashedImportParams | EcKeyImportParams {
  switch (spec.family) {
    case 'HMAC':
      return { name: 'HMAC', hash: spec.hash! };
    case 'RSA':
      return { name: 'RSASSA-PKCS1-v1_5', hash: spec.hash! };
    case 'RSA-PSS':
      return { name: 'RSA-PSS', hash: spec.hash! };
    case 'ECDSA':
      return { name: 'ECDSA', namedCurve: spec.curve! };
    case 'EdDSA':
      return { name: 'Ed25519' };
  }
}

function verifyParams(spec: JwsAlgorithmSpec): AlgorithmIdentifier | RsaPssParams | EcdsaParams {
  switch (spec.family) {
    case 'RSA-PSS':
      // RFC 7518 §3.5: the salt is as long as the hash output.
      return { name: 'RSA-PSS', saltLength: Number(spec.hash!.slice(4)) / 8 };
    case 'ECDSA':
      return { name: 'ECDSA', hash: spec.hash! };
    case 'HMAC':
      return { name: 'HMAC' };
    case 'RSA':
      return { name: 'RSASSA-PKCS1-v1_5' };
    case 'EdDSA':
      return { name: 'Ed25519' };
  }
}

// WebCrypto takes ArrayBuffer-backed views only; anything else (a SharedArrayBuffer view) is copied.
function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
