// Hono adapter for @auth/core: builds an AuthRequest from the context, stores the AuthContext in
// `c.var.auth`, and answers every error with the policy's own { status, headers, body }.
import {
  ImproperlyConfigured,
  InternalError,
  requirement as compileRequirement,
  toErrorResponse,
  type AuthContext,
  type AuthPolicy,
  type AuthRequest,
  type Requirement,
} from '@auth/core';
import type { Context, Env, Input, MiddlewareHandler } from 'hono';
import type { BlankInput } from 'hono/types';
import { errorResponse, toAuthRequest } from './request.js';

/** The context variables `auth()` sets: `c.get('auth')` / `c.var.auth`. */
export interface AuthVariables {
  auth: AuthContext | null;
}

/** Put it in `new Hono<AuthEnv>()` (or intersect its Variables with yours) to type `c.var.auth`. */
export interface AuthEnv extends Env {
  Variables: AuthVariables;
}

export interface AuthMiddlewareOptions {
  /** Let anonymous requests through with `auth` null. A credential that is present but invalid is still 401. */
  readonly optional?: boolean;
}

interface State {
  readonly policy: AuthPolicy;
  readonly req: AuthRequest;
  readonly auth: AuthContext | null;
}

// Keyed by the request's Context: nothing another middleware can overwrite with `c.set`.
const states = new WeakMap<Context, State>();

/**
 * Authenticates every request it sees. Without options it refuses anonymous requests (401);
 * with `{ optional: true }` they pass with `c.var.auth === null`. Mount it before the routes,
 * and after a CORS middleware if browsers must get preflights answered without credentials.
 *
 * @example
 * const app = new Hono<AuthEnv>();
 * app.use(auth(policy));
 * app.get('/me', (c) => c.json({ subject: c.var.auth?.subject }));
 */
export function auth(policy: AuthPolicy, options: AuthMiddlewareOptions = {}): MiddlewareHandler<AuthEnv> {
  assertPolicy(policy, 'auth');
  const optional = readOptional(options, 'auth');
  return async (c, next) => {
    const req = toAuthRequest(c);
    let result: AuthContext | null;
    try {
      result = await policy.authenticate(req, { optional });
    } catch (error) {
      return errorResponse(c, policy.respond(error));
    }
    states.set(c, { policy, req, auth: result });
    c.set('auth', result);
    await next();
  };
}

/**
 * Route guard: 401 for the anonymous, 403 (`forbidden`) for the authenticated who lack a role,
 * permission or scope. The requirement is validated now; a mistake throws ImproperlyConfigured.
 *
 * @example
 * app.get('/admin', requireAuth({ roles: ['admin'] }), (c) => c.text('hello admin'));
 */
export function requireAuth(requirement?: Requirement): MiddlewareHandler<AuthEnv> {
  const need = compileRequirement(requirement);
  return async (c, next) => {
    const state = stateFor(c, 'requireAuth');
    if (state === undefined) return misconfigured(c);
    try {
      await state.policy.authorize(state.auth, need, state.req);
    } catch (error) {
      return errorResponse(c, state.policy.respond(error));
    }
    await next();
  };
}

/**
 * Approval gate for one action: hashes the call's arguments (from `getArgs`, which may be async),
 * reads the approval token from the policy's approval header (`x-approval-token` by default) and
 * runs the policy's approve hook. 409 `approval_required` / 403 `approval_denied` bodies carry
 * `action` and `argumentsHash`. A policy without an approve hook answers 500 and logs why.
 *
 * @example
 * app.post('/transfer', protect('transfer', (c) => c.req.json()), async (c) => c.json(await c.req.json()));
 */
export function protect<E extends Env = AuthEnv, P extends string = string, I extends Input = BlankInput>(
  action: string,
  getArgs: (c: Context<E, P, I>) => unknown,
): MiddlewareHandler<E, P, I> {
  if (typeof action !== 'string' || action === '') throw new ImproperlyConfigured('protect: action must be a non-empty string');
  if (typeof getArgs !== 'function') throw new ImproperlyConfigured('protect: getArgs must be a function');
  return async (c, next) => {
    const state = stateFor(c, `protect(${JSON.stringify(action)})`);
    if (state === undefined) return misconfigured(c);
    if (!state.policy.canApprove) {
      console.error(`[@auth/hono] protect(${JSON.stringify(action)}): the policy has no approve hook, so this route always fails`);
      return errorResponse(c, state.policy.respond(new ImproperlyConfigured('no approve hook')));
    }
    try {
      const args: unknown = await getArgs(c);
      await state.policy.approve({ req: state.req, auth: state.auth, action, args });
    } catch (error) {
      return errorResponse(c, state.policy.respond(error));
    }
    await next();
  };
}

/**
 * The AuthContext `auth()` resolved for this request, or null (anonymous, or `auth()` not mounted).
 *
 * @example
 * app.get('/me', (c) => c.json({ subject: getAuth(c)?.subject ?? null }));
 */
export function getAuth(c: Context): AuthContext | null {
  return states.get(c)?.auth ?? null;
}

function stateFor(c: Context, where: string): State | undefined {
  const state = states.get(c);
  if (state === undefined) console.error(`[@auth/hono] ${where} ran without auth(policy) before it; the request is refused`);
  return state;
}

function misconfigured(c: Context): Response {
  return errorResponse(c, toErrorResponse(new InternalError()));
}

function assertPolicy(policy: unknown, where: string): asserts policy is AuthPolicy {
  const p = policy as Partial<AuthPolicy> | null;
  if (typeof p !== 'object' || p === null || typeof p.authenticate !== 'function' || typeof p.respond !== 'function') {
    throw new ImproperlyConfigured(`${where}: expected the policy returned by createAuth()`);
  }
}

function readOptional(options: AuthMiddlewareOptions, where: string): boolean {
  if (typeof options !== 'object' || options === null) throw new ImproperlyConfigured(`${where}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (key !== 'optional') throw new ImproperlyConfigured(`${where}: unknown option '${key}'`);
  }
  if (options.optional !== undefined && typeof options.optional !== 'boolean') {
    throw new ImproperlyConfigured(`${where}: option 'optional' must be a boolean`);
  }
  return options.optional === true;
}
