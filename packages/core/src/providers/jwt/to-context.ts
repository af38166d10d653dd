import { isBrandedAuthContext } from '../../brand.js';
import { AuthContext, type MetadataValue } from '../../context.js';
import { own } from './own.js';
import type { ClaimPath, JwtClaims, JwtToContext } from './types.js';

export interface ClaimMapping {
  readonly roles: ClaimPath;
  readonly permissions: ClaimPath;
  /** Null: `scope` (space-delimited) or else `scp`. */
  readonly scopes: ClaimPath | null;
}

const NOT_A_LIST = Symbol('not a list');

/**
 * The default mapping: subject from `sub` (a missing, empty or non-string `sub` refuses the
 * token), roles, permissions and scopes from the configured claims, `method: 'jwt'`, and the
 * registered claims `iss`, `aud`, `jti`, `exp`, `iat` as metadata. A list claim of the wrong
 * shape refuses the token rather than granting nothing silently.
 */
export function defaultToContext(mapping: ClaimMapping): JwtToContext {
  return (claims) => {
    const subject = own(claims, 'sub');
    if (typeof subject !== 'string' || subject === '') return null;
    const roles = list(read(claims, mapping.roles), false);
    const permissions = list(read(claims, mapping.permissions), false);
    const scopes =
      mapping.scopes !== null
        ? list(read(claims, mapping.scopes), true)
        : own(claims, 'scope') !== undefined
          ? list(own(claims, 'scope'), true)
          : list(own(claims, 'scp'), true);
    if (roles === NOT_A_LIST || permissions === NOT_A_LIST || scopes === NOT_A_LIST) return null;
    try {
      return new AuthContext({ subject, roles, permissions, scopes, method: 'jwt', metadata: metadata(claims) });
    } catch {
      return null;
    }
  };
}

/** What a `toContext` gave, as an AuthContext or null (anything else refuses the token). */
export function acceptedContext(value: unknown): AuthContext | null {
  return isBrandedAuthContext(value) ? (value as AuthContext) : null;
}

function read(claims: JwtClaims, path: ClaimPath): unknown {
  if (typeof path === 'string') return own(claims, path);
  let value: unknown = claims;
  for (const name of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = own(value as Readonly<Record<string, unknown>>, name);
  }
  return value;
}

// AuthContext copies what it is given, so an absent claim can share one empty list.
const NONE: readonly string[] = Object.freeze([]);

function list(value: unknown, spaceDelimited: boolean): readonly string[] | typeof NOT_A_LIST {
  if (value === undefined) return NONE;
  if (typeof value === 'string' && spaceDelimited) return value.split(' ').filter((item) => item !== '');
  if (!Array.isArray(value)) return NOT_A_LIST;
  for (const item of value) if (typeof item !== 'string' || item === '') return NOT_A_LIST;
  return value as readonly string[];
}

function metadata(claims: JwtClaims): Record<string, MetadataValue> {
  const out: Record<string, MetadataValue> = {};
  for (const name of ['iss', 'aud', 'jti', 'exp', 'iat'] as const) {
    const value = own(claims, name);
    if (value !== undefined) out[name] = value as MetadataValue;
  }
  return out;
}
