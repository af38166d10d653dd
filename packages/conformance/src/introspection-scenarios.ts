// introspection(): RFC 7662 against a real loopback endpoint (node:http on 127.0.0.1:0): active and
// inactive tokens, a string "true", and an endpoint that is down or answers garbage (503).
import { introspection, type Authenticate } from '@auth/core';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { request, websocket, type AppFactory, type Observation, type RunningApp } from './harness.js';
import { expectProblem, withApp, type Scenario } from './scenarios.js';

const CLIENT_ID = 'conformance-api';
const CLIENT_SECRET = 'conformance-introspection-secret';
const CLIENT_AUTH = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

/** What the endpoint answers for each token (anything else is inactive). */
function answerFor(token: string): { status: number; type: string; body: string } {
  const json = (body: unknown) => ({ status: 200, type: 'application/json', body: JSON.stringify(body) });
  const exp = Math.floor(Date.now() / 1000) + 300;
  switch (token) {
    case 'opaque-active':
      return json({ active: true, sub: 'alice', client_id: CLIENT_ID, scope: 'read write', exp });
    case 'opaque-string-true':
      return json({ active: 'true', sub: 'alice', exp });
    case 'opaque-html':
      return { status: 200, type: 'text/html', body: '<h1>maintenance</h1>' };
    case 'opaque-500':
      return { status: 500, type: 'application/json', body: '{"error":"server_error"}' };
    default:
      return json({ active: false });
  }
}

interface Endpoint {
  readonly url: string;
  /** The tokens introspected, in order. */
  readonly calls: string[];
  close(): Promise<void>;
}

/** A loopback RFC 7662 endpoint that checks client authentication (a failure would read as 503). */
async function startEndpoint(): Promise<Endpoint> {
  const calls: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const token = form.get('token') ?? '';
      calls.push(token);
      const authorized =
        req.method === 'POST' &&
        req.headers.authorization === CLIENT_AUTH &&
        req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
        form.get('token_type_hint') === 'access_token';
      const answer = authorized ? answerFor(token) : { status: 401, type: 'application/json', body: '{"error":"invalid_client"}' };
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/introspect`,
    calls,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function provider(endpoint: string): Authenticate {
  return introspection({ endpoint, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, timeoutMs: 2000 });
}

function withEndpoint<T>(run: (app: RunningApp, endpoint: Endpoint) => Promise<T>): (start: AppFactory) => Promise<T> {
  return async (start) => {
    const endpoint = await startEndpoint();
    try {
      return await withApp(start, { policy: { authenticate: provider(endpoint.url) } }, (app) => run(app, endpoint));
    } finally {
      await endpoint.close();
    }
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const UNAVAILABLE = { detail: 'The token could not be checked right now.' };

export const INTROSPECTION_SCENARIOS: Readonly<Record<string, Scenario>> = {
  'introspection: an active token reaches the handler with its subject (cached); inactive and active:"true" are 401': withEndpoint(async (app, endpoint) => {
    const ok = await request(`${app.url}/private`, { headers: bearer('opaque-active') });
    expect(ok).toMatchObject({ status: 200, body: { route: 'private', subject: 'alice' } });
    const cached = await request(`${app.url}/me`, { headers: bearer('opaque-active') });
    expect(cached).toMatchObject({ status: 200, body: { route: 'me', subject: 'alice' } });
    const socket = await websocket(app.url, '/ws?token=opaque-active');
    expect(socket).toEqual({ opened: true, message: { route: 'ws', subject: 'alice' } });
    const results: unknown[] = [ok, cached, socket];
    for (const token of ['opaque-inactive', 'opaque-string-true', 'opaque-inactive']) {
      const obs = await request(`${app.url}/private`, { headers: bearer(token) });
      expectProblem(obs, 401, 'invalid_token');
      expect(obs.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      results.push(obs);
    }
    // One call for the active token (then cached); refusals are never cached.
    expect(endpoint.calls).toEqual(['opaque-active', 'opaque-inactive', 'opaque-string-true', 'opaque-inactive']);
    expect(app.hits).toEqual(['private', 'me', 'ws']);
    return results;
  }),

  'introspection: an endpoint that is down, answers 500 or answers HTML is 503 with the same body everywhere': async (start) => {
    // A port that was just listening and is now closed: connection refused.
    const gone = await startEndpoint();
    await gone.close();
    const down = await withApp(start, { policy: { authenticate: provider(gone.url) } }, async (app) => {
      const obs = await request(`${app.url}/private`, { headers: bearer('opaque-active') });
      expect(app.hits).toEqual([]);
      return obs;
    });
    const broken = await withEndpoint(async (app, endpoint) => {
      const results: Observation[] = [];
      for (const token of ['opaque-500', 'opaque-html']) results.push(await request(`${app.url}/private`, { headers: bearer(token) }));
      expect(endpoint.calls).toEqual(['opaque-500', 'opaque-html']);
      expect(app.hits).toEqual([]);
      return results;
    })(start);
    for (const obs of [down, ...broken]) {
      expectProblem(obs, 503, 'temporarily_unavailable', UNAVAILABLE);
      expect(obs).toEqual(down);
    }
    return [down, ...broken];
  },
};
