// The conformance app on Hono + @hono/node-server + @hono/node-ws.
import { auth, getAuth, protect, requireAuth, type AuthEnv } from '@auth/hono';
import { serve } from '@hono/node-server';
import { createNodeWebSocket } from '@hono/node-ws';
import { Hono, type Context } from 'hono';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PREFLIGHT_HEADERS, type AppFactory } from '../harness.js';

export const startHono: AppFactory = async (policy, options = {}) => {
  const hits: string[] = [];
  const app = new Hono<AuthEnv>();
  const { injectWebSocket, upgradeWebSocket, wss } = createNodeWebSocket({ app });
  const answer = (route: string) => (c: Context<AuthEnv>) => {
    hits.push(route);
    const who = getAuth(c);
    const cookie = who === null ? null : (options.setCookie?.(who) ?? null);
    if (cookie !== null) c.header('set-cookie', cookie);
    return c.json({ route, subject: c.var.auth?.subject ?? null });
  };
  const socket = (route: string) =>
    upgradeWebSocket((c) => {
      const who = getAuth(c);
      return {
        onOpen(_event, ws) {
          hits.push(route);
          ws.send(JSON.stringify({ route, subject: who?.subject ?? null }));
        },
      };
    });

  if (options.cors === true) {
    app.use(async (c, next) => {
      if (c.req.method !== 'OPTIONS') return next();
      hits.push('preflight');
      return c.body(null, 204, { ...PREFLIGHT_HEADERS });
    });
  }
  app.use(auth(policy, { optional: options.optional === true }));
  app.get('/private', requireAuth(), answer('private'));
  app.get('/me', answer('me'));
  app.get('/admin', requireAuth({ roles: ['admin'] }), answer('admin'));
  app.get('/reports', requireAuth({ permissions: ['reports:read'] }), answer('reports'));
  app.post(
    '/transfer',
    protect('transfer', (c) => c.req.json()),
    async (c) => {
      hits.push('transfer');
      return c.json({ route: 'transfer', subject: getAuth(c)?.subject ?? null, args: (await c.req.json()) as unknown });
    },
  );
  app.get('/ws', socket('ws'));
  app.get('/ws-admin', requireAuth({ roles: ['admin'] }), socket('ws-admin'));
  app.notFound((c) => {
    hits.push('not-found');
    return c.json({ route: 'not-found' }, 404);
  });

  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  injectWebSocket(server);
  if (!server.listening) await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    async close() {
      for (const client of wss.clients) client.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
