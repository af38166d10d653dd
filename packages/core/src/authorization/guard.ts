import { z } from 'zod';
import { isBrandedAuthContext } from '../brand.js';
import type { AuthContext } from '../context.js';
import { Forbidden, Unauthorized } from '../errors.js';
import { parseOptions } from '../options.js';
import type { AuthRequest } from '../request.js';
import { assertPermission, permits } from './permissions.js';

/**
 * What a route requires. Anonymous callers get 401; authenticated callers who fall short get 403
 * `forbidden` (the required and granted lists never reach the response).
 */
export interface Requirement {
  /** At least one of these roles. */
  readonly roles?: readonly string[];
  /** Every one of these roles. */
  readonly allRoles?: readonly string[];
  /** Every one of these permissions (`resource:action`), granted directly or through a role. */
  readonly permissions?: readonly string[];
  /** Every one of these OAuth scopes. */
  readonly scopes?: readonly string[];
  /** A last word; only a return of exactly `true` allows. */
  readonly check?: (auth: AuthContext, req: AuthRequest) => boolean | Promise<boolean>;
}

const names = z.array(z.string().min(1)).min(1).readonly();
const requirementSchema = z
  .object({
    roles: names.optional(),
    allRoles: names.optional(),
    permissions: names.optional(),
    scopes: names.optional(),
    check: z.custom<NonNullable<Requirement['check']>>((v) => typeof v === 'function', 'must be a function').optional(),
  })
  .strict();

const COMPILED = Symbol('compiled requirement');

/** A validated, frozen requirement. */
export interface CompiledRequirement extends Requirement {
  readonly [COMPILED]: true;
}

const NONE: CompiledRequirement = Object.freeze({ [COMPILED]: true as const });

/**
 * Validates a requirement once, when a route is defined; mistakes raise ImproperlyConfigured.
 *
 * @example
 * const adminsOnly = requirement({ roles: ['admin'], permissions: ['users:*'] });
 * await policy.authorize(auth, adminsOnly, req); // 401 anonymous, 403 short of it
 */
export function requirement(input?: Requirement): CompiledRequirement {
  // Called per request by policy.authorize, so the common cases skip zod.
  if (input === undefined) return NONE;
  if (input !== null && typeof input === 'object' && COMPILED in input) return input as CompiledRequirement;
  const parsed = parseOptions(requirementSchema, input, 'requireAuth');
  parsed.permissions?.forEach((p) => assertPermission(p, 'requireAuth.permissions'));
  if (Object.keys(parsed).length === 0) return NONE;
  const out: Record<string | symbol, unknown> = { [COMPILED]: true };
  for (const [key, value] of Object.entries(parsed)) out[key] = Array.isArray(value) ? Object.freeze([...value]) : value;
  return Object.freeze(out) as unknown as CompiledRequirement;
}

export interface GuardSettings {
  readonly rolePermissions: ReadonlyMap<string, readonly string[]>;
  readonly superuserRole: string | undefined;
}

/** Throws Unauthorized for the anonymous and Forbidden for those who fall short; returns when allowed. */
export async function authorize(
  auth: AuthContext | null,
  need: CompiledRequirement,
  req: AuthRequest,
  settings: GuardSettings,
): Promise<void> {
  if (auth === null || auth === undefined) throw new Unauthorized();
  // Fail closed: a look-alike object carrying roles is not an identity.
  if (!isBrandedAuthContext(auth)) throw new Unauthorized();
  if (settings.superuserRole !== undefined && auth.roles.includes(settings.superuserRole)) return;
  if (need.roles !== undefined && !need.roles.some((role) => auth.roles.includes(role))) throw new Forbidden();
  if (need.allRoles !== undefined && !need.allRoles.every((role) => auth.roles.includes(role))) throw new Forbidden();
  if (need.scopes !== undefined && !need.scopes.every((scope) => auth.scopes.includes(scope))) throw new Forbidden();
  if (need.permissions !== undefined) {
    for (const required of need.permissions) {
      if (!hasPermission(auth, required, settings.rolePermissions)) throw new Forbidden();
    }
  }
  if (need.check !== undefined && (await need.check(auth, req)) !== true) throw new Forbidden();
}

function hasPermission(auth: AuthContext, required: string, roleMap: ReadonlyMap<string, readonly string[]>): boolean {
  for (const granted of auth.permissions) if (permits(granted, required)) return true;
  for (const role of auth.roles) {
    const grants = roleMap.get(role);
    if (grants !== undefined) for (const granted of grants) if (permits(granted, required)) return true;
  }
  return false;
}
