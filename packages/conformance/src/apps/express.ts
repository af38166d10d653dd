// The conformance app on Express 5 and Express 4 (with and without express.json() before auth),
// with WebSocket upgrades served by `ws` through the adapter's upgradeHandler.
import { auth, getAuth, protect, requireAuth, upgradeHandler, type RequestWithAuth } from '@auth/express';
import express5 from 'express';
import express4 from 'express4';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { PREFLIGHT_HEADERS, type AppFactory } from '../harness.js';

export interface ExpressVariant {
  readonly express: typeof express5;
  /** Mount express.json() before the auth middleware instead of on the route. */
  readonly jsonFirst: boolean;
}

export function expressFactory({ express, jsonFirst }: ExpressVariant): AppFactory {
  return async (policy, options = {}) => {
    const hits: string[] = [];
    const app = express();
    const answer = (route: string) => (req: RequestWithAuth, res: express5.Response) => {
      hits.push(route);
      const who = getAuth(req);
      const cookie = who === null ? null : (options.setCookie?.(who) ?? null);
      if (cookie !== null) res.append('set-cookie', cookie);
      res.json({ route, subject: req.auth?.subject ?? null });
    };

    if (jsonFirst) app.use(express.json());
    if (options.cors === true) {
      app.use((req, res, next) => {
        if (req.method !== 'OPTIONS') return next();
        hits.push('preflight');
        res.status(204).set(PREFLIGHT_HEADERS).end();
      });
    }
    app.use(auth(policy, { optional: options.optional === true }));
    app.get('/private', requireAuth(), answer('private'));
    app.get('/me', answer('me'));
    app.get('/admin', requireAuth({ roles: ['admin'] }), answer('admin'));
    app.get('/reports', requireAuth({ permissions: ['reports:read'] }), answer('reports'));
    const parse = jsonFirst ? [] : [express.json()];
    app.post('/transfer', ...parse, protect('transfer', (req) => req.body as unknown), (req, res) => {
      hits.push('transfer');
      res.json({ route: 'transfer', subject: getAuth(req)?.subject ?? null, args: req.body as unknown });
    });
    app.use((_req, res) => {
      hits.push('not-found');
      res.status(404).json({ route: 'not-found' });
    });

    const server = createServer(app);
    const socket = (route: string) => {
      const wss = new WebSocketServer({ noServer: true });
      wss.on('connection', (ws: WebSocket, req) => {
        hits.push(route);
        ws.send(JSON.stringify({ route, subject: getAuth(req)?.subject ?? null }));
      });
      return wss;
    };
    const wsPlain = socket('ws');
    const wsAdmin = socket('ws-admin');
    const upgrades = {
      '/ws': upgradeHandler(policy, wsPlain, { optional: options.optional === true }),
      '/ws-admin': upgradeHandler(policy, wsAdmin, { optional: options.optional === true, requirement: { roles: ['admin'] } }),
    };
    server.on('upgrade', (req, sock, head) => {
      const path = (req.url ?? '/').split('?')[0];
      const handle = path === '/ws' || path === '/ws-admin' ? upgrades[path] : undefined;
      if (handle === undefined) {
        sock.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      handle(req, sock, head);
    });

    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      hits,
      async close() {
        for (const wss of [wsPlain, wsAdmin]) for (const client of wss.clients) client.terminate();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  };
}

export const startExpress5 = expressFactory({ express: express5, jsonFirst: false });
export const startExpress4 = expressFactory({ express: express4 as unknown as typeof express5, jsonFirst: false });
export const startExpress5JsonFirst = expressFactory({ express: express5, jsonFirst: true });
export const startExpress4JsonFirst = expressFactory({ express: express4 as unknown as typeof express5, jsonFirst: true });
