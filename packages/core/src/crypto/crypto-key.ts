import { algorithmsFor, isJwsAlgorithm, type JwsAlgorithm, type KeyShape } from './jws.js';

type KeyAlgorithmDetails = KeyAlgorithm & { readonly namedCurve?: string; readonly modulusLength?: number; readonly hash?: KeyAlgorithm };

/** What a CryptoKey is, read from its `algorithm`; null for a key no JWS algorithm verifies with. */
export function cryptoKeyShape(key: CryptoKey): KeyShape | null {
  const algorithm = key.algorithm as KeyAlgorithmDetails;
  switch (algorithm.name) {
    case 'HMAC':
      return { kty: 'oct' };
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS':
      return { kty: 'RSA', modulusBits: algorithm.modulusLength ?? 0 };
    case 'ECDSA': {
      const crv = algorithm.namedCurve;
      return crv === 'P-256' || crv === 'P-384' || crv === 'P-521' ? { kty: 'EC', crv } : null;
    }
    case 'Ed25519':
      return { kty: 'OKP', crv: 'Ed25519' };
    default:
      return null;
  }
}

/** The algorithms a CryptoKey can verify: WebCrypto binds an RSA key to one padding and one hash. */
export function cryptoKeyAlgorithms(key: CryptoKey): JwsAlgorithm[] {
  const shape = cryptoKeyShape(key);
  if (shape === null) return [];
  if (shape.kty !== 'RSA') return algorithmsFor(shape);
  const algorithm = key.algorithm as KeyAlgorithmDetails;
  const alg = `${algorithm.name === 'RSA-PSS' ? 'PS' : 'RS'}${algorithm.hash?.name.slice(4)}`;
  return isJwsAlgorithm(alg) ? [alg] : [];
}
