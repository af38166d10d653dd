// The shared policy on Fastify (+ @fastify/websocket).
import { fastifyAuth, getAuth, protect } from '@auth/fastify';
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import { adminArea, greeting, health, profile, transferDone } from './answers.js';
import { HOST, PortInUse, type RunningServer } from './listen.js';
import { policy, TRANSFER } from './policy.js';

export async function fastifyApp() {
  const app = Fastify();
  await app.register(websocket);

  app.get('/health', async () => health()); // outside the authenticated scope: public
  await app.register(async (api) => {
    await api.register(fastifyAuth, { auth: policy });
    api.get('/me', async (request) => profile(getAuth(request)));
    api.get('/admin', { config: { auth: { roles: ['admin'] } } }, async (request) => adminArea(getAuth(request)));
    api.post<{ Body: unknown }>(
      '/transfer',
      { config: { auth: { permissions: ['transfers:create'] } }, preHandler: protect<{ Body: unknown }>(TRANSFER, (request) => request.body) },
      async (request) => transferDone(getAuth(request), request.body),
    );
    api.get('/ws', { websocket: true }, (socket, request) => socket.send(greeting(getAuth(request))));
  });
  return app;
}

export async function startFastify(port: number): Promise<RunningServer> {
  const app = await fastifyApp();
  try {
    await app.listen({ port, host: HOST });
  } catch (error) {
    await app.close();
    throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? new PortInUse('Fastify', port) : error;
  }
  const address = app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return {
    name: 'Fastify',
    url: `http://${HOST}:${bound}`,
    async close() {
      for (const client of app.websocketServer.clients) client.terminate();
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
