// Express adapter for @auth/core (Express 4 and 5): builds an AuthRequest, stores the AuthContext
// for getAuth(req) / req.auth, and answers every error with the policy's { status, headers, body }.
import {
  ImproperlyConfigured,
  InternalError,
  requirement as compileRequirement,
  toErrorResponse,
  type AuthContext,
  type AuthPolicy,
  type AuthRequest,
  type ErrorResponse,
  type Requirement,
} from '@auth/core';
import type { Request, RequestHandler, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { refuse, send, toAuthRequest } from './request.js';

export interface AuthMiddlewareOptions {
  /** Let anonymous requests through with no auth context. A credential that is present but invalid is still 401. */
  readonly optional?: boolean;
}

export interface UpgradeOptions extends AuthMiddlewareOptions {
  /** Also require roles, permissions or scopes before the socket is accepted. */
  readonly requirement?: Requirement;
}

/** An Express request as `auth()` leaves it: `req.auth` is set (prefer `getAuth(req)`, which cannot be overwritten). */
export interface RequestWithAuth extends Request {
  auth?: AuthContext | null;
}

/** The part of a `ws` WebSocketServer (created with `noServer: true`) that `upgradeHandler` uses. */
export interface UpgradeTarget<Socket> {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, callback: (ws: Socket, req: IncomingMessage) => void): void;
  emit(event: 'connection', ws: Socket, req: IncomingMessage): boolean;
}

interface State {
  readonly policy: AuthPolicy;
  readonly req: AuthRequest;
  readonly auth: AuthContext | null;
}

const states = new WeakMap<IncomingMessage, State>();

function remember(req: IncomingMessage, state: State): void {
  states.set(req, state);
  (req as RequestWithAuth).auth = state.auth;
}

// Runs an async step without ever returning a promise to Express: Express 4 would drop its
// rejection. Errors are answered here; `next()` is called once, only on success.
function step(res: Response, next: (error?: unknown) => void, respond: (error: unknown) => ErrorResponse, task: () => Promise<void>): void {
  task().then(
    () => next(),
    (error: unknown) => send(res, respond(error)),
  ).catch(() => send(res, toErrorResponse(new InternalError())));
}

/**
 * Authenticates every request it sees. Without options it refuses anonymous requests (401); with
 * `{ optional: true }` they pass with no auth context. Mount it before the routes it protects (and
 * after a CORS middleware if browsers must get preflights answered without credentials).
 *
 * @example
 * app.use(auth(policy));
 * app.get('/me', (req, res) => { res.json({ subject: getAuth(req)?.subject }); });
 */
export function auth(policy: AuthPolicy, options: AuthMiddlewareOptions = {}): RequestHandler {
  assertPolicy(policy, 'auth');
  const optional = readOptional(options, 'auth', ['optional']);
  const respond = (error: unknown) => policy.respond(error);
  return (req, res, next) => {
    step(res, next, respond, async () => {
      const authReq = toAuthRequest(req, (req as { upgrade?: unknown }).upgrade === true);
      remember(req, { policy, req: authReq, auth: await policy.authenticate(authReq, { optional }) });
    });
  };
}

/**
 * Route guard: 401 for the anonymous, 403 (`forbidden`) for the authenticated who lack a role,
 * permission or scope. The requirement is validated now; a mistake throws ImproperlyConfigured.
 *
 * @example
 * app.get('/admin', requireAuth({ roles: ['admin'] }), (req, res) => { res.send('hello admin'); });
 */
export function requireAuth(requirement?: Requirement): RequestHandler {
  const need = compileRequirement(requirement);
  return (req, res, next) => {
    const state = stateFor(req, 'requireAuth');
    if (state === undefined) return send(res, toErrorResponse(new InternalError()));
    step(res, next, (error) => state.policy.respond(error), () => state.policy.authorize(state.auth, need, state.req));
  };
}

/**
 * Approval gate for one action: hashes the call's arguments from `getArgs` (may be async; mount
 * `express.json()` before it to read `req.body`), reads the approval token from the policy's
 * approval header and runs its approve hook. 409/403 bodies carry `action` and `argumentsHash`.
 * A policy without an approve hook answers 500 and logs why.
 *
 * @example
 * app.post('/transfer', express.json(), protect('transfer', (req) => req.body), (req, res) => { res.json(req.body); });
 */
export function protect(action: string, getArgs: (req: Request) => unknown): RequestHandler {
  if (typeof action !== 'string' || action === '') throw new ImproperlyConfigured('protect: action must be a non-empty string');
  if (typeof getArgs !== 'function') throw new ImproperlyConfigured('protect: getArgs must be a function');
  const where = `protect(${JSON.stringify(action)})`;
  return (req, res, next) => {
    const state = stateFor(req, where);
    if (state === undefined) return send(res, toErrorResponse(new InternalError()));
    if (!state.policy.canApprove) {
      console.error(`[@auth/express] ${where}: the policy has no approve hook, so this route always fails`);
      return send(res, state.policy.respond(new ImproperlyConfigured('no approve hook')));
    }
    step(res, next, (error) => state.policy.respond(error), async () => {
      const args: unknown = await getArgs(req);
      await state.policy.approve({ req: state.req, auth: state.auth, action, args });
    });
  };
}

/**
 * The AuthContext resolved for this request (by `auth()` or an upgrade helper), or null.
 *
 * @example
 * app.get('/me', (req, res) => { res.json({ subject: getAuth(req)?.subject ?? null }); });
 */
export function getAuth(req: IncomingMessage): AuthContext | null {
  return states.get(req)?.auth ?? null;
}

/**
 * Authenticates a WebSocket upgrade (`source: 'websocket'`, so a `?token=` credential counts) before
 * any socket is accepted. Resolves true when the upgrade may proceed (`getAuth(req)` then holds the
 * caller); on refusal writes the policy's error response to the raw socket, closes it and resolves false.
 *
 * @example
 * server.on('upgrade', async (req, socket, head) => {
 *   if (await authenticateUpgrade(policy, req, socket)) wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
 * });
 */
export async function authenticateUpgrade(policy: AuthPolicy, req: IncomingMessage, socket: Duplex, options: UpgradeOptions = {}): Promise<boolean> {
  assertPolicy(policy, 'authenticateUpgrade');
  const optional = readOptional(options, 'authenticateUpgrade', ['optional', 'requirement']);
  const need = options.requirement === undefined ? undefined : compileRequirement(options.requirement);
  // Node removed its own error listener before 'upgrade': a client reset must not crash the process.
  if (socket.listenerCount('error') === 0) socket.on('error', () => socket.destroy());
  try {
    const authReq = toAuthRequest(req, true);
    const result = await policy.authenticate(authReq, { optional });
    if (need !== undefined) await policy.authorize(result, need, authReq);
    remember(req, { policy, req: authReq, auth: result });
    return true;
  } catch (error) {
    refuse(socket, policy.respond(error));
    return false;
  }
}

/**
 * A ready `server.on('upgrade', ...)` listener: authenticates, then hands accepted sockets to a
 * `ws` server created with `{ noServer: true }`, which emits `connection` with `(ws, req)`.
 *
 * @example
 * const wss = new WebSocketServer({ noServer: true });
 * wss.on('connection', (ws, req) => ws.send(`hello ${getAuth(req)?.subject}`));
 * server.on('upgrade', upgradeHandler(policy, wss));
 */
export function upgradeHandler<Socket>(
  policy: AuthPolicy,
  wss: UpgradeTarget<Socket>,
  options: UpgradeOptions = {},
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  assertPolicy(policy, 'upgradeHandler');
  readOptional(options, 'upgradeHandler', ['optional', 'requirement']);
  if (options.requirement !== undefined) compileRequirement(options.requirement);
  if (typeof wss !== 'object' || wss === null || typeof wss.handleUpgrade !== 'function') {
    throw new ImproperlyConfigured('upgradeHandler: expected a ws WebSocketServer created with { noServer: true }');
  }
  return (req, socket, head) => {
    authenticateUpgrade(policy, req, socket, options).then(
      (ok) => {
        if (ok) wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      },
    ).catch(() => socket.destroy());
  };
}

function stateFor(req: IncomingMessage, where: string): State | undefined {
  const state = states.get(req);
  if (state === undefined) console.error(`[@auth/express] ${where} ran without auth(policy) before it; the request is refused`);
  return state;
}

function assertPolicy(policy: unknown, where: string): asserts policy is AuthPolicy {
  const p = policy as Partial<AuthPolicy> | null;
  if (typeof p !== 'object' || p === null || typeof p.authenticate !== 'function' || typeof p.respond !== 'function') {
    throw new ImproperlyConfigured(`${where}: expected the policy returned by createAuth()`);
  }
}

function readOptional(options: AuthMiddlewareOptions, where: string, known: readonly string[]): boolean {
  if (typeof options !== 'object' || options === null) throw new ImproperlyConfigured(`${where}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ImproperlyConfigured(`${where}: unknown option '${key}'`);
  }
  if (options.optional !== undefined && typeof options.optional !== 'boolean') {
    throw new ImproperlyConfigured(`${where}: option 'optional' must be a boolean`);
  }
  return options.optional === true;
}
