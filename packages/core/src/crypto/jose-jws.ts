import { errors, flattenedVerify, importJWK, importSPKI } from 'jose';
import { cryptoKeyShape } from './crypto-key.js';
import { JWS_ALGORITHMS, type AsyncJwsVerify, type ImportedJwsKey, type JwsAlgorithm, type JwsKeyMaterial, type KeyShape } from './jws.js';

// WebCrypto imports a key only for a named algorithm: one per key type, tried in turn, tells what a PEM or JWK holds.
const PROBES: readonly JwsAlgorithm[] = ['RS256', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * The portable path: imports `material` through jose once per algorithm (never per call), reads its
 * shape from the imported CryptoKey, and verifies with jose's `flattenedVerify` on the segments as
 * received. Never rejects; a key that will not import has a null shape.
 */
export async function joseJwsKey(material: JwsKeyMaterial): Promise<ImportedJwsKey<Promise<AsyncJwsVerify>>> {
  const imported = new Map<JwsAlgorithm, Promise<CryptoKey>>();
  const keyFor = (alg: JwsAlgorithm): Promise<CryptoKey> => {
    let key = imported.get(alg);
    if (key === undefined) imported.set(alg, (key = importFor(material, alg)));
    return key;
  };
  return { shape: await shapeOf(material, keyFor), verifier: async (alg) => verifierFor(await keyFor(alg), alg) };
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

async function shapeOf(material: JwsKeyMaterial, keyFor: (alg: JwsAlgorithm) => Promise<CryptoKey>): Promise<KeyShape | null> {
  if (material.type === 'secret') return { kty: 'oct' };
  if (material.type === 'cryptokey') return cryptoKeyShape(material.key);
  for (const alg of PROBES) {
    try {
      return cryptoKeyShape(await keyFor(alg));
    } catch {
      // Not a key of this type; the next probe may fit.
    }
  }
  return null;
}

function verifierFor(key: CryptoKey, alg: JwsAlgorithm): AsyncJwsVerify {
  const options = { algorithms: [alg] };
  return (jws) => flattenedVerify(jws.flattened, key, options).then(() => true, failedCheck);
}

// A bad signature or a JWS jose finds invalid is a failed check; anything else is a bug and must surface.
function failedCheck(error: unknown): false {
  if (error instanceof errors.JOSEError) return false;
  throw error;
}
