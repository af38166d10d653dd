// Fastify adapter for @auth/core: an onRequest hook builds an AuthRequest, sets `request.auth`, and
// answers every error itself with the policy's { status, headers, body } (never Fastify's handler).
import {
  ImproperlyConfigured,
  InternalError,
  requirement as compileRequirement,
  toErrorResponse,
  type AuthContext,
  type AuthPolicy,
  type AuthRequest,
  type CompiledRequirement,
  type Requirement,
} from '@auth/core';
import type {
  FastifyPluginAsync,
  FastifyRequest,
  preHandlerAsyncHookHandler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import { send, toAuthRequest } from './request.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `@auth/fastify` in the scopes where it is registered; null when anonymous. */
    auth: AuthContext | null;
  }
  interface FastifyContextConfig {
    /** Route-level requirement checked by `@auth/fastify` right after authentication. */
    auth?: Requirement;
  }
}

export interface FastifyAuthOptions {
  /** The policy returned by `createAuth()`. */
  readonly auth: AuthPolicy;
  /** Let anonymous requests through with `request.auth === null`. A present but invalid credential is still 401. */
  readonly optional?: boolean;
}

/** A preHandler returned by `requireAuth` and `protect`. */
export type AuthPreHandler<RouteGeneric extends RouteGenericInterface = RouteGenericInterface> = preHandlerAsyncHookHandler<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGeneric
>;

interface State {
  readonly policy: AuthPolicy;
  readonly req: AuthRequest;
  readonly auth: AuthContext | null;
}

const states = new WeakMap<FastifyRequest, State>();
const compiled = new WeakMap<object, CompiledRequirement>();
const protectedActions = new WeakMap<object, string>();
const HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const;

function routeRequirement(need: Requirement): CompiledRequirement {
  let found = compiled.get(need);
  if (found === undefined) {
    found = compileRequirement(need);
    compiled.set(need, found);
  }
  return found;
}

const plugin: FastifyPluginAsync<FastifyAuthOptions> = async (fastify, options) => {
  const { policy, optional } = readOptions(options);
  if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', null);

  // Mistakes in routes this scope sees are reported when the route is added, not on a request.
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const need = (route.config as { auth?: Requirement } | undefined)?.auth;
    if (need !== undefined) routeRequirement(need);
    for (const name of HOOKS) {
      const hooks: unknown = route[name];
      for (const hook of Array.isArray(hooks) ? hooks : [hooks]) {
        const action = typeof hook === 'function' ? protectedActions.get(hook) : undefined;
        if (action !== undefined && !policy.canApprove) {
          throw new ImproperlyConfigured(`protect(${JSON.stringify(action)}) on ${route.url}: the policy has no approve hook`);
        }
      }
    }
  });

  fastify.addHook('onRequest', async (request, reply) => {
    const req = toAuthRequest(request);
    let result: AuthContext | null;
    try {
      result = await policy.authenticate(req, { optional });
      const need = (request.routeOptions.config as { auth?: Requirement } | undefined)?.auth;
      if (need !== undefined) await policy.authorize(result, routeRequirement(need), req);
    } catch (error) {
      if (error instanceof ImproperlyConfigured) console.error(`[@auth/fastify] ${error.message}`);
      return send(reply, policy.respond(error));
    }
    states.set(request, { policy, req, auth: result });
    request.auth = result;
  });
};

/**
 * The plugin: `app.register(fastifyAuth, { auth: policy })`. It uses fastify-plugin, so it applies
 * to the scope it is registered in and that scope's children; register it inside an encapsulated
 * plugin to protect only that plugin's routes. Without `optional` it refuses anonymous requests.
 *
 * @example
 * await app.register(fastifyAuth, { auth: policy });
 * app.get('/me', async (request) => ({ subject: request.auth?.subject }));
 * app.get('/admin', { config: { auth: { roles: ['admin'] } } }, async () => 'hello admin');
 */
export const fastifyAuth = fp(plugin, { fastify: '5.x', name: '@auth/fastify' });
export default fastifyAuth;

/**
 * Route guard as a preHandler: 401 for the anonymous, 403 (`forbidden`) for the authenticated who
 * lack a role, permission or scope. The requirement is validated now (ImproperlyConfigured).
 *
 * @example
 * app.get('/admin', { preHandler: requireAuth({ roles: ['admin'] }) }, async () => 'hello admin');
 */
export function requireAuth(requirement?: Requirement): AuthPreHandler {
  const need = compileRequirement(requirement);
  return async (request, reply) => {
    const state = stateFor(request, 'requireAuth');
    if (state === undefined) return send(reply, toErrorResponse(new InternalError()));
    try {
      await state.policy.authorize(state.auth, need, state.req);
    } catch (error) {
      return send(reply, state.policy.respond(error));
    }
  };
}

/**
 * Approval gate for one action, as a preHandler (the body is parsed by then): hashes the call's
 * arguments from `getArgs` (may be async), reads the approval token from the policy's approval
 * header and runs its approve hook. 409/403 bodies carry `action` and `argumentsHash`. On a route
 * the plugin sees, a policy without an approve hook fails when the route is added.
 *
 * @example
 * app.post('/transfer', { preHandler: protect('transfer', (request) => request.body) }, async (request) => request.body);
 */
export function protect<RouteGeneric extends RouteGenericInterface = RouteGenericInterface>(
  action: string,
  getArgs: (request: FastifyRequest<RouteGeneric>) => unknown,
): AuthPreHandler<RouteGeneric> {
  if (typeof action !== 'string' || action === '') throw new ImproperlyConfigured('protect: action must be a non-empty string');
  if (typeof getArgs !== 'function') throw new ImproperlyConfigured('protect: getArgs must be a function');
  const handler: AuthPreHandler<RouteGeneric> = async (request, reply) => {
    const state = stateFor(request, `protect(${JSON.stringify(action)})`);
    if (state === undefined) return send(reply, toErrorResponse(new InternalError()));
    if (!state.policy.canApprove) {
      console.error(`[@auth/fastify] protect(${JSON.stringify(action)}): the policy has no approve hook, so this route always fails`);
      return send(reply, state.policy.respond(new ImproperlyConfigured('no approve hook')));
    }
    try {
      const args: unknown = await getArgs(request);
      await state.policy.approve({ req: state.req, auth: state.auth, action, args });
    } catch (error) {
      return send(reply, state.policy.respond(error));
    }
  };
  protectedActions.set(handler, action);
  return handler;
}

/**
 * The AuthContext the plugin resolved for this request, or null (anonymous, or outside its scope).
 *
 * @example
 * app.get('/me', async (request) => ({ subject: getAuth(request)?.subject ?? null }));
 */
export function getAuth(request: FastifyRequest): AuthContext | null {
  return states.get(request)?.auth ?? null;
}

function stateFor(request: FastifyRequest, where: string): State | undefined {
  const state = states.get(request);
  if (state === undefined) console.error(`[@auth/fastify] ${where} ran outside the scope of fastifyAuth; the request is refused`);
  return state;
}

function readOptions(options: FastifyAuthOptions): { policy: AuthPolicy; optional: boolean } {
  if (typeof options !== 'object' || options === null) throw new ImproperlyConfigured('fastifyAuth: options must be an object');
  const policy = options.auth as Partial<AuthPolicy> | undefined;
  if (typeof policy !== 'object' || policy === null || typeof policy.authenticate !== 'function' || typeof policy.respond !== 'function') {
    throw new ImproperlyConfigured("fastifyAuth: option 'auth' must be the policy returned by createAuth()");
  }
  if (options.optional !== undefined && typeof options.optional !== 'boolean') {
    throw new ImproperlyConfigured("fastifyAuth: option 'optional' must be a boolean");
  }
  return { policy: policy as AuthPolicy, optional: options.optional === true };
}
