import { algorithmsFor, isJwsAlgorithm, type JwsAlgorithm, type KeyType, type PublicJwk } from '../../crypto/jws.js';
import { base64urlDecodeStrict } from '../../encoding.js';
import { own } from './own.js';

/** A public JWK checked member by member, reduced to what verification needs. */
export interface CheckedJwk {
  readonly jwk: PublicJwk;
  readonly kid: string | undefined;
  /** Algorithms its declared type can verify, narrowed by its own `alg` when it has one. */
  readonly algorithms: readonly JwsAlgorithm[];
}

export type JwkCheck =
  | { readonly ok: true; readonly key: CheckedJwk }
  /** `otherUse`: a well-formed key meant for something else (encryption), skipped in a key set. */
  | { readonly ok: false; readonly reason: string; readonly otherUse: boolean };

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/**
 * Checks what a JWK meant for signature verification declares, with a reason that never quotes key
 * material. Refused: symmetric or private keys, `use` other than `sig`, `key_ops` without `verify`,
 * an unknown `alg` or one its type cannot verify, key members that are not canonical base64url.
 * Sizes, curve points and the RSA minimum are the imported key's to tell.
 */
export function checkJwk(value: unknown): JwkCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('is not a JSON object');
  const jwk = value as Readonly<Record<string, unknown>>;
  const kty = own(jwk, 'kty');
  if (kty === 'oct') return fail('is a symmetric key; HMAC secrets go in `secret`');
  if (PRIVATE_MEMBERS.some((name) => Object.hasOwn(jwk, name))) return fail('holds private key material; give the public key');
  const use = own(jwk, 'use');
  if (use !== undefined && use !== 'sig') return fail("has a 'use' other than 'sig'", true);
  const ops = own(jwk, 'key_ops');
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) return fail("has 'key_ops' without 'verify'", true);
  const kid = own(jwk, 'kid');
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) return fail("has a 'kid' that is not a non-empty string");
  const alg = own(jwk, 'alg');
  if (alg !== undefined && !isJwsAlgorithm(alg)) return fail("has an 'alg' this library does not verify");
  const parsed = publicMembers(kty, jwk);
  if (typeof parsed === 'string') return fail(parsed);
  const usable = algorithmsFor(parsed.type);
  if (alg !== undefined && !usable.includes(alg)) return fail("has an 'alg' its key type cannot verify");
  return { ok: true, key: { jwk: parsed.jwk, kid, algorithms: alg === undefined ? usable : [alg] } };
}

function publicMembers(kty: unknown, jwk: Readonly<Record<string, unknown>>): { jwk: PublicJwk; type: KeyType } | string {
  if (kty === 'RSA') {
    const n = member(jwk, 'n');
    const e = member(jwk, 'e');
    if (n === null || e === null) return "has malformed 'n' or 'e'";
    return { jwk: { kty, n, e }, type: { kty } };
  }
  if (kty === 'EC') {
    const crv = own(jwk, 'crv');
    if (crv !== 'P-256' && crv !== 'P-384' && crv !== 'P-521') return "has an unsupported 'crv'";
    const x = member(jwk, 'x');
    const y = member(jwk, 'y');
    if (x === null || y === null) return "has malformed 'x' or 'y'";
    return { jwk: { kty, crv, x, y }, type: { kty, crv } };
  }
  if (kty === 'OKP') {
    if (own(jwk, 'crv') !== 'Ed25519') return "has an unsupported 'crv'";
    const x = member(jwk, 'x');
    if (x === null) return "has a malformed 'x'";
    return { jwk: { kty, crv: 'Ed25519', x }, type: { kty, crv: 'Ed25519' } };
  }
  return "has a missing or unsupported 'kty'";
}

// Canonical unpadded base64url, as for token segments: one spelling per key.
function member(jwk: Readonly<Record<string, unknown>>, name: string): string | null {
  const text = own(jwk, name);
  return typeof text === 'string' && text !== '' && base64urlDecodeStrict(text) !== null ? text : null;
}

function fail(reason: string, otherUse = false): JwkCheck {
  return { ok: false, reason, otherUse };
}
