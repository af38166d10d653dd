import { z } from 'zod';
import { argumentsHash } from './approval/hash.js';
import { ApprovalRequest, type ActionApproval } from './approval/request.js';
import { authorize, requirement as compileRequirement, type GuardSettings, type Requirement } from './authorization/guard.js';
import { compileRolePermissions, type RolePermissions } from './authorization/permissions.js';
import { isAuthRequestLike, isBrandedAuthContext, isBrandedHTTPError } from './brand.js';
import type { AuthContext } from './context.js';
import {
  ApprovalDenied,
  ApprovalRequired,
  ImproperlyConfigured,
  InternalError,
  InvalidRequest,
  ServiceUnavailable,
  Unauthorized,
} from './errors.js';
import { parseOptions } from './options.js';
import { abortAuthRequest, type AuthRequest } from './request.js';
import { toErrorResponse, type ErrorResponse, type ErrorResponseHook } from './response.js';

/**
 * An authentication hook. Return an {@link AuthContext} to authenticate, `null` when the request
 * carries no credential this hook recognises; throw an `HTTPError` to answer with its status.
 * Anything else is treated as unauthorized.
 */
export type Authenticate = (req: AuthRequest) => Promise<AuthContext | null>;

/**
 * Internal: the answer of a synchronous step that cannot decide without awaiting; the caller then
 * takes the asynchronous path from the start. Registered (`Symbol.for`) so that two copies of the
 * package agree on it.
 */
export const PENDING: unique symbol = Symbol.for('@auth/core.pending') as never;
export type Pending = typeof PENDING;

/**
 * Internal: the key of an Authenticate hook's optional synchronous twin. The twin returns what the
 * hook would resolve to, throws what it would reject with, or returns PENDING when it cannot tell
 * without awaiting. It is never part of the public `Authenticate` type.
 */
export const AUTHENTICATE_SYNC: unique symbol = Symbol.for('@auth/core.authenticate.sync') as never;
export type AuthenticateSync = (req: AuthRequest) => AuthContext | null | Pending;

/** Internal: attaches `twin` to `hook` (non-enumerable) and returns the hook. */
export function withSyncTwin<T extends Authenticate>(hook: T, twin: AuthenticateSync): T {
  Object.defineProperty(hook, AUTHENTICATE_SYNC, { value: twin });
  return hook;
}

/** Internal: the synchronous twin of `hook`, when it has one. */
export function syncTwin(hook: unknown): AuthenticateSync | undefined {
  if (typeof hook !== 'function') return undefined;
  const twin: unknown = (hook as { [AUTHENTICATE_SYNC]?: unknown })[AUTHENTICATE_SYNC];
  return typeof twin === 'function' ? (twin as AuthenticateSync) : undefined;
}

/**
 * Internal: the key of a policy's synchronous authenticate, used by adapters. Same answers and
 * errors as `authenticate`, or PENDING when some hook cannot decide without awaiting (then call
 * `authenticate`). Needs no timer: a synchronous call cannot hang.
 */
export const POLICY_AUTHENTICATE_SYNC: unique symbol = Symbol.for('@auth/core.policy.authenticate.sync') as never;
export type PolicyAuthenticateSync = (req: AuthRequest, options?: AuthenticateOptions) => AuthContext | null | Pending;

/** Internal: the policy's synchronous authenticate, when it has one (a policy from `createAuth` does). */
export function policyAuthenticateSync(policy: AuthPolicy): PolicyAuthenticateSync | undefined {
  const found: unknown = (policy as { [POLICY_AUTHENTICATE_SYNC]?: unknown })[POLICY_AUTHENTICATE_SYNC];
  return typeof found === 'function' ? (found as PolicyAuthenticateSync) : undefined;
}

/** Where the policy reports hook failures. Messages never include a thrown message, token or secret. */
export interface AuthLogger {
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export interface AuthOptions {
  /** One hook, or an ordered list tried until one returns an AuthContext or throws. */
  readonly authenticate: Authenticate | readonly Authenticate[];
  /** Decides approval-gated actions; only a return of exactly `true` allows. */
  readonly approve?: ActionApproval;
  /** How long a hook may take before the request is answered 503. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Replaces the RFC 9457 problem JSON envelope for every error this policy answers. */
  readonly errorResponse?: ErrorResponseHook;
  /** Defaults to `console`; `false` silences the policy. */
  readonly logger?: AuthLogger | false;
  /** Role → permissions used by `requireAuth({ permissions })`. */
  readonly rolePermissions?: RolePermissions;
  /** A role that passes every requirement. */
  readonly superuserRole?: string;
  /** Header an approval token is read from. Default `x-approval-token`. */
  readonly approvalHeader?: string;
  /**
   * The `WWW-Authenticate` challenge sent with a 401 when no credential was presented. Default
   * `Bearer`; e.g. `Basic realm="admin", charset="UTF-8"` for a Basic-only policy, so browsers prompt.
   */
  readonly challenge?: string;
}

export interface AuthenticateOptions {
  /** Let anonymous requests through (resolves null). A credential that is present but invalid is still 401. */
  readonly optional?: boolean;
}

export interface ApproveParams {
  readonly req: AuthRequest;
  readonly auth: AuthContext | null;
  readonly action: string;
  readonly args: unknown;
  /** The submitted approval token; read from the approval header when omitted. */
  readonly token?: string | null;
}

/** The object users share across frameworks: every decision an adapter needs, made in one place. */
export interface AuthPolicy {
  /** Resolves the caller, null for an anonymous caller in optional mode; throws an HTTPError otherwise. */
  authenticate(req: AuthRequest, options?: AuthenticateOptions): Promise<AuthContext | null>;
  /** Throws 401 for the anonymous and 403 for the authenticated who fall short. */
  authorize(auth: AuthContext | null, need: Requirement | undefined, req: AuthRequest): Promise<void>;
  /** Runs the approval step for one exact call; throws 409 `approval_required` or 403 `approval_denied`. */
  approve(params: ApproveParams): Promise<ApprovalRequest>;
  /** Any error as `{ status, headers, body }`, in this policy's envelope. Never throws. */
  respond(error: unknown): ErrorResponse;
  /** True when an `approve` hook is configured; without one, `approve` logs and throws (a generic 500). */
  readonly canApprove: boolean;
  readonly timeoutMs: number;
  readonly approvalHeader: string;
}

const fn = <T>(name: string) => z.custom<T>((v) => typeof v === 'function', `must be a function (${name})`);
const HEADER = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
// RFC 9110 §11.6.1: auth-scheme, then parameters; printable ASCII only, so no header injection.
const CHALLENGE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?: [\x20-\x7e]*)?$/;

// One check with one message: a zod union would report a bare "invalid input".
function isHookList(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (!Array.isArray(value) || value.length === 0) return false;
  // Indexed reads so that a hole in a sparse array counts as a missing function.
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'function') return false;
  return true;
}

function isLogger(value: unknown): boolean {
  if (value === false) return true;
  return typeof value === 'object' && value !== null && typeof (value as AuthLogger).warn === 'function' && typeof (value as AuthLogger).error === 'function';
}

const optionsSchema = z
  .object({
    authenticate: z.custom<Authenticate | readonly Authenticate[]>(isHookList, 'must be a function or a non-empty array of functions'),
    approve: fn<ActionApproval>('approval hook').optional(),
    timeoutMs: z.number().int().min(1).max(120_000).optional(),
    errorResponse: fn<ErrorResponseHook>('error envelope').optional(),
    logger: z.custom<AuthLogger | false>(isLogger, 'must have warn() and error() methods, or be false').optional(),
    rolePermissions: z.record(z.string(), z.unknown()).optional(),
    superuserRole: z.string().min(1).optional(),
    approvalHeader: z.string().regex(HEADER, 'must be a lowercase header name').optional(),
    challenge: z.string().regex(CHALLENGE, 'must be an auth-scheme with optional parameters, on one line').optional(),
  })
  .strict();

const SILENT: AuthLogger = { warn() {}, error() {} };
const CONSOLE: AuthLogger = {
  warn: (message, fields) => console.warn(`[@auth/core] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[@auth/core] ${message}`, fields ?? ''),
};

const TIMED_OUT = Symbol('timed out');

/**
 * Builds the policy object shared by every adapter. Options are validated now: a mistake raises
 * `ImproperlyConfigured` naming the option, at start-up rather than on the first request.
 *
 * @example
 * export const policy = createAuth({
 *   authenticate: async (req) =>
 *     req.headers.get('authorization') === `Bearer ${process.env.TOKEN}` ? new AuthContext({ subject: 'svc' }) : null,
 * });
 */
export function createAuth(options: AuthOptions): AuthPolicy {
  const opts = parseOptions(optionsSchema, options, 'createAuth');
  // A copy: changing the caller's array afterwards must not change the policy.
  const hooks: readonly Authenticate[] = Object.freeze(typeof opts.authenticate === 'function' ? [opts.authenticate] : [...opts.authenticate]);
  const timeoutMs = opts.timeoutMs ?? 5000;
  const logger = opts.logger === false ? SILENT : (opts.logger ?? CONSOLE);
  const approveHook = opts.approve;
  const envelope = opts.errorResponse;
  const approvalHeader = opts.approvalHeader ?? 'x-approval-token';
  const challenge = opts.challenge === undefined ? undefined : { headers: { 'www-authenticate': opts.challenge } };
  const guard: GuardSettings = Object.freeze({
    rolePermissions: compileRolePermissions(options.rolePermissions, 'createAuth', 'rolePermissions'),
    superuserRole: opts.superuserRole,
  });

  function log(level: 'warn' | 'error', message: string, fields: Readonly<Record<string, unknown>>): void {
    try {
      logger[level](message, fields);
    } catch {
      // A broken logger must not change the answer.
    }
  }

  function fail(error: unknown, stage: string, req: AuthRequest): never {
    if (error === TIMED_OUT) {
      log('warn', `${stage} hook timed out`, { timeoutMs, requestId: req.context.requestId });
      throw new ServiceUnavailable();
    }
    if (isBrandedHTTPError(error)) throw error;
    // Only the error's class name is logged: its message, and even its `name`, may hold a token.
    log('error', `${stage} hook failed`, { error: errorKind(error), requestId: req.context.requestId });
    throw new InternalError();
  }

  // Every hook must have a twin for the chain to be tried synchronously; otherwise none is.
  const twins = hooks.map(syncTwin);
  const syncTwins: readonly AuthenticateSync[] | null = twins.every((t): t is AuthenticateSync => t !== undefined) ? Object.freeze(twins) : null;

  function runChainSync(req: AuthRequest): unknown {
    for (let i = 0; i < syncTwins!.length; i++) {
      const result: unknown = syncTwins![i]!(req);
      if (result !== null) return result;
    }
    return null;
  }

  // What `authenticate` answers for a chain result (not PENDING).
  function accept(result: unknown, req: AuthRequest, authOptions: AuthenticateOptions | undefined): AuthContext | null {
    if (result === null) {
      if (authOptions?.optional === true && !req.headers.has('authorization')) return null;
      throw new Unauthorized(undefined, challenge);
    }
    if (!isBrandedAuthContext(result)) {
      log('warn', 'authenticate hook returned something other than an AuthContext or null; treated as unauthorized', {
        type: result === undefined ? 'undefined' : typeof result,
        requestId: req.context.requestId,
      });
      throw new Unauthorized(undefined, challenge);
    }
    return Object.isFrozen(result) ? (result as AuthContext) : Object.freeze(result as AuthContext);
  }

  // Validated request in; PENDING, or the chain's result, with a throw normalised as `authenticate` does.
  function trySync(req: AuthRequest): unknown {
    if (syncTwins === null) return PENDING;
    try {
      return runChainSync(req);
    } catch (error) {
      return fail(error, 'authenticate', req);
    }
  }

  // The request whose synchronous attempt just said PENDING. An adapter then calls `authenticate`
  // with it at once, which goes straight to the asynchronous chain instead of trying every twin
  // again. (Skipping them is never wrong: the chain answers alike, only later.)
  let pendingReq: AuthRequest | undefined;

  function authenticateSync(req: AuthRequest, authOptions?: AuthenticateOptions): AuthContext | null | Pending {
    if (!isAuthRequestLike(req)) throw new TypeError('authenticate: expected an AuthRequest');
    if (req.hasDuplicateCredentials) throw new InvalidRequest('Credentials were sent more than once.');
    const result = trySync(req);
    if (result !== PENDING) return accept(result, req, authOptions);
    pendingReq = req;
    return PENDING;
  }

  async function runChain(req: AuthRequest): Promise<unknown> {
    for (let i = 0; i < hooks.length; i++) {
      const result: unknown = await hooks[i]!(req);
      if (result !== null) return result;
    }
    return null;
  }

  const policy: AuthPolicy = {
    canApprove: approveHook !== undefined,
    timeoutMs,
    approvalHeader,

    async authenticate(req, authOptions) {
      if (!isAuthRequestLike(req)) throw new TypeError('authenticate: expected an AuthRequest');
      if (req.hasDuplicateCredentials) throw new InvalidRequest('Credentials were sent more than once.');
      // A chain that decides synchronously needs no timer; PENDING runs it again, asynchronously.
      let result: unknown = PENDING;
      if (req === pendingReq) pendingReq = undefined;
      else result = trySync(req);
      if (result === PENDING) {
        try {
          result = await withTimeout(() => runChain(req), timeoutMs, req);
        } catch (error) {
          fail(error, 'authenticate', req);
        }
      }
      return accept(result, req, authOptions);
    },

    async authorize(auth, need, req) {
      const compiled = compileRequirement(need);
      try {
        // Only a `check` hook can hang; the common case pays for no timer.
        if (compiled.check === undefined) await authorize(auth, compiled, req, guard);
        else await withTimeout(() => authorize(auth, compiled, req, guard), timeoutMs, req);
      } catch (error) {
        fail(error, 'authorization check', req);
      }
    },

    async approve({ req, auth, action, args, token }) {
      if (!isAuthRequestLike(req)) throw new TypeError('approve: expected an AuthRequest');
      if (auth !== null && !isBrandedAuthContext(auth)) throw new TypeError('approve: auth must be an AuthContext or null');
      if (approveHook === undefined) {
        // A set-up mistake met on a request: said once, here, and answered with the generic 500.
        log('error', `action ${JSON.stringify(action)} refused: the policy has no approve hook (createAuth({ approve })), so approval-gated actions always fail`, {
          action,
          requestId: req.context.requestId,
        });
        throw new ImproperlyConfigured('createAuth: no approve hook is configured, so protected actions cannot run');
      }
      const hash = argumentsHash(action, args);
      const submitted = token === undefined ? readApprovalToken(req, approvalHeader) : typeof token === 'string' ? token.trim() : null;
      if (typeof submitted !== 'string' || submitted === '') throw new ApprovalRequired(action, hash);
      const request = new ApprovalRequest({ action, argumentsHash: hash, token: submitted, auth, context: req.context });
      let verdict: unknown;
      try {
        verdict = await withTimeout(() => approveHook(request), timeoutMs, req);
      } catch (error) {
        fail(error, 'approve', req);
      }
      if (verdict !== true) throw new ApprovalDenied(action, hash);
      return request;
    },

    respond(error) {
      return toErrorResponse(error, envelope);
    },
  };
  Object.defineProperty(policy, POLICY_AUTHENTICATE_SYNC, { value: authenticateSync });
  return Object.freeze(policy);
}

function readApprovalToken(req: AuthRequest, header: string): string | null {
  const values = req.headers.getAll(header);
  if (values.length > 1) throw new InvalidRequest('The approval token was sent more than once.');
  const value = values[0]?.trim();
  return value === undefined || value === '' ? null : value;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]{0,63}$/;

// The thrown value's class name, which code sets, never its `name` or `message`, which data can.
function errorKind(error: unknown): string {
  if (error === null) return 'null';
  if (typeof error !== 'object') return typeof error;
  try {
    const ctor = (Object.getPrototypeOf(error) as { constructor?: unknown } | null)?.constructor;
    const name = typeof ctor === 'function' ? ctor.name : '';
    return IDENTIFIER.test(name) ? name : 'object';
  } catch {
    return 'object';
  }
}

// Settles with the hook's outcome, or rejects with TIMED_OUT after `ms`; a late result is ignored
// and the request's signal is aborted so a cooperative hook can stop work.
function withTimeout<T>(run: () => Promise<T>, ms: number, req: AuthRequest): Promise<T> {
  let pending: Promise<T>;
  try {
    pending = Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      abortAuthRequest(req, new ServiceUnavailable('Authentication timed out.'));
      reject(TIMED_OUT);
    }, ms);
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
