import { AuthContext, createAuth, HTTPError, ImproperlyConfigured, InvalidToken, type AuthOptions, type AuthPolicy } from '@auth/core';
import { serve } from '@hono/node-server';
import { createNodeWebSocket } from '@hono/node-ws';
import { Hono } from 'hono';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { auth, getAuth, protect, requireAuth, type AuthEnv, type AuthVariables } from '../src/index.js';

const alice = new AuthContext({ subject: 'alice', roles: ['admin'] });

function policy(overrides: Partial<AuthOptions> = {}): AuthPolicy {
  return createAuth({
    authenticate: async (req) => {
      const header = req.headers.get('authorization');
      const token = header?.startsWith('Bearer ') ? header.slice(7) : req.context.source === 'websocket' ? req.query.get('token') : null;
      if (token === null || token === undefined) return null;
      if (token === 'tok-alice') return alice;
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

async function listen(app: Hono<AuthEnv>, withSockets?: (server: Server) => void): Promise<string> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  withSockets?.(server);
  servers.push(server);
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('building the middleware', () => {
  it('rejects something that is not a policy', () => {
    expect(() => auth({} as AuthPolicy)).toThrow(ImproperlyConfigured);
    expect(() => auth(undefined as unknown as AuthPolicy)).toThrow(ImproperlyConfigured);
  });

  it('rejects a non-boolean optional and unknown options', () => {
    expect(() => auth(policy(), { optional: 'yes' as unknown as boolean })).toThrow("option 'optional' must be a boolean");
    expect(() => auth(policy(), { skip: () => true } as unknown as { optional: boolean })).toThrow("auth: options has unknown key(s) 'skip'");
    expect(() => auth(policy(), null as unknown as { optional: boolean })).toThrow(ImproperlyConfigured);
  });

  it('rejects a malformed requirement when the route is defined', () => {
    expect(() => requireAuth({ roles: [] })).toThrow(ImproperlyConfigured);
    expect(() => requireAuth({ role: ['admin'] } as unknown as { roles: string[] })).toThrow(ImproperlyConfigured);
    expect(() => requireAuth({ permissions: ['not a permission'] })).toThrow(ImproperlyConfigured);
  });

  it('rejects an empty action or a getArgs that is not a function', () => {
    expect(() => protect('', () => null)).toThrow(ImproperlyConfigured);
    expect(() => protect('transfer', 'body' as unknown as () => unknown)).toThrow(ImproperlyConfigured);
  });
});

describe('types', () => {
  it('types c.var.auth through the Env generic, without global augmentation', () => {
    const app = new Hono<AuthEnv>();
    app.get('/', (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<AuthContext | null>();
      expectTypeOf(getAuth(c)).toEqualTypeOf<AuthContext | null>();
      return c.text('ok');
    });
    const other = new Hono<{ Variables: AuthVariables & { tenant: string } }>();
    other.use(auth(policy()));
    other.get('/', (c) => {
      expectTypeOf(c.var.tenant).toEqualTypeOf<string>();
      expectTypeOf(c.var.auth).toEqualTypeOf<AuthContext | null>();
      return c.text('ok');
    });
    // An app that did not opt in sees no `auth` variable at all.
    new Hono().get('/', (c) => {
      expectTypeOf(c.var).not.toHaveProperty('auth');
      return c.text('ok');
    });
  });
});

describe('misconfiguration fails closed', () => {
  it('answers 500 and logs when requireAuth runs without auth() before it', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const hits: string[] = [];
    const app = new Hono<AuthEnv>().get('/admin', requireAuth({ roles: ['admin'] }), (c) => {
      hits.push('admin');
      return c.text('ok');
    });
    const res = await fetch(`${await listen(app)}/admin`, { headers: { authorization: 'Bearer tok-alice' } });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: 'internal_error', detail: 'Internal Server Error' });
    expect(hits).toEqual([]);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('requireAuth ran without auth(policy)'));
  });

  it('answers 500 in the policy envelope and logs once through the policy logger when protect() meets a policy with no approve hook', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const logged: string[] = [];
    const logger = { warn: (message: string) => void logged.push(message), error: (message: string) => void logged.push(message) };
    const noApprove = createAuth({ authenticate: async () => alice, logger, errorResponse: (e) => ({ body: { oops: e.code } }) });
    const hits: string[] = [];
    const getArgs = vi.fn(() => ({}));
    const app = new Hono<AuthEnv>().use(auth(noApprove)).post('/transfer', protect('transfer', getArgs), (c) => {
      hits.push('transfer');
      return c.text('ok');
    });
    const res = await fetch(`${await listen(app)}/transfer`, { method: 'POST', headers: { 'x-approval-token': 'tok-approval' } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ oops: 'internal_error' });
    expect(hits).toEqual([]);
    expect(getArgs).not.toHaveBeenCalled();
    expect(logged).toEqual([expect.stringContaining('action "transfer" refused: the policy has no approve hook')]);
    expect(logged.join('\n')).not.toContain('tok-approval');
    expect(error).not.toHaveBeenCalled();
  });
});

describe('protect', () => {
  it('answers a getArgs that throws a plain error with a generic 500', async () => {
    const app = new Hono<AuthEnv>().use(auth(policy())).post('/transfer', protect('transfer', (c) => c.req.json()), (c) => c.text('ran'));
    const res = await fetch(`${await listen(app)}/transfer`, { method: 'POST', headers: { authorization: 'Bearer tok-alice' }, body: '{not json' });
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('JSON');
  });

  it('answers a getArgs that throws an HTTPError with its status', async () => {
    const app = new Hono<AuthEnv>()
      .use(auth(policy()))
      .post(
        '/transfer',
        protect('transfer', async (c) => {
          const body: unknown = await c.req.json().catch(() => undefined);
          if (body === undefined) throw new HTTPError('The body must be JSON.', { status: 400 });
          return body;
        }),
        (c) => c.text('ran'),
      );
    const res = await fetch(`${await listen(app)}/transfer`, { method: 'POST', headers: { authorization: 'Bearer tok-alice' }, body: '{not json' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 400, detail: 'The body must be JSON.' });
  });

  it('leaves the body readable by the handler after getArgs parsed it', async () => {
    const app = new Hono<AuthEnv>()
      .use(auth(policy()))
      .post('/echo', protect('echo', (c) => c.req.json()), async (c) => c.json({ again: (await c.req.json()) as unknown }));
    const url = await listen(app);
    const first = await fetch(`${url}/echo`, { method: 'POST', headers: { authorization: 'Bearer tok-alice' }, body: '{"a":1}' });
    const { argumentsHash } = (await first.json()) as { argumentsHash: string };
    const res = await fetch(`${url}/echo`, { method: 'POST', headers: { authorization: 'Bearer tok-alice', 'x-approval-token': `ok:${argumentsHash}` }, body: '{"a":1}' });
    expect(await res.json()).toEqual({ again: { a: 1 } });
  });
});

describe('getAuth', () => {
  it('cannot be spoofed by another middleware setting the auth variable', async () => {
    const app = new Hono<AuthEnv>()
      .use(auth(policy(), { optional: true }))
      .use(async (c, next) => {
        c.set('auth', alice);
        await next();
      })
      .get('/me', (c) => c.json({ subject: getAuth(c)?.subject ?? null }));
    const res = await fetch(`${await listen(app)}/me`);
    expect(await res.json()).toEqual({ subject: null });
  });
});

describe('without @hono/node-server (app.request, as on other runtimes)', () => {
  it('refuses a Fetch-joined duplicate Authorization header with 400', async () => {
    const app = new Hono<AuthEnv>().use(auth(policy())).get('/', (c) => c.text('ran'));
    const res = await app.request('/', { headers: { authorization: 'Bearer tok-alice, Bearer tok-bob' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_request' });
  });

  it('authenticates with source http unless the request asks to upgrade to websocket', async () => {
    const app = new Hono<AuthEnv>().use(auth(policy())).get('/', (c) => c.text(getAuth(c)?.subject ?? ''));
    expect((await app.request('/?token=tok-alice')).status).toBe(401);
    const upgrade = await app.request('/?token=tok-alice', { headers: { upgrade: 'websocket', connection: 'upgrade' } });
    expect(await upgrade.text()).toBe('alice');
  });
});

describe('websocket upgrades with @hono/node-ws', () => {
  it('survives a client that resets the socket while the hook is still running', async () => {
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finish!: () => void;
    const slow = policy({
      authenticate: () =>
        new Promise((resolve) => {
          release();
          finish = () => resolve(null);
        }),
    });
    const app = new Hono<AuthEnv>();
    const { injectWebSocket, upgradeWebSocket } = createNodeWebSocket({ app });
    app.use(auth(slow));
    app.get('/ws', upgradeWebSocket(() => ({})));
    let serverSide!: Promise<unknown>;
    const url = new URL(
      await listen(app, (server) => {
        injectWebSocket(server);
        server.on('upgrade', (_req, socket) => {
          serverSide = new Promise((resolve) => socket.on('close', resolve));
        });
      }),
    );
    const socket = connect(Number(url.port), url.hostname);
    socket.on('error', () => {});
    socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    await started;
    socket.resetAndDestroy();
    // The server side sees the reset while the hook still runs: without a guard that is an
    // unhandled 'error' event and the process dies.
    await serverSide;
    finish();
    // The refusal is written to a socket that is gone; nothing may throw.
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
});

describe('the AuthRequest a hook sees', () => {
  it('has the method, path and query of the request, over a real server and through app.request alike', async () => {
    const seen: Array<{ method: string; path: string; q: readonly string[]; source: string }> = [];
    const app = new Hono<AuthEnv>();
    app.use(
      auth(
        createAuth({
          authenticate: async (req) => {
            seen.push({ method: req.method, path: req.path, q: req.query.getAll('q'), source: req.context.source });
            return alice;
          },
          logger: false,
        }),
      ),
    );
    app.get('/items/:id', (c) => c.text(c.var.auth?.subject ?? ''));
    const base = await listen(app);
    const res = await fetch(`${base}/items/7?q=1&q=two%20words`);
    expect(await res.text()).toBe('alice');
    const direct = await app.request('/items/8?q=3');
    expect(await direct.text()).toBe('alice');
    // Sent raw (fetch would resolve the dot segments itself): the hook sees the path Hono routes.
    const { port } = new URL(base);
    const socket = connect(Number(port), '127.0.0.1');
    socket.end('GET /public/../items/9 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    let raw = '';
    for await (const chunk of socket) raw += String(chunk);
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(seen).toEqual([
      { method: 'GET', path: '/items/7', q: ['1', 'two words'], source: 'http' },
      { method: 'GET', path: '/items/8', q: ['3'], source: 'http' },
      { method: 'GET', path: '/items/9', q: [], source: 'http' },
    ]);
  });
});
