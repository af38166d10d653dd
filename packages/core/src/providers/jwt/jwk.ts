import { isJwsAlgorithm, type JwsAlgorithm, type PublicJwk } from '../../crypto/jws.js';
import { base64urlDecodeStrict } from '../../encoding.js';
import { algorithmsFor, MIN_RSA_BYTES, type KeyShape } from './key-shape.js';
import { own } from './own.js';

/** A public JWK checked member by member, reduced to what verification needs. */
export interface CheckedJwk {
  readonly jwk: PublicJwk;
  readonly shape: KeyShape;
  readonly kid: string | undefined;
  /** Algorithms the key can verify, narrowed by its own `alg` when it has one. */
  readonly algorithms: readonly JwsAlgorithm[];
}

export type JwkCheck =
  | { readonly ok: true; readonly key: CheckedJwk }
  /** `otherUse`: a well-formed key meant for something else (encryption), skipped in a key set. */
  | { readonly ok: false; readonly reason: string; readonly otherUse: boolean };

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const EC_SIZES = { 'P-256': 32, 'P-384': 48, 'P-521': 66 } as const;

/**
 * Validates a JWK meant for signature verification. Refused, with a reason that never quotes key
 * material: symmetric or private keys, `use` other than `sig`, `key_ops` without `verify`, an
 * unknown `alg`, malformed or non-canonical members, RSA keys under 2048 bits.
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
  const usable = algorithmsFor(parsed.shape);
  if (alg !== undefined && !usable.includes(alg)) return fail("has an 'alg' its key type cannot verify");
  return {
    ok: true,
    key: { jwk: parsed.jwk, shape: parsed.shape, kid, algorithms: alg === undefined ? usable : [alg] },
  };
}

function publicMembers(kty: unknown, jwk: Readonly<Record<string, unknown>>): { jwk: PublicJwk; shape: KeyShape } | string {
  if (kty === 'RSA') {
    const n = member(jwk, 'n');
    const e = member(jwk, 'e');
    if (n === null || e === null || e.bytes.length > 8) return "has malformed 'n' or 'e'";
    let first = 0;
    while (first < n.bytes.length && n.bytes[first] === 0) first++;
    const modulusBytes = n.bytes.length - first;
    if (modulusBytes < MIN_RSA_BYTES) return 'is an RSA key under 2048 bits';
    return { jwk: { kty, n: n.text, e: e.text }, shape: { kty, modulusBytes } };
  }
  if (kty === 'EC') {
    const crv = own(jwk, 'crv');
    if (crv !== 'P-256' && crv !== 'P-384' && crv !== 'P-521') return "has an unsupported 'crv'";
    const x = member(jwk, 'x');
    const y = member(jwk, 'y');
    const size = EC_SIZES[crv];
    if (x === null || y === null || x.bytes.length !== size || y.bytes.length !== size) return "has malformed 'x' or 'y'";
    return { jwk: { kty, crv, x: x.text, y: y.text }, shape: { kty, crv } };
  }
  if (kty === 'OKP') {
    if (own(jwk, 'crv') !== 'Ed25519') return "has an unsupported 'crv'";
    const x = member(jwk, 'x');
    if (x === null || x.bytes.length !== 32) return "has a malformed 'x'";
    return { jwk: { kty, crv: 'Ed25519', x: x.text }, shape: { kty, crv: 'Ed25519' } };
  }
  return "has a missing or unsupported 'kty'";
}

function member(jwk: Readonly<Record<string, unknown>>, name: string): { text: string; bytes: Uint8Array } | null {
  const text = own(jwk, name);
  if (typeof text !== 'string' || text === '') return null;
  const bytes = base64urlDecodeStrict(text);
  return bytes === null ? null : { text, bytes };
}

function fail(reason: string, otherUse = false): JwkCheck {
  return { ok: false, reason, otherUse };
}
