import { errors, flattenedVerify, importJWK, importSPKI } from 'jose';
import { cryptoKeyShape } from './crypto-key.js';
import { JWS_ALGORITHMS, type AsyncJwsVerify, type JwsAlgorithm, type JwsKeyMaterial, type KeyShape } from './jws.js';

/**
 * The portable path: a verifier for `alg` that imports `material` through jose (once, never per
 * call) and verifies with jose's `flattenedVerify` on the segments as received. Rejects when the key
 * will not import, or imports as something other than `shape`, what the caller read from it.
 */
export async function joseJwsVerifier(material: JwsKeyMaterial, shape: KeyShape, alg: JwsAlgorithm): Promise<AsyncJwsVerify> {
  const key = await importFor(material, alg);
  if (!sameShape(cryptoKeyShape(key), shape)) throw new TypeError('the imported key is not the key its encoding described');
  const options = { algorithms: [alg] };
  return (jws) => flattenedVerify(jws.flattened, key, options).then(() => true, failedCheck);
}

function importFor(material: JwsKeyMaterial, alg: JwsAlgorithm): Promise<CryptoKey> {
  switch (material.type) {
    case 'secret':
      // jose takes an HMAC secret as bytes and imports it on every verify; jose has no import to a CryptoKey for it.
      return crypto.subtle.importKey('raw', new Uint8Array(material.bytes), { name: 'HMAC', hash: JWS_ALGORITHMS[alg].hash! }, false, ['verify']);
    case 'spki':
      return importSPKI(material.pem, alg);
    case 'jwk':
      // Never an `oct` JWK, so jose gives a CryptoKey, not bytes.
      return importJWK(material.jwk, alg) as Promise<CryptoKey>;
    case 'cryptokey':
      return Promise.resolve(material.key);
  }
}

function sameShape(a: KeyShape | null, b: KeyShape): boolean {
  if (a === null || a.kty !== b.kty) return false;
  if (a.kty === 'RSA') return b.kty === 'RSA' && a.modulusBits === b.modulusBits;
  return a.kty === 'oct' || ('crv' in b && a.crv === b.crv);
}

// A bad signature or a JWS jose finds invalid is a failed check; anything else is a bug and must surface.
function failedCheck(error: unknown): false {
  if (error instanceof errors.JOSEError) return false;
  throw error;
}
