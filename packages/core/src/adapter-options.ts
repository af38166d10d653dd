// The checks every adapter makes when its middleware is built, so a mistake raises
// ImproperlyConfigured at start-up, with the same message whatever the framework.
import { z } from 'zod';
import { requirement as compileRequirement, type CompiledRequirement, type Requirement } from './authorization/guard.js';
import { ImproperlyConfigured } from './errors.js';
import { parseOptions } from './options.js';
import type { AuthPolicy } from './policy.js';

/** What an adapter's authenticating middleware was told, once validated. */
export interface MiddlewareSettings {
  /** Anonymous requests pass with no AuthContext (a present but invalid credential is still 401). */
  readonly optional: boolean;
}

/** What an upgrade helper was told, once validated; `requirement` is compiled. */
export interface UpgradeSettings extends MiddlewareSettings {
  readonly requirement: CompiledRequirement | undefined;
}

/** What a plugin that takes the policy as its `auth` option was told, once validated. */
export interface PluginSettings extends MiddlewareSettings {
  readonly policy: AuthPolicy;
}

const POLICY_MESSAGE = 'must be the policy returned by createAuth()';

function isPolicy(value: unknown): value is AuthPolicy {
  const p = value as Partial<AuthPolicy> | null;
  return typeof p === 'object' && p !== null && typeof p.authenticate === 'function' && typeof p.respond === 'function';
}

const optional = z.boolean({ error: 'must be a boolean' }).optional();
const middlewareSchema = z.object({ optional }).strict();
// The requirement is only carried here; compileRequirement validates it with its own messages.
const upgradeSchema = z.object({ optional, requirement: z.custom<Requirement>(() => true).optional() }).strict();
// Not strict: the framework adds keys of its own (Fastify's `prefix`, `logLevel`, ...).
const pluginSchema = z.object({ auth: z.custom<AuthPolicy>(isPolicy, POLICY_MESSAGE), optional });

/**
 * Throws ImproperlyConfigured unless `policy` is what `createAuth()` returned.
 *
 * @example
 * assertPolicy(policy, 'auth'); // "auth: expected the policy returned by createAuth()"
 */
export function assertPolicy(policy: unknown, where: string): asserts policy is AuthPolicy {
  if (!isPolicy(policy)) throw new ImproperlyConfigured(`${where}: expected the policy returned by createAuth()`);
}

/**
 * Validates an authenticating middleware's `{ optional? }`; unknown keys and non-booleans raise
 * ImproperlyConfigured naming the option.
 *
 * @example
 * const { optional } = middlewareOptions(options, 'auth');
 */
export function middlewareOptions(options: unknown, where: string): MiddlewareSettings {
  const parsed = parseOptions(middlewareSchema, options, where);
  return { optional: parsed.optional === true };
}

/**
 * Validates an upgrade helper's `{ optional?, requirement? }` and compiles the requirement.
 *
 * @example
 * const { optional, requirement } = upgradeOptions(options, 'authenticateUpgrade');
 */
export function upgradeOptions(options: unknown, where: string): UpgradeSettings {
  const parsed = parseOptions(upgradeSchema, options, where);
  return {
    optional: parsed.optional === true,
    requirement: parsed.requirement === undefined ? undefined : compileRequirement(parsed.requirement),
  };
}

/**
 * Validates a plugin's `{ auth: policy, optional? }`. Other keys are left to the framework.
 *
 * @example
 * const { policy, optional } = pluginOptions(options, 'fastifyAuth');
 */
export function pluginOptions(options: unknown, where: string): PluginSettings {
  const parsed = parseOptions(pluginSchema, options, where);
  return { policy: parsed.auth, optional: parsed.optional === true };
}

/**
 * Validates the arguments of an adapter's `protect(action, getArgs)` when the route is defined.
 *
 * @example
 * validateProtect(action, getArgs); // "protect: action must be a non-empty string"
 */
export function validateProtect(action: unknown, getArgs: unknown): void {
  if (typeof action !== 'string' || action === '') throw new ImproperlyConfigured('protect: action must be a non-empty string');
  if (typeof getArgs !== 'function') throw new ImproperlyConfigured('protect: getArgs must be a function');
}
