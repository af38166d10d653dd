import { JWS_ALGORITHMS, type JwsAlgorithm } from '../../crypto/jws.js';

/** What a public key is, as far as choosing algorithms goes. */
export type KeyShape =
  | { readonly kty: 'RSA'; readonly modulusBytes: number }
  | { readonly kty: 'EC'; readonly crv: 'P-256' | 'P-384' | 'P-521' }
  | { readonly kty: 'OKP'; readonly crv: 'Ed25519' };

/** RSA keys below 2048 bits are refused (RFC 7518 §3.3). */
export const MIN_RSA_BYTES = 256;

/** The JWS algorithms a key of this shape can verify. */
export function algorithmsFor(shape: KeyShape): JwsAlgorithm[] {
  const out: JwsAlgorithm[] = [];
  for (const alg of Object.keys(JWS_ALGORITHMS) as JwsAlgorithm[]) {
    const spec = JWS_ALGORITHMS[alg];
    if (shape.kty === 'RSA' ? spec.family === 'RSA' || spec.family === 'RSA-PSS' : spec.curve === shape.crv) out.push(alg);
  }
  return out;
}

/** The exact signature length `alg` produces with a key of this shape. */
export function signatureLength(alg: JwsAlgorithm, shape: KeyShape | null): number {
  const fixed = JWS_ALGORITHMS[alg].signatureLength;
  if (fixed !== null) return fixed;
  return shape !== null && shape.kty === 'RSA' ? shape.modulusBytes : -1;
}
