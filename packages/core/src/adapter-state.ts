// What an adapter keeps per request once the policy has authenticated it, and the guard steps that
// read it. Each step resolves to the ErrorResponse to write back, or undefined to go on; none rejects.
import { requirement as compileRequirement, type CompiledRequirement, type Requirement } from './authorization/guard.js';
import type { AuthContext } from './context.js';
import { ImproperlyConfigured, InternalError } from './errors.js';
import { PENDING, policyAuthenticateSync, type AuthPolicy, type Pending } from './policy.js';
import type { AuthRequest } from './request.js';
import { toErrorResponse, type ErrorResponse } from './response.js';

/** One authenticated request: the policy that decided, the AuthRequest it saw, and the caller. */
export interface AuthState {
  readonly policy: AuthPolicy;
  readonly req: AuthRequest;
  readonly auth: AuthContext | null;
}

export interface AuthStatesOptions {
  /** The adapter's package name, which prefixes its console messages: `@auth/hono`. */
  readonly adapter: string;
  /** Ends the message logged when a guard meets a request the adapter did not authenticate: `ran without auth(policy) before it`. */
  readonly missing: string;
}

export interface AuthenticateSettings {
  readonly optional: boolean;
  /** Checked right after authentication; a raw requirement is compiled (and cached) on first use. */
  readonly requirement?: Requirement | undefined;
}

// Raw requirements met only on a request (a route config the adapter never saw): compiled once.
const compiled = new WeakMap<object, CompiledRequirement>();

/**
 * An adapter's per-request states, kept on the framework's own request object under a symbol
 * private to this instance (so nothing a handler sets with the framework's API can overwrite them),
 * and the guard steps that read them. A property rather than a WeakMap entry: V8 pays for weak
 * entries on every garbage collection, microseconds per request under load.
 *
 * @example
 * const states = new AuthStates<Context>({ adapter: '@auth/hono', missing: 'ran without auth(policy) before it' });
 * const refusal = await states.authenticate(c, policy, toAuthRequest(c), { optional: false });
 * if (refusal !== undefined) return errorResponse(c, refusal);
 */
export class AuthStates<Key extends object> {
  readonly #slot = Symbol('@auth/core.state');
  // Only for a request object that cannot take a property (frozen, sealed or non-extensible).
  readonly #fallback = new WeakMap<Key, AuthState>();
  readonly #adapter: string;
  readonly #missing: string;

  constructor(options: AuthStatesOptions) {
    this.#adapter = options.adapter;
    this.#missing = options.missing;
  }

  /**
   * `authenticate` without awaiting, when the policy can decide synchronously: the ErrorResponse to
   * write back, undefined when the result is remembered, or PENDING (nothing was remembered; call
   * `authenticate` with the same arguments). A route requirement is always PENDING.
   *
   * @example
   * const refusal = states.authenticateSync(c, policy, req, settings);
   * if (refusal === PENDING) return slowPath(c, next, req);
   */
  authenticateSync(key: Key, policy: AuthPolicy, req: AuthRequest, settings: AuthenticateSettings): ErrorResponse | undefined | Pending {
    if (settings.requirement !== undefined) return PENDING;
    const sync = policyAuthenticateSync(policy);
    if (sync === undefined) return PENDING;
    let auth: AuthContext | null | Pending;
    try {
      auth = sync(req, settings);
    } catch (error) {
      return policy.respond(error);
    }
    if (auth === PENDING) return PENDING;
    this.#remember(key, { policy, req, auth });
    return undefined;
  }

  /** Authenticates `req` (then checks `requirement`, when given) and remembers the result under `key`. */
  async authenticate(key: Key, policy: AuthPolicy, req: AuthRequest, settings: AuthenticateSettings): Promise<ErrorResponse | undefined> {
    try {
      const auth = await policy.authenticate(req, { optional: settings.optional });
      if (settings.requirement !== undefined) await policy.authorize(auth, this.#compile(settings.requirement), req);
      this.#remember(key, { policy, req, auth });
      return undefined;
    } catch (error) {
      return policy.respond(error);
    }
  }

  /** The AuthContext resolved for `key`: null when anonymous or not authenticated by this adapter. */
  auth(key: Key): AuthContext | null {
    return this.#get(key)?.auth ?? null;
  }

  /** A route guard: 401 for the anonymous, 403 for those short of `need`. */
  async authorize(key: Key, need: CompiledRequirement): Promise<ErrorResponse | undefined> {
    const state = this.#state(key, 'requireAuth');
    if (state === undefined) return toErrorResponse(new InternalError());
    try {
      await state.policy.authorize(state.auth, need, state.req);
      return undefined;
    } catch (error) {
      return state.policy.respond(error);
    }
  }

  /** An approval gate: reads the call's arguments from `getArgs` and runs the policy's approval step. */
  async approve(key: Key, action: string, getArgs: () => unknown): Promise<ErrorResponse | undefined> {
    const state = this.#state(key, `protect(${JSON.stringify(action)})`);
    if (state === undefined) return toErrorResponse(new InternalError());
    try {
      // Without an approve hook the policy refuses (and logs why) whatever the arguments: skip reading them.
      const args: unknown = state.policy.canApprove ? await getArgs() : undefined;
      await state.policy.approve({ req: state.req, auth: state.auth, action, args });
      return undefined;
    } catch (error) {
      return state.policy.respond(error);
    }
  }

  // No policy is known here, so the console is the only place to say why the request was refused.
  #state(key: Key, where: string): AuthState | undefined {
    const state = this.#get(key);
    if (state === undefined) console.error(`[${this.#adapter}] ${where} ${this.#missing}; the request is refused`);
    return state;
  }

  #remember(key: Key, state: AuthState): void {
    if (Object.isExtensible(key)) (key as Record<symbol, AuthState>)[this.#slot] = state;
    else this.#fallback.set(key, state);
  }

  #get(key: Key): AuthState | undefined {
    const own = (key as Record<symbol, AuthState | undefined>)[this.#slot];
    return own !== undefined ? own : this.#fallback.get(key);
  }

  #compile(need: Requirement): CompiledRequirement {
    let found = compiled.get(need);
    if (found === undefined) {
      try {
        found = compileRequirement(need);
      } catch (error) {
        if (error instanceof ImproperlyConfigured) console.error(`[${this.#adapter}] ${error.message}`);
        throw error;
      }
      compiled.set(need, found);
    }
    return found;
  }
}
