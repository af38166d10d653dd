import type { JwsAlgorithm } from '../../crypto/jws.js';
import { own } from './own.js';

export interface HeaderRules {
  readonly algorithms: ReadonlySet<string>;
  /** Normalised expected `typ` (see {@link normalizeTyp}), or null to accept any. */
  readonly typ: string | null;
}

export interface AcceptedHeader {
  readonly alg: JwsAlgorithm;
  readonly kid: string | undefined;
}

/**
 * Checks a protected header: `alg` on the allow-list, `kid` a string, `typ` as configured, no
 * `crit` (no extension is understood, so any is refused) and no unencoded payload (`b64`).
 * `jku`, `x5u`, `jwk` and `x5c` are ignored: a token never chooses the key that verifies it.
 */
export function checkHeader(header: Readonly<Record<string, unknown>>, rules: HeaderRules): AcceptedHeader | null {
  const alg = own(header, 'alg');
  if (typeof alg !== 'string' || !rules.algorithms.has(alg)) return null;
  const kid = own(header, 'kid');
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) return null;
  if (Object.hasOwn(header, 'crit')) return null;
  if (Object.hasOwn(header, 'b64') && header['b64'] !== true) return null;
  const typ = own(header, 'typ');
  if (typ !== undefined && typeof typ !== 'string') return null;
  if (rules.typ !== null && (typ === undefined || normalizeTyp(typ) !== rules.typ)) return null;
  return { alg: alg as JwsAlgorithm, kid };
}

/** RFC 7515 §4.1.9: compared case-insensitively, and `application/` may be left out. */
export function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') && lower.indexOf('/', 12) === -1 ? lower.slice(12) : lower;
}
