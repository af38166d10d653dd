import { AuthContext, type MetadataValue } from '../../context.js';
import { InvalidToken } from '../../errors.js';

/** An RFC 7662 introspection response (only `active` is required; other members as the server sends them). */
export interface IntrospectionClaims {
  readonly active: true;
  readonly scope?: string;
  readonly client_id?: string;
  readonly username?: string;
  readonly token_type?: string;
  readonly exp?: number;
  readonly iat?: number;
  readonly nbf?: number;
  readonly sub?: string;
  readonly aud?: string | readonly string[];
  readonly iss?: string;
  readonly jti?: string;
  readonly [member: string]: unknown;
}

export interface ClaimExpectations {
  readonly issuers: readonly string[] | null;
  readonly audiences: readonly string[] | null;
  readonly tokenTypes: readonly string[] | null;
  readonly requireExp: boolean;
  readonly clockTolerance: number;
}

/** Returns the claims when the token is active and meets every expectation; throws 401 otherwise. */
export function checkClaims(response: Readonly<Record<string, unknown>>, expect: ClaimExpectations, nowSeconds: number): IntrospectionClaims {
  // RFC 7662 §2.2: only the JSON boolean true is active; "true", 1 and absence are not.
  if (response.active !== true) throw new InvalidToken();
  const { exp, nbf, iss, aud, token_type: tokenType } = response;
  if (exp !== undefined && !isTime(exp)) throw new InvalidToken();
  if (nbf !== undefined && !isTime(nbf)) throw new InvalidToken();
  if (exp === undefined && expect.requireExp) throw new InvalidToken();
  if (typeof exp === 'number' && nowSeconds - expect.clockTolerance >= exp) throw new InvalidToken();
  if (typeof nbf === 'number' && nowSeconds + expect.clockTolerance < nbf) throw new InvalidToken();
  if (expect.issuers !== null && (typeof iss !== 'string' || !expect.issuers.includes(iss))) throw new InvalidToken();
  if (expect.audiences !== null && !audienceMatches(aud, expect.audiences)) throw new InvalidToken();
  if (expect.tokenTypes !== null && (typeof tokenType !== 'string' || !expect.tokenTypes.includes(tokenType.toLowerCase()))) throw new InvalidToken();
  if (response.scope !== undefined && typeof response.scope !== 'string') throw new InvalidToken();
  return response as IntrospectionClaims;
}

/**
 * The default mapping: subject from `sub` (or `client_id` for client-credentials tokens), scopes
 * from the space-separated `scope`, and `clientId`/`username` in metadata.
 */
export function defaultToContext(claims: IntrospectionClaims): AuthContext | null {
  const subject = nonEmpty(claims.sub) ?? nonEmpty(claims.client_id);
  if (subject === undefined) return null;
  const metadata: Record<string, MetadataValue> = {};
  const clientId = nonEmpty(claims.client_id);
  const username = nonEmpty(claims.username);
  if (clientId !== undefined) metadata.clientId = clientId;
  if (username !== undefined) metadata.username = username;
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter((s) => s !== '') : [];
  return new AuthContext({ subject, scopes, metadata, method: 'introspection' });
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function audienceMatches(aud: unknown, expected: readonly string[]): boolean {
  if (typeof aud === 'string') return expected.includes(aud);
  return Array.isArray(aud) && aud.some((a) => typeof a === 'string' && expected.includes(a));
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
