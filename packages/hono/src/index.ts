// Hono adapter for @auth/core: builds an AuthRequest from the context, stores the AuthContext in
// `c.var.auth`, and answers every error with the policy's own { status, headers, body }.
import { requirement as compileRequirement, type AuthContext, type AuthPolicy, type AuthRequest, type ErrorResponse, type Requirement } from '@auth/core';
import { AuthStates, PENDING, assertPolicy, middlewareOptions, validateProtect } from '@auth/core/adapter';
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

// Keyed by the request's Context: nothing another middleware can overwrite with `c.set`.
const states = new AuthStates<Context>({ adapter: '@auth/hono', missing: 'ran without auth(policy) before it' });

// Writes a refusal back, or hands on to the next handler.
async function settle(c: Context, next: () => Promise<void>, refusal: ErrorResponse | undefined): Promise<Response | undefined> {
  if (refusal !== undefined) return errorResponse(c, refusal);
  await next();
  return undefined;
}

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
  const settings = middlewareOptions(options, 'auth');
  const slow = async (c: Context<AuthEnv>, next: () => Promise<void>, req: AuthRequest): Promise<Response | undefined> => {
    const refusal = await states.authenticate(c, policy, req, settings);
    if (refusal === undefined) c.set('auth', states.auth(c));
    return settle(c, next, refusal);
  };
  // Not async: when the policy decides synchronously, the next handler runs with no promise of ours.
  return (c, next) => {
    const req = toAuthRequest(c);
    const refusal = states.authenticateSync(c, policy, req, settings);
    if (refusal === PENDING) return slow(c, next, req);
    if (refusal !== undefined) return Promise.resolve(errorResponse(c, refusal));
    c.set('auth', states.auth(c));
    // Hono's compose ignores what next() resolves to once the response is set, as it is by then.
    return next();
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
  return async (c, next) => settle(c, next, await states.authorize(c, need));
}

/**
 * Approval gate for one action: hashes the call's arguments (from `getArgs`, which may be async),
 * reads the approval token from the policy's approval header (`x-approval-token` by default) and
 * runs the policy's approve hook. 409 `approval_required` / 403 `approval_denied` bodies carry
 * `action` and `argumentsHash`. A policy without an approve hook answers 500 and logs why through its logger.
 *
 * @example
 * app.post('/transfer', protect('transfer', (c) => c.req.json()), async (c) => c.json(await c.req.json()));
 */
export function protect<E extends Env = AuthEnv, P extends string = string, I extends Input = BlankInput>(
  action: string,
  getArgs: (c: Context<E, P, I>) => unknown,
): MiddlewareHandler<E, P, I> {
  validateProtect(action, getArgs);
  return async (c, next) => settle(c, next, await states.approve(c, action, () => getArgs(c)));
}

/**
 * The AuthContext `auth()` resolved for this request, or null (anonymous, or `auth()` not mounted).
 *
 * @example
 * app.get('/me', (c) => c.json({ subject: getAuth(c)?.subject ?? null }));
 */
export function getAuth(c: Context): AuthContext | null {
  return states.auth(c);
}
