import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the loopback JWKS endpoint does with the next requests. */
export type JwksBehaviour =
  | { readonly kind: 'keys'; readonly keys: readonly unknown[]; readonly delayMs?: number; readonly contentType?: string }
  | { readonly kind: 'raw'; readonly body: string; readonly status?: number; readonly contentType?: string; readonly chunked?: boolean }
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'hang' };

export interface JwksServer {
  readonly url: string;
  /** Requests received, per path. */
  readonly hits: Map<string, number>;
  hitsOn(path?: string): number;
  set(behaviour: JwksBehaviour): void;
  close(): Promise<void>;
}

/** A real node:http JWKS endpoint on 127.0.0.1, port 0; closed by the test. */
export async function jwksServer(initial: JwksBehaviour): Promise<JwksServer> {
  let behaviour = initial;
  const hits = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    respond(behaviour, res, timers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    hits,
    hitsOn: (path = '/jwks.json') => hits.get(path) ?? 0,
    set(next) {
      behaviour = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function respond(behaviour: JwksBehaviour, res: ServerResponse, timers: Set<NodeJS.Timeout>): void {
  switch (behaviour.kind) {
    case 'keys': {
      const send = () => {
        res.writeHead(200, { 'content-type': behaviour.contentType ?? 'application/json' });
        res.end(JSON.stringify({ keys: behaviour.keys }));
      };
      if (behaviour.delayMs === undefined) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, behaviour.delayMs);
      timers.add(timer);
      return;
    }
    case 'raw': {
      const headers: Record<string, string> = { 'content-type': behaviour.contentType ?? 'application/json' };
      if (behaviour.chunked !== true) headers['content-length'] = String(Buffer.byteLength(behaviour.body));
      res.writeHead(behaviour.status ?? 200, headers);
      if (behaviour.chunked === true) {
        // Streamed in pieces with no length announced, so only a running count can stop it.
        for (let i = 0; i < behaviour.body.length; i += 512) res.write(behaviour.body.slice(i, i + 512));
        res.end();
      } else res.end(behaviour.body);
      return;
    }
    case 'redirect':
      res.writeHead(302, { location: behaviour.location });
      res.end();
      return;
    case 'hang':
      res.flushHeaders();
      return;
  }
}

/** A URL on 127.0.0.1 where nothing listens: a server is opened on port 0 and closed again. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/jwks.json`;
}
