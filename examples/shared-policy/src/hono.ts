// The shared policy on Hono (+ @hono/node-server, @hono/node-ws).
import { auth, getAuth, protect, requireAuth, type AuthEnv } from '@auth/hono';
import { createAdaptorServer } from '@hono/node-server';
import { createNodeWebSocket } from '@hono/node-ws';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import { adminArea, greeting, health, profile, transferDone } from './answers.js';
import { closeServer, HOST, listen, type RunningServer } from './listen.js';
import { policy, TRANSFER } from './policy.js';

export function honoApp() {
  const app = new Hono<AuthEnv>();
  const { injectWebSocket, upgradeWebSocket, wss } = createNodeWebSocket({ app });

  app.get('/health', (c) => c.json(health())); // before auth(): public
  app.use(auth(policy));
  app.get('/me', (c) => c.json(profile(getAuth(c))));
  app.get('/admin', requireAuth({ roles: ['admin'] }), (c) => c.json(adminArea(getAuth(c))));
  app.post(
    '/transfer',
    requireAuth({ permissions: ['transfers:create'] }),
    protect(TRANSFER, (c) => c.req.json()),
    async (c) => c.json(transferDone(getAuth(c), await c.req.json())),
  );
  app.get(
    '/ws',
    upgradeWebSocket((c) => {
      const who = getAuth(c);
      return { onOpen: (_event, ws) => ws.send(greeting(who)) };
    }),
  );
  return { app, injectWebSocket, wss };
}

export async function startHono(port: number): Promise<RunningServer> {
  const { app, injectWebSocket, wss } = honoApp();
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  injectWebSocket(server);
  const bound = await listen(server, port, 'Hono');
  return {
    name: 'Hono',
    url: `http://${HOST}:${bound}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      await closeServer(server);
    },
  };
}
