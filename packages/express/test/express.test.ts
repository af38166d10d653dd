import { AuthContext, createAuth, HTTPError, ImproperlyConfigured, InvalidToken, type AuthOptions, type AuthPolicy } from '@auth/core';
import express5, { type ErrorRequestHandler } from 'express';
import express4 from 'express4';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { auth, authenticateUpgrade, getAuth, protect, requireAuth, upgradeHandler, type RequestWithAuth } from '../src/index.js';

const alice = new AuthContext({ subject: 'alice', roles: ['admin'] });
const bob = new AuthContext({ subject: 'bob', roles: ['user'] });
const ALICE = { authorization: 'Bearer tok-alice' };

function policy(overrides: Partial<AuthOptions> = {}): AuthPolicy {
  return createAuth({
    authenticate: async (req) => {
      const header = req.headers.get('authorization');
      const token = header?.startsWith('Bearer ') ? header.slice(7) : req.context.source === 'websocket' ? req.query.get('token') : null;
      if (token === null || token === undefined) return null;
      if (token === 'tok-alice') return alice;
      if (token === 'tok-bob') return bob;
      throw new InvalidToken();
    },
    approve: async (r) => r.token === `ok:${r.argumentsHash}`,
    logger: false,
    ...overrides,
  });
}

const servers: Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Sends raw bytes and collects the whole answer until the server closes the connection. */
async function rawExchange(url: string, text: string): Promise<string> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.write(text);
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('utf8');
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

describe('building the middleware', () => {
  it('rejects something that is not a policy', () => {
    expect(() => auth({} as AuthPolicy)).toThrow(ImproperlyConfigured);
    expect(() => upgradeHandler(null as unknown as AuthPolicy, new WebSocketServer({ noServer: true }))).toThrow(ImproperlyConfigured);
  });

  it('rejects a non-boolean optional and unknown options', () => {
    expect(() => auth(policy(), { optional: 'no' as unknown as boolean })).toThrow("option 'optional' must be a boolean");
    expect(() => auth(policy(), { requirement: {} } as unknown as { optional: boolean })).toThrow("auth: options has unknown key(s) 'requirement'");
  });

  it('rejects malformed guards when they are built', () => {
    expect(() => requireAuth({ roles: [] })).toThrow(ImproperlyConfigured);
    expect(() => protect('', () => null)).toThrow(ImproperlyConfigured);
    expect(() => protect('transfer', 'body' as unknown as () => unknown)).toThrow(ImproperlyConfigured);
  });

  it('rejects an upgrade handler without a ws server or with a malformed requirement', () => {
    expect(() => upgradeHandler(policy(), {} as unknown as WebSocketServer)).toThrow(ImproperlyConfigured);
    expect(() => upgradeHandler(policy(), new WebSocketServer({ noServer: true }), { requirement: { roles: [] } })).toThrow(ImproperlyConfigured);
  });

  it('types getAuth and req.auth without a global augmentation', () => {
    const handler = (req: RequestWithAuth) => {
      expectTypeOf(getAuth(req)).toEqualTypeOf<AuthContext | null>();
      expectTypeOf(req.auth).toEqualTypeOf<AuthContext | null | undefined>();
    };
    express5().get('/', handler);
    expectTypeOf<express5.Request>().not.toHaveProperty('auth');
  });
});

describe.each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('%s', (_name, express) => {
  it('answers 500 and logs when requireAuth runs without auth() before it', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const hits: string[] = [];
    const app = express();
    app.get('/admin', requireAuth({ roles: ['admin'] }), (_req, res) => {
      hits.push('admin');
      res.send('x');
    });
    const res = await fetch(`${(await listen(app)).url}/admin`, { headers: ALICE });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: 'internal_error' });
    expect(hits).toEqual([]);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('requireAuth ran without auth(policy)'));
  });

  it('answers 500 in the policy envelope and logs once through the policy logger when protect() meets a policy with no approve hook', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const logged: string[] = [];
    const logger = { warn: (message: string) => void logged.push(message), error: (message: string) => void logged.push(message) };
    const app = express();
    app.use(auth(createAuth({ authenticate: async () => alice, logger, errorResponse: (e) => ({ body: { oops: e.code } }) })));
    const getArgs = vi.fn(() => ({}));
    app.post('/transfer', protect('transfer', getArgs), (_req, res) => {
      res.send('ran');
    });
    const res = await fetch(`${(await listen(app)).url}/transfer`, { method: 'POST', headers: { 'x-approval-token': 'tok-approval' } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ oops: 'internal_error' });
    expect(getArgs).not.toHaveBeenCalled();
    expect(logged).toEqual([expect.stringContaining('action "transfer" refused: the policy has no approve hook')]);
    expect(logged.join('\n')).not.toContain('tok-approval');
    expect(error).not.toHaveBeenCalled();
  });

  it('answers an async getArgs that rejects with a generic 500, with no unhandled rejection', async () => {
    const app = express();
    app.use(auth(policy()));
    app.post(
      '/transfer',
      protect('transfer', async () => {
        throw new Error('db password hunter2');
      }),
      (_req, res) => {
        res.send('ran');
      },
    );
    const res = await fetch(`${(await listen(app)).url}/transfer`, { method: 'POST', headers: ALICE });
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('hunter2');
  });

  it('answers a getArgs that throws an HTTPError with its status', async () => {
    const app = express();
    app.use(auth(policy()));
    app.post(
      '/transfer',
      protect('transfer', () => {
        throw new HTTPError('amount is required', { status: 422 });
      }),
      (_req, res) => {
        res.send('ran');
      },
    );
    const res = await fetch(`${(await listen(app)).url}/transfer`, { method: 'POST', headers: ALICE });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ detail: 'amount is required' });
  });

  it('leaves an error thrown by a later handler to the app, and never writes a second response', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = express();
    app.use(auth(policy()));
    app.get('/boom', () => {
      throw new Error('handler failed');
    });
    const onError: ErrorRequestHandler = (_err, _req, res, _next) => {
      res.status(500).send('app error handler');
    };
    app.use(onError);
    const res = await fetch(`${(await listen(app)).url}/boom`, { headers: ALICE });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('app error handler');
    expect(error).not.toHaveBeenCalled();
  });

  it('does not crash when the client leaves before a slow hook answers', async () => {
    let finish!: () => void;
    const started = deferred<void>();
    const slow = policy({
      authenticate: () =>
        new Promise((resolve) => {
          started.resolve();
          finish = () => resolve(null);
        }),
    });
    const app = express();
    app.use(auth(slow));
    const { url, server } = await listen(app);
    const closed = new Promise<void>((resolve) => server.once('connection', (s: Socket) => s.on('close', () => resolve())));
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await started.promise;
    socket.destroy();
    await closed;
    finish();
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('sets req.auth, while getAuth(req) cannot be spoofed by a later middleware', async () => {
    const app = express();
    app.use(auth(policy(), { optional: true }));
    app.use((req, _res, next) => {
      (req as RequestWithAuth).auth = alice;
      next();
    });
    app.get('/me', (req: RequestWithAuth, res) => {
      res.json({ getAuth: getAuth(req)?.subject ?? null, reqAuth: req.auth?.subject ?? null });
    });
    const { url } = await listen(app);
    expect(await (await fetch(`${url}/me`)).json()).toEqual({ getAuth: null, reqAuth: 'alice' });
  });

  it('works when express.json() runs first and protect reads the parsed body', async () => {
    const app = express();
    app.use(express.json());
    app.use(auth(policy()));
    app.post('/transfer', protect('transfer', (req) => req.body as unknown), (req, res) => {
      res.json({ args: req.body as unknown });
    });
    const { url } = await listen(app);
    const first = await fetch(`${url}/transfer`, { method: 'POST', headers: { ...ALICE, 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(first.status).toBe(409);
    const { argumentsHash } = (await first.json()) as { argumentsHash: string };
    const second = await fetch(`${url}/transfer`, {
      method: 'POST',
      headers: { ...ALICE, 'content-type': 'application/json', 'x-approval-token': `ok:${argumentsHash}` },
      body: '{"a":1}',
    });
    expect(await second.json()).toEqual({ args: { a: 1 } });
  });
});

describe('authenticateUpgrade', () => {
  async function upgradeServer(run: (req: IncomingMessage, socket: Duplex) => Promise<void>): Promise<string> {
    const { url, server } = await listen((_req, res) => res.end());
    server.on('upgrade', (req: IncomingMessage, socket) => void run(req, socket));
    return url;
  }

  it('resolves true and makes the caller available to getAuth(req)', async () => {
    const seen = deferred<unknown>();
    const url = await upgradeServer(async (req, socket) => {
      const ok = await authenticateUpgrade(policy(), req, socket);
      seen.resolve({ ok, subject: getAuth(req)?.subject });
      socket.destroy();
    });
    void rawExchange(url, `GET /ws?token=tok-alice HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`);
    expect(await seen.promise).toEqual({ ok: true, subject: 'alice' });
  });

  it('resolves false and writes the full error response before closing the socket', async () => {
    const seen = deferred<boolean>();
    const url = await upgradeServer(async (req, socket) => seen.resolve(await authenticateUpgrade(policy(), req, socket)));
    const answer = await rawExchange(url, `GET /ws HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`);
    expect(await seen.promise).toBe(false);
    expect(answer).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(answer).toContain('www-authenticate: Bearer\r\n');
    expect(answer).toContain('content-type: application/problem+json\r\n');
    expect(answer).toContain('"code":"unauthorized"');
  });

  it('lets the anonymous through in optional mode, with no auth context', async () => {
    const seen = deferred<unknown>();
    const url = await upgradeServer(async (req, socket) => {
      seen.resolve({ ok: await authenticateUpgrade(policy(), req, socket, { optional: true }), auth: getAuth(req) });
      socket.destroy();
    });
    void rawExchange(url, `GET /ws HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`);
    expect(await seen.promise).toEqual({ ok: true, auth: null });
  });

  it('refuses with 403 when the caller lacks a required role', async () => {
    const url = await upgradeServer(async (req, socket) => {
      await authenticateUpgrade(policy(), req, socket, { requirement: { roles: ['admin'] } });
    });
    const answer = await rawExchange(url, `GET /ws?token=tok-bob HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
  });

  it('survives a client that resets the socket while the hook is still running', async () => {
    const started = deferred<void>();
    let finish!: () => void;
    const slow = policy({
      authenticate: () =>
        new Promise((resolve) => {
          started.resolve();
          finish = () => resolve(null);
        }),
    });
    let serverSide!: Promise<unknown>;
    const url = await upgradeServer(async (req, socket) => {
      serverSide = new Promise((resolve) => socket.on('close', resolve));
      await authenticateUpgrade(slow, req, socket);
    });
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.on('error', () => {});
    socket.write(`GET /ws HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`);
    await started.promise;
    socket.resetAndDestroy();
    // Without the adapter's guard the server socket's 'error' is unhandled and the process dies.
    await serverSide;
    finish();
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
});
