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
import { AuthStates, PENDING, assertPolicy, middlewareOptions, upgradeOptions, validateProtect, type UpgradeSettings } from '@auth/core/adapter';
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

const states = new AuthStates<IncomingMessage>({ adapter: '@auth/express', missing: 'ran without auth(policy) before it' });

// Runs a step without ever returning a promise to Express: Express 4 would drop its rejection.
// A refusal is written back; `next()` is called once, only when the step lets the request through.
function settle(res: Response, next: (error?: unknown) => void, step: () => Promise<ErrorResponse | undefined>): void {
  step()
    .then((refusal) => (refusal === undefined ? next() : send(res, refusal)))
    .catch(() => send(res, toErrorResponse(new InternalError())));
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
  const settings = middlewareOptions(options, 'auth');
  return (req, res, next) => {
    // A policy that decides synchronously: next() (or the refusal) right away, no promise.
    let authReq: AuthRequest;
    let refusal: ErrorResponse | undefined | typeof PENDING;
    try {
      authReq = toAuthRequest(req, (req as { upgrade?: unknown }).upgrade === true);
      refusal = states.authenticateSync(req, policy, authReq, settings);
    } catch {
      // As on the asynchronous path: never an error for Express's own handler.
      send(res, toErrorResponse(new InternalError()));
      return;
    }
    if (refusal !== PENDING) {
      if (refusal !== undefined) {
        send(res, refusal);
        return;
      }
      (req as RequestWithAuth).auth = states.auth(req);
      next();
      return;
    }
    settle(res, next, async () => {
      const answer = await states.authenticate(req, policy, authReq, settings);
      if (answer === undefined) (req as RequestWithAuth).auth = states.auth(req);
      return answer;
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
  return (req, res, next) => settle(res, next, () => states.authorize(req, need));
}

/**
 * Approval gate for one action: hashes the call's arguments from `getArgs` (may be async; mount
 * `express.json()` before it to read `req.body`), reads the approval token from the policy's
 * approval header and runs its approve hook. 409/403 bodies carry `action` and `argumentsHash`.
 * A policy without an approve hook answers 500 and logs why through its logger.
 *
 * @example
 * app.post('/transfer', express.json(), protect('transfer', (req) => req.body), (req, res) => { res.json(req.body); });
 */
export function protect(action: string, getArgs: (req: Request) => unknown): RequestHandler {
  validateProtect(action, getArgs);
  return (req, res, next) => settle(res, next, () => states.approve(req, action, () => getArgs(req)));
}

/**
 * The AuthContext resolved for this request (by `auth()` or an upgrade helper), or null.
 *
 * @example
 * app.get('/me', (req, res) => { res.json({ subject: getAuth(req)?.subject ?? null }); });
 */
export function getAuth(req: IncomingMessage): AuthContext | null {
  return states.auth(req);
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
  return admitUpgrade(policy, req, socket, upgradeOptions(options, 'authenticateUpgrade'));
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
  const settings = upgradeOptions(options, 'upgradeHandler');
  if (typeof wss !== 'object' || wss === null || typeof wss.handleUpgrade !== 'function') {
    throw new ImproperlyConfigured('upgradeHandler: expected a ws WebSocketServer created with { noServer: true }');
  }
  return (req, socket, head) => {
    admitUpgrade(policy, req, socket, settings).then(
      (ok) => {
        if (ok) wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      },
    ).catch(() => socket.destroy());
  };
}

async function admitUpgrade(policy: AuthPolicy, req: IncomingMessage, socket: Duplex, settings: UpgradeSettings): Promise<boolean> {
  // Node removed its own error listener before 'upgrade': a client reset must not crash the process.
  if (socket.listenerCount('error') === 0) socket.on('error', () => socket.destroy());
  const refusal = await states.authenticate(req, policy, toAuthRequest(req, true), settings);
  if (refusal !== undefined) {
    refuse(socket, refusal);
    return false;
  }
  (req as RequestWithAuth).auth = states.auth(req);
  return true;
}
