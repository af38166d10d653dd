// The conformance app on Fastify 5 + @fastify/websocket.
import { fastifyAuth, getAuth, protect, requireAuth } from '@auth/fastify';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { PREFLIGHT_HEADERS, type AppFactory } from '../harness.js';

export const startFastify: AppFactory = async (policy, options = {}) => {
  const hits: string[] = [];
  const app = Fastify();
  const answer = (route: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    hits.push(route);
    const who = getAuth(request);
    const cookie = who === null ? null : (options.setCookie?.(who) ?? null);
    if (cookie !== null) reply.header('set-cookie', cookie);
    return { route, subject: request.auth?.subject ?? null };
  };
  const socket = (route: string) => (ws: { send(data: string): void }, request: FastifyRequest) => {
    hits.push(route);
    ws.send(JSON.stringify({ route, subject: getAuth(request)?.subject ?? null }));
  };

  await app.register(websocket);
  if (options.cors === true) {
    // Registered before the plugin, so it runs first and answers preflights itself.
    app.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'OPTIONS') return;
      hits.push('preflight');
      return reply.code(204).headers(PREFLIGHT_HEADERS).send();
    });
  }
  await app.register(fastifyAuth, { auth: policy, optional: options.optional === true });
  app.get('/private', { preHandler: requireAuth() }, answer('private'));
  app.get('/me', answer('me'));
  // Route-level requirement through route config, checked by the plugin.
  app.get('/admin', { config: { auth: { roles: ['admin'] } } }, answer('admin'));
  app.get('/reports', { preHandler: requireAuth({ permissions: ['reports:read'] }) }, answer('reports'));
  app.post<{ Body: unknown }>('/transfer', { preHandler: protect<{ Body: unknown }>('transfer', (request) => request.body) }, async (request) => {
    hits.push('transfer');
    return { route: 'transfer', subject: getAuth(request)?.subject ?? null, args: request.body };
  });
  app.get('/ws', { websocket: true }, socket('ws'));
  app.get('/ws-admin', { websocket: true, config: { auth: { roles: ['admin'] } } }, socket('ws-admin'));
  app.setNotFoundHandler(async (_request, reply) => {
    hits.push('not-found');
    return reply.code(404).send({ route: 'not-found' });
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    async close() {
      app.server.closeAllConnections();
      await app.close();
    },
  };
};
