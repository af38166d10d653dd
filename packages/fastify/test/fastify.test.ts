import { AuthContext, createAuth, HTTPError, ImproperlyConfigured, InvalidToken, type AuthOptions, type AuthPolicy } from '@auth/core';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import WebSocket from 'ws';
import defaultExport, { fastifyAuth, getAuth, protect, requireAuth } from '../src/index.js';

const alice = new AuthContext({ subject: 'alice', roles: ['admin'] });
const bob = new AuthContext({ subject: 'bob', roles: ['user'] });

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

const noApprove = () => createAuth({ authenticate: async () => alice, logger: false });
const ALICE = { authorization: 'Bearer tok-alice' };

const apps: FastifyInstance[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const app of apps.splice(0)) await app.close();
});

async function listen(app: FastifyInstance): Promise<string> {
  apps.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

describe('registering the plugin', () => {
  it('fails at start-up when the auth option is not a policy', async () => {
    const app = Fastify();
    apps.push(app);
    await expect(app.register(fastifyAuth, { auth: {} as AuthPolicy })).rejects.toThrow(ImproperlyConfigured);
  });

  it('fails at start-up when optional is not a boolean', async () => {
    const app = Fastify();
    apps.push(app);
    await expect(app.register(fastifyAuth, { auth: policy(), optional: 1 as unknown as boolean })).rejects.toThrow("option 'optional' must be a boolean");
  });

  it('is also the default export', () => {
    expect(defaultExport).toBe(fastifyAuth);
  });

  it('rejects a malformed route-level requirement when the route is added', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(fastifyAuth, { auth: policy() });
    expect(() => app.get('/admin', { config: { auth: { roles: [] } } }, async () => 'x')).toThrow(ImproperlyConfigured);
  });

  it('rejects protect() on a policy without an approve hook when the route is added', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(fastifyAuth, { auth: noApprove() });
    expect(() => app.post('/transfer', { preHandler: [requireAuth(), protect('transfer', (r) => r.body)] }, async () => 'x')).toThrow(
      'protect("transfer") on /transfer: the policy has no approve hook',
    );
  });

  it('rejects malformed guards when they are built', () => {
    expect(() => requireAuth({ roles: [] })).toThrow(ImproperlyConfigured);
    expect(() => protect('', () => null)).toThrow(ImproperlyConfigured);
    expect(() => protect('transfer', null as unknown as () => unknown)).toThrow(ImproperlyConfigured);
  });
});

describe('types', () => {
  it('adds request.auth as AuthContext | null and config.auth as a Requirement', () => {
    const app = Fastify();
    app.get('/', { config: { auth: { roles: ['admin'] } } }, async (request) => {
      expectTypeOf(request.auth).toEqualTypeOf<AuthContext | null>();
      expectTypeOf(getAuth(request)).toEqualTypeOf<AuthContext | null>();
      return 'ok';
    });
    app.post<{ Body: { amount: number } }>('/t', { preHandler: protect<{ Body: { amount: number } }>('t', (request) => request.body.amount) }, async () => 'ok');
    void app.close();
  });
});

describe('errors are answered by the plugin, never by the error handler', () => {
  it('does not call a custom error handler and keeps the core body verbatim', async () => {
    const onError = vi.fn();
    const app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      onError(error);
      return reply.code(418).send('teapot');
    });
    await app.register(fastifyAuth, { auth: policy() });
    app.get('/private', async () => 'secret');
    const res = await fetch(`${await listen(app)}/private`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'unauthorized' });
    expect(onError).not.toHaveBeenCalled();
  });

  it('answers a getArgs that throws a plain error with a generic 500', async () => {
    const app = Fastify();
    await app.register(fastifyAuth, { auth: policy() });
    app.post(
      '/transfer',
      {
        preHandler: protect('transfer', () => {
          throw new Error('db password hunter2');
        }),
      },
      async () => 'ran',
    );
    const res = await fetch(`${await listen(app)}/transfer`, { method: 'POST', headers: ALICE });
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('hunter2');
  });

  it('answers a getArgs that throws an HTTPError with its status', async () => {
    const app = Fastify();
    await app.register(fastifyAuth, { auth: policy() });
    app.post(
      '/transfer',
      {
        preHandler: protect('transfer', async () => {
          throw new HTTPError('amount is required', { status: 422 });
        }),
      },
      async () => 'ran',
    );
    const res = await fetch(`${await listen(app)}/transfer`, { method: 'POST', headers: ALICE });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ detail: 'amount is required' });
  });
});

describe('misconfiguration fails closed', () => {
  it('answers 500 and logs when requireAuth runs outside the plugin scope', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const hits: string[] = [];
    const app = Fastify();
    app.get('/admin', { preHandler: requireAuth({ roles: ['admin'] }) }, async () => {
      hits.push('admin');
      return 'x';
    });
    const res = await fetch(`${await listen(app)}/admin`, { headers: ALICE });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: 'internal_error' });
    expect(hits).toEqual([]);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('requireAuth ran outside the scope of fastifyAuth'));
  });

  it('answers 500 and logs once through the policy logger when protect() was added before the plugin loaded and the policy cannot approve', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const logged: string[] = [];
    const logger = { warn: (message: string) => void logged.push(message), error: (message: string) => void logged.push(message) };
    const app = Fastify();
    void app.register(fastifyAuth, { auth: createAuth({ authenticate: async () => alice, logger }) });
    // Added before the plugin has loaded (not awaited), so onRoute did not see it.
    const getArgs = vi.fn(() => ({}));
    app.post('/transfer', { preHandler: protect('transfer', getArgs) }, async () => 'ran');
    const res = await fetch(`${await listen(app)}/transfer`, { method: 'POST', headers: { 'x-approval-token': 'tok-approval' } });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: 'internal_error', detail: 'Internal Server Error' });
    expect(getArgs).not.toHaveBeenCalled();
    expect(logged).toEqual([expect.stringContaining('action "transfer" refused: the policy has no approve hook')]);
    expect(logged.join('\n')).not.toContain('tok-approval');
    expect(error).not.toHaveBeenCalled();
  });

  it('answers 500 and logs when a route config requirement could not be validated before the plugin loaded', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = Fastify();
    void app.register(fastifyAuth, { auth: policy() });
    app.get('/admin', { config: { auth: { roles: [] } } }, async () => 'ran');
    const res = await fetch(`${await listen(app)}/admin`, { headers: ALICE });
    expect(res.status).toBe(500);
    expect(error).toHaveBeenCalledWith(expect.stringContaining("option 'roles'"));
  });
});

describe('encapsulation', () => {
  it('protects only the scope it is registered in', async () => {
    const app = Fastify();
    app.get('/public', async (request) => ({ auth: getAuth(request), decorated: 'auth' in request }));
    await app.register(async (scope) => {
      await scope.register(fastifyAuth, { auth: policy() });
      scope.get('/private', async (request) => ({ subject: request.auth?.subject }));
    });
    const url = await listen(app);
    expect(await (await fetch(`${url}/public`)).json()).toEqual({ auth: null, decorated: false });
    expect((await fetch(`${url}/private`)).status).toBe(401);
    expect(await (await fetch(`${url}/private`, { headers: ALICE })).json()).toEqual({ subject: 'alice' });
  });

  it('allows an optional root and a stricter nested scope', async () => {
    const app = Fastify();
    await app.register(fastifyAuth, { auth: policy(), optional: true });
    app.get('/me', async (request) => ({ subject: request.auth?.subject ?? null }));
    await app.register(
      async (scope) => {
        await scope.register(fastifyAuth, { auth: policy() });
        scope.get('/settings', async (request) => ({ subject: request.auth?.subject }));
      },
      { prefix: '/account' },
    );
    const url = await listen(app);
    expect(await (await fetch(`${url}/me`)).json()).toEqual({ subject: null });
    expect((await fetch(`${url}/account/settings`)).status).toBe(401);
    expect(await (await fetch(`${url}/account/settings`, { headers: ALICE })).json()).toEqual({ subject: 'alice' });
  });
});

describe('route-level requirements', () => {
  it('checks config.auth right after authentication, before the body is parsed', async () => {
    const parsed = vi.fn();
    const app = Fastify();
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      parsed();
      done(null, JSON.parse(body as string));
    });
    await app.register(fastifyAuth, { auth: policy() });
    app.post('/admin', { config: { auth: { roles: ['admin'] } } }, async (request) => ({ body: request.body }));
    const url = await listen(app);
    const denied = await fetch(`${url}/admin`, { method: 'POST', headers: { authorization: 'Bearer tok-bob', 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(denied.status).toBe(403);
    expect(parsed).not.toHaveBeenCalled();
    const allowed = await fetch(`${url}/admin`, { method: 'POST', headers: { ...ALICE, 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await allowed.json()).toEqual({ body: { a: 1 } });
  });
});

describe('websocket upgrades with @fastify/websocket', () => {
  it('authenticates the upgrade before the socket handler runs and lets it read request.auth', async () => {
    const app = Fastify();
    await app.register(websocket);
    await app.register(fastifyAuth, { auth: policy() });
    const opened: string[] = [];
    app.get('/ws', { websocket: true }, (socket, request: FastifyRequest) => {
      opened.push(request.auth?.subject ?? 'nobody');
      socket.send(getAuth(request)?.subject ?? '');
    });
    const url = (await listen(app)).replace('http', 'ws');
    const message = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`${url}/ws?token=tok-alice`);
      ws.on('message', (data: Buffer) => {
        resolve(data.toString());
        ws.close();
      });
      ws.on('error', reject);
    });
    expect(message).toBe('alice');
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${url}/ws?token=tok-mallory`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('opened')));
    });
    expect(status).toBe(401);
    expect(opened).toEqual(['alice']);
  });
});
