// The shared policy on Express 5 (+ ws for the WebSocket upgrade).
import { auth, getAuth, protect, requireAuth, upgradeHandler } from '@auth/express';
import express from 'express';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { adminArea, greeting, health, profile, transferDone } from './answers.js';
import { closeServer, HOST, listen, type RunningServer } from './listen.js';
import { policy, TRANSFER } from './policy.js';

export function expressApp() {
  const app = express();
  app.get('/health', (_req, res) => void res.json(health())); // before auth(): public
  app.use(auth(policy));
  app.get('/me', (req, res) => void res.json(profile(getAuth(req))));
  app.get('/admin', requireAuth({ roles: ['admin'] }), (req, res) => void res.json(adminArea(getAuth(req))));
  app.post(
    '/transfer',
    requireAuth({ permissions: ['transfers:create'] }),
    express.json(),
    protect(TRANSFER, (req) => req.body as unknown),
    (req, res) => void res.json(transferDone(getAuth(req), req.body as unknown)),
  );

  const server = createServer(app);
  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (ws, req) => ws.send(greeting(getAuth(req))));
  const upgrade = upgradeHandler(policy, wss);
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname === '/ws') return upgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  return { server, wss };
}

export async function startExpress(port: number): Promise<RunningServer> {
  const { server, wss } = expressApp();
  const bound = await listen(server, port, 'Express');
  return {
    name: 'Express',
    url: `http://${HOST}:${bound}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      await closeServer(server);
    },
  };
}
