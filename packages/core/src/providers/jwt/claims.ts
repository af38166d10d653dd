import { own } from './own.js';

export interface ClaimRules {
  readonly issuers: ReadonlySet<string> | null;
  readonly audiences: ReadonlySet<string> | null;
  readonly requireExp: boolean;
  /** Seconds of leeway for exp, nbf and iat. */
  readonly clockTolerance: number;
  /** Seconds; null when token age is not limited. */
  readonly maxTokenAge: number | null;
}

/** The time claims of a token, kept so that every cache hit re-checks them. */
export interface TimeClaims {
  readonly exp: number | undefined;
  readonly nbf: number | undefined;
  readonly iat: number | undefined;
}

/**
 * Checks the claims that cannot change over a token's life (types, issuer, audience) and returns
 * its time claims, or null. Time claims must be finite numbers: JSON's `1e400` parses to Infinity.
 */
export function checkClaims(claims: Readonly<Record<string, unknown>>, rules: ClaimRules): TimeClaims | null {
  const exp = own(claims, 'exp');
  const nbf = own(claims, 'nbf');
  const iat = own(claims, 'iat');
  if (!isTime(exp) || !isTime(nbf) || !isTime(iat)) return null;
  if (exp === undefined && rules.requireExp) return null;
  if (iat === undefined && rules.maxTokenAge !== null) return null;
  for (const name of ['iss', 'sub', 'jti'] as const) {
    const value = own(claims, name);
    if (value !== undefined && typeof value !== 'string') return null;
  }
  if (rules.issuers !== null) {
    const iss = own(claims, 'iss');
    if (typeof iss !== 'string' || !rules.issuers.has(iss)) return null;
  }
  const aud = own(claims, 'aud');
  if (aud !== undefined && !isAudience(aud)) return null;
  if (rules.audiences !== null && !intersects(aud, rules.audiences)) return null;
  return { exp, nbf, iat };
}

/** True when the token is usable at `now` (seconds). Runs on every request, cache hits included. */
export function checkTimes(times: TimeClaims, now: number, rules: ClaimRules): boolean {
  const leeway = rules.clockTolerance;
  if (times.exp !== undefined && now >= times.exp + leeway) return false;
  if (times.nbf !== undefined && times.nbf > now + leeway) return false;
  if (times.iat !== undefined) {
    if (times.iat > now + leeway) return false;
    if (rules.maxTokenAge !== null && now - times.iat > rules.maxTokenAge + leeway) return false;
  }
  return true;
}

function isTime(value: unknown): value is number | undefined {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value));
}

function isAudience(value: unknown): value is string | readonly string[] {
  if (typeof value === 'string') return true;
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string');
}

function intersects(aud: string | readonly string[] | undefined, wanted: ReadonlySet<string>): boolean {
  if (aud === undefined) return false;
  if (typeof aud === 'string') return wanted.has(aud);
  return aud.some((item) => wanted.has(item));
}
