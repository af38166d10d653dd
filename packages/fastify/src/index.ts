// Fastify adapter for @auth/core: an onRequest hook builds an AuthRequest, sets `request.auth`, and
// answers every error itself with the policy's { status, headers, body } (never Fastify's handler).
import { ImproperlyConfigured, requirement as compileRequirement, type AuthContext, type AuthPolicy, type Requirement } from '@auth/core';
import { AuthStates, PENDING, pluginOptions, validateProtect } from '@auth/core/adapter';
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

const states = new AuthStates<FastifyRequest>({ adapter: '@auth/fastify', missing: 'ran outside the scope of fastifyAuth' });
const protectedActions = new WeakMap<object, string>();
const HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const;

function routeRequirement(config: unknown): Requirement | undefined {
  return (config as { auth?: Requirement } | undefined)?.auth;
}

const plugin: FastifyPluginAsync<FastifyAuthOptions> = async (fastify, options) => {
  const { policy, optional } = pluginOptions(options, 'fastifyAuth');
  if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', null);

  // Mistakes in routes this scope sees are reported when the route is added, not on a request.
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const need = routeRequirement(route.config);
    if (need !== undefined) compileRequirement(need);
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

  // Callback style, so that a policy deciding synchronously lets the request on with done() and
  // no promise; otherwise the asynchronous path settles it the same way.
  const plain = { optional };
  fastify.addHook('onRequest', (request, reply, done) => {
    const requirement = routeRequirement(request.routeOptions.config);
    const settings = requirement === undefined ? plain : { optional, requirement };
    const req = toAuthRequest(request);
    const refusal = states.authenticateSync(request, policy, req, settings);
    if (refusal !== PENDING) {
      if (refusal !== undefined) {
        send(reply, refusal);
        return;
      }
      request.auth = states.auth(request);
      done();
      return;
    }
    states.authenticate(request, policy, req, settings).then(
      (answer) => {
        if (answer !== undefined) {
          send(reply, answer);
          return;
        }
        request.auth = states.auth(request);
        done();
      },
      (error: unknown) => done(error as Error),
    );
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
    const refusal = await states.authorize(request, need);
    if (refusal !== undefined) return send(reply, refusal);
  };
}

/**
 * Approval gate for one action, as a preHandler (the body is parsed by then): hashes the call's
 * arguments from `getArgs` (may be async), reads the approval token from the policy's approval
 * header and runs its approve hook. 409/403 bodies carry `action` and `argumentsHash`. On a route
 * the plugin sees, a policy without an approve hook fails when the route is added; on any other,
 * it answers 500 and the policy's logger says why.
 *
 * @example
 * app.post('/transfer', { preHandler: protect('transfer', (request) => request.body) }, async (request) => request.body);
 */
export function protect<RouteGeneric extends RouteGenericInterface = RouteGenericInterface>(
  action: string,
  getArgs: (request: FastifyRequest<RouteGeneric>) => unknown,
): AuthPreHandler<RouteGeneric> {
  validateProtect(action, getArgs);
  const handler: AuthPreHandler<RouteGeneric> = async (request, reply) => {
    const refusal = await states.approve(request, action, () => getArgs(request));
    if (refusal !== undefined) return send(reply, refusal);
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
  return states.auth(request);
}
