/** JWS algorithms core can verify (RFC 7518, RFC 8037). `none` is deliberately absent. */
export type JwsAlgorithm =
  | 'HS256' | 'HS384' | 'HS512'
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA' | 'Ed25519';

export type HmacAlgorithm = Extract<JwsAlgorithm, `HS${string}`>;
export type AsymmetricAlgorithm = Exclude<JwsAlgorithm, HmacAlgorithm>;

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';
export type CurveName = 'P-256' | 'P-384' | 'P-521' | 'Ed25519';

/** What an algorithm needs from a key, and the exact signature length when it is fixed. */
export interface JwsAlgorithmSpec {
  readonly family: 'HMAC' | 'RSA' | 'RSA-PSS' | 'ECDSA' | 'EdDSA';
  readonly hash: HashName | null;
  readonly curve: CurveName | null;
  /** Fixed signature length in bytes; null for RSA, where it is the modulus length. */
  readonly signatureLength: number | null;
}

const spec = (family: JwsAlgorithmSpec['family'], hash: HashName | null, curve: CurveName | null, signatureLength: number | null): JwsAlgorithmSpec =>
  Object.freeze({ family, hash, curve, signatureLength });

export const JWS_ALGORITHMS: Readonly<Record<JwsAlgorithm, JwsAlgorithmSpec>> = Object.freeze({
  HS256: spec('HMAC', 'SHA-256', null, 32),
  HS384: spec('HMAC', 'SHA-384', null, 48),
  HS512: spec('HMAC', 'SHA-512', null, 64),
  RS256: spec('RSA', 'SHA-256', null, null),
  RS384: spec('RSA', 'SHA-384', null, null),
  RS512: spec('RSA', 'SHA-512', null, null),
  PS256: spec('RSA-PSS', 'SHA-256', null, null),
  PS384: spec('RSA-PSS', 'SHA-384', null, null),
  PS512: spec('RSA-PSS', 'SHA-512', null, null),
  ES256: spec('ECDSA', 'SHA-256', 'P-256', 64),
  ES384: spec('ECDSA', 'SHA-384', 'P-384', 96),
  ES512: spec('ECDSA', 'SHA-512', 'P-521', 132),
  EdDSA: spec('EdDSA', null, 'Ed25519', 64),
  Ed25519: spec('EdDSA', null, 'Ed25519', 64),
});

export const JWS_ALGORITHM_NAMES = Object.freeze(Object.keys(JWS_ALGORITHMS) as JwsAlgorithm[]);

export function isJwsAlgorithm(value: unknown): value is JwsAlgorithm {
  return typeof value === 'string' && Object.hasOwn(JWS_ALGORITHMS, value);
}

/** The public members of a JWK, and nothing else (no `alg`, `use`, private parts). */
export type PublicJwk =
  | { readonly kty: 'RSA'; readonly n: string; readonly e: string }
  | { readonly kty: 'EC'; readonly crv: 'P-256' | 'P-384' | 'P-521'; readonly x: string; readonly y: string }
  | { readonly kty: 'OKP'; readonly crv: 'Ed25519'; readonly x: string };

/** A verification key as configured, checked beforehand; a backend imports it. */
export type JwsKeyMaterial =
  | { readonly type: 'secret'; readonly bytes: Uint8Array }
  | { readonly type: 'spki'; readonly pem: string }
  | { readonly type: 'jwk'; readonly jwk: PublicJwk }
  | { readonly type: 'cryptokey'; readonly key: CryptoKey };

/** What a key is, as far as choosing algorithms goes (a JWK declares it; an imported key tells it). */
export type KeyType =
  | { readonly kty: 'oct' }
  | { readonly kty: 'RSA' }
  | { readonly kty: 'EC'; readonly crv: 'P-256' | 'P-384' | 'P-521' }
  | { readonly kty: 'OKP'; readonly crv: 'Ed25519' };

/** An imported key's type read from the key itself, with the RSA modulus size. */
export type KeyShape = Exclude<KeyType, { readonly kty: 'RSA' }> | { readonly kty: 'RSA'; readonly modulusBits: number };

/** The JWS algorithms a key of this type can verify. */
export function algorithmsFor(type: KeyType): JwsAlgorithm[] {
  return JWS_ALGORITHM_NAMES.filter((alg) => {
    const { family, curve } = JWS_ALGORITHMS[alg];
    if (type.kty === 'oct') return family === 'HMAC';
    if (type.kty === 'RSA') return family === 'RSA' || family === 'RSA-PSS';
    return curve === type.crv;
  });
}

/** The exact signature length `alg` produces with this key. */
export function signatureLength(alg: JwsAlgorithm, shape: KeyShape): number {
  const fixed = JWS_ALGORITHMS[alg].signatureLength;
  if (fixed !== null) return fixed;
  return shape.kty === 'RSA' ? Math.ceil(shape.modulusBits / 8) : -1;
}

/**
 * A compact JWS as received: its segments (jose's flattened form), each already checked to be
 * canonical unpadded base64url, and the signing input.
 */
export interface JwsParts {
  /** The signature stays text: an HMAC is compared as base64url text, a public-key check decodes it. */
  readonly flattened: { readonly protected: string; readonly payload: string; readonly signature: string };
  /**
   * `protected "." payload`, exactly as received: ASCII (both segments are checked base64url), so
   * its UTF-8 bytes are its characters. Kept as text: a backend that needs bytes encodes it.
   */
  readonly signingInput: string;
}

export type JwsVerify = (jws: JwsParts) => boolean;
export type AsyncJwsVerify = (jws: JwsParts) => Promise<boolean>;

/** A key a backend imported once: what it is (null: nothing a JWS can be verified with) and a verifier per algorithm. */
export interface ImportedJwsKey<Verifier> {
  readonly shape: KeyShape | null;
  verifier(alg: JwsAlgorithm): Verifier;
}
