import type { AuthContext } from '../../context.js';
import type { AsymmetricAlgorithm, HmacAlgorithm, JwsAlgorithm } from '../../crypto/jws.js';

/** A verified token's payload (frozen). Registered claims are typed; the rest are JSON values. */
export interface JwtClaims {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | readonly string[];
  readonly exp?: number;
  readonly nbf?: number;
  readonly iat?: number;
  readonly jti?: string;
  readonly [claim: string]: unknown;
}

/** A verified token's protected header (frozen). */
export interface JwtHeader {
  readonly alg: JwsAlgorithm;
  readonly kid?: string;
  readonly typ?: string;
  readonly [member: string]: unknown;
}

/** A claim name, or a path of member names into nested objects (e.g. `['realm_access', 'roles']`). */
export type ClaimPath = string | readonly string[];

/** Maps verified claims to the caller's identity; return null to refuse the token (401). */
export type JwtToContext = (claims: JwtClaims, header: JwtHeader) => AuthContext | null | Promise<AuthContext | null>;

/** Consulted on every request, cache hits included; only a return of exactly `false` lets the token through. */
export type JwtRevoked = (claims: JwtClaims, header: JwtHeader) => boolean | Promise<boolean>;

/** Remote JWKS tuning; the defaults follow jose's. */
export interface JwksOptions {
  /** How long fetched keys are used before they must be refetched. Default 600 000 (10 min). */
  readonly cacheMaxAgeMs?: number;
  /** Least time between refetches caused by an unknown `kid`. Default 30 000. */
  readonly cooldownMs?: number;
  /** Limit on one fetch, body included. Default 5000. */
  readonly timeoutMs?: number;
  /** Largest accepted response body, after decompression. Default 131 072 (128 KiB). */
  readonly maxResponseBytes?: number;
}

export interface JwtClaimNames {
  /** Default `roles`. */
  readonly roles?: ClaimPath;
  /** Default `permissions`. */
  readonly permissions?: ClaimPath;
  /** Default: `scope` (space-delimited string), else `scp` (array or string). */
  readonly scopes?: ClaimPath;
}

interface JwtCommonOptions {
  /** Accepted `iss` value(s). */
  readonly issuer?: string | readonly string[];
  /** Accepted `aud` value(s); the token's `aud` must hold at least one. */
  readonly audience?: string | readonly string[];
  /** Leeway for exp, nbf and iat, in seconds: finite, 0–300. Default 5. */
  readonly clockTolerance?: number;
  /** Largest accepted `now - iat`, in seconds; tokens must then carry `iat`. */
  readonly maxTokenAge?: number;
  /** Refuse tokens without `exp`. Default true. */
  readonly requireExp?: boolean;
  /** Required header `typ`, e.g. `at+jwt` (compared as RFC 7515 says: case-insensitively, `application/` optional). */
  readonly typ?: string;
  /** Largest accepted token, in characters. Default 8192. */
  readonly maxTokenSize?: number;
  /** Where the default mapping reads roles, permissions and scopes. */
  readonly claims?: JwtClaimNames;
  /** Replaces the default claims → AuthContext mapping. Its result is cached with the token. */
  readonly toContext?: JwtToContext;
  /** Per-request revocation check (a deny-list, a session store); runs on cache hits too. */
  readonly revoked?: JwtRevoked;
  /**
   * Cache of verified tokens. Default `{ max: 10_000 }`; `false` verifies every request afresh.
   * Once full, a token is admitted on its second verification within a recent window, so a
   * stream of one-off tokens does not evict the tokens clients keep reusing.
   */
  readonly cache?: false | { readonly max?: number };
}

interface NoKeySource {
  readonly secret?: undefined;
  readonly key?: undefined;
  readonly jwks?: undefined;
  readonly jwksUrl?: undefined;
  readonly jwksOptions?: undefined;
}

/** A public JSON Web Key (RFC 7517); its members are checked when the provider is built. */
export type Jwk = JsonWebKey & { readonly kid?: string };

/** A JWK Set (RFC 7517 §5). */
export interface JsonWebKeySet {
  readonly keys: readonly Jwk[];
}

/**
 * Options of {@link jwt}: `algorithms` and exactly one key source. HMAC algorithms go with
 * `secret` only, public-key algorithms with `key`, `jwks` or `jwksUrl` only.
 */
export type JwtOptions = JwtCommonOptions &
  (
    | (Omit<NoKeySource, 'secret'> & {
        /** HMAC secret, at least 32 bytes; PEM, JWK or encoded public keys are refused. */
        readonly secret: string | Uint8Array;
        readonly algorithms: readonly HmacAlgorithm[];
      })
    | (Omit<NoKeySource, 'key'> & {
        /** A public key: SPKI PEM (`BEGIN PUBLIC KEY`), JWK or CryptoKey. */
        readonly key: string | Jwk | CryptoKey;
        readonly algorithms: readonly AsymmetricAlgorithm[];
      })
    | (Omit<NoKeySource, 'jwks'> & {
        /** A local JWK Set; keys are chosen by `kid`. */
        readonly jwks: JsonWebKeySet;
        readonly algorithms: readonly AsymmetricAlgorithm[];
      })
    | (Omit<NoKeySource, 'jwksUrl' | 'jwksOptions'> & {
        /** A remote JWK Set: `https:`, or `http:` on a loopback host (localhost, 127.0.0.0/8, [::1]) only. */
        readonly jwksUrl: string | URL;
        readonly jwksOptions?: JwksOptions;
        readonly algorithms: readonly AsymmetricAlgorithm[];
      })
  );
