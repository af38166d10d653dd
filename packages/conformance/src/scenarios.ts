// The scenarios, written once. Each receives an app factory, runs against the app over real HTTP,
// asserts what every adapter must do, and returns what it observed so the runner can check that
// all adapters observed exactly the same thing.
import { argumentsHash, AuthContext, type AuthOptions } from '@auth/core';
import { expect, vi } from 'vitest';
import { json, raw, request, websocket, PREFLIGHT_HEADERS, type AppFactory, type AppOptions, type Observation, type RunningApp } from './harness.js';
import { ALICE, BOB, makePolicy } from './policy.js';

export type Scenario = (start: AppFactory) => Promise<unknown>;

/** Starts the app with the shared policy (options replaced by `setup.policy`), runs, and closes it. */
export async function withApp<T>(
  start: AppFactory,
  setup: { policy?: Partial<AuthOptions>; app?: AppOptions },
  run: (app: RunningApp, logs: string[]) => Promise<T>,
): Promise<T> {
  const { policy, logs } = makePolicy(setup.policy);
  const app = await start(policy, setup.app);
  try {
    return await run(app, logs);
  } finally {
    await app.close();
  }
}

function problem(status: number, code: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'about:blank', status, code, ...extra };
}

/** Asserts a problem+json error with the core's status, code and headers. */
export function expectProblem(obs: Observation, status: number, code: string, extra: Record<string, unknown> = {}): void {
  expect(obs.status).toBe(status);
  expect(obs.headers['content-type']).toBe('application/problem+json');
  expect(obs.headers['cache-control']).toBe('no-store');
  expect(obs.body).toMatchObject(problem(status, code, extra));
}

// Log fields may carry a framework's request id; the messages must match across adapters.
function messages(logs: readonly string[]): string[] {
  return logs.map((line) => (JSON.parse(line) as { level: string; message: string }).level + ': ' + (JSON.parse(line) as { message: string }).message);
}

const TRANSFER = { to: 'acct_1', amount: 10, memo: 'rent' };
const TRANSFER_HASH = argumentsHash('transfer', TRANSFER);

const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';

/** Request targets that a router might map to /private; sent byte for byte over a raw socket. */
export const ODD_PATHS = [
  '/private',
  '//private',
  '/private/',
  '/private//',
  '/%70rivate',
  '/%2570rivate',
  '/PRIVATE',
  '/Private',
  '/private;jsessionid=1',
  '/./private',
  '/public/../private',
  '/private/.',
  '/private%2f',
  '/private%00',
  '/private?x=1',
  '/private#frag',
  '/private.json',
  '/ws',
  '/nothing-here',
];

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  'no credential is 401 unauthorized and no handler runs': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await request(`${app.url}/private`);
      expectProblem(obs, 401, 'unauthorized');
      expect(obs.headers['www-authenticate']).toBe('Bearer');
      expect(app.hits).toEqual([]);
      return obs;
    }),

  'a valid credential reaches the handler, which sees the subject': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await request(`${app.url}/private`, { headers: ALICE });
      expect(obs.status).toBe(200);
      expect(obs.body).toEqual({ route: 'private', subject: 'alice' });
      expect(app.hits).toEqual(['private']);
      return obs;
    }),

  'an unknown token is 401 invalid_token': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await request(`${app.url}/private`, { headers: { authorization: 'Bearer tok-mallory' } });
      expectProblem(obs, 401, 'invalid_token');
      expect(obs.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(app.hits).toEqual([]);
      return obs;
    }),

  'a hook that returns a look-alike object instead of an AuthContext is 401': (start) =>
    withApp(start, { policy: { authenticate: async () => ({ subject: 'alice', roles: ['admin'] }) as unknown as AuthContext } }, async (app, logs) => {
      const obs = await request(`${app.url}/admin`, { headers: ALICE });
      expectProblem(obs, 401, 'unauthorized');
      expect(app.hits).toEqual([]);
      expect(logs.join('\n')).toContain('other than an AuthContext');
      expect(logs.join('\n')).not.toContain('alice');
      return { obs, logged: messages(logs) };
    }),

  'a hook that throws is a generic 500; its secret message is in neither the body nor the logs': async (start) => {
    const SECRET = 'postgres://app:hunter2-s3cr3t@db';
    const printed: string[] = [];
    const spies = (['error', 'warn', 'log', 'info', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        printed.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack ?? ''}` : JSON.stringify(a))).join(' '));
      }),
    );
    try {
      return await withApp(
        start,
        {
          policy: {
            authenticate: async () => {
              throw new Error(`cannot reach ${SECRET}`);
            },
          },
        },
        async (app, logs) => {
          const obs = await request(`${app.url}/private`, { headers: ALICE });
          expectProblem(obs, 500, 'internal_error', { title: 'Internal Server Error', detail: 'Internal Server Error' });
          expect(JSON.stringify(obs)).not.toContain('hunter2');
          expect(logs.join('\n')).toContain('authenticate hook failed');
          expect(logs.join('\n')).not.toContain('hunter2');
          expect(printed.join('\n')).not.toContain('hunter2');
          expect(app.hits).toEqual([]);
          return { obs, logged: messages(logs) };
        },
      );
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  },

  'a hook that hangs is answered 503 at the timeout and its late result is ignored': async (start) => {
    const late: Array<() => void> = [];
    return withApp(
      start,
      {
        policy: {
          timeoutMs: 50,
          authenticate: () => new Promise<AuthContext>((resolve) => late.push(() => resolve(new AuthContext({ subject: 'alice', roles: ['admin'] })))),
        },
      },
      async (app, logs) => {
        const obs = await request(`${app.url}/private`, { headers: ALICE });
        expectProblem(obs, 503, 'temporarily_unavailable');
        for (const resolve of late) resolve();
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(app.hits).toEqual([]);
        expect(logs.join('\n')).toContain('timed out');
        return { obs, logged: messages(logs) };
      },
    );
  },

  'duplicate Authorization headers over a raw socket are 400 invalid_request': (start) =>
    withApp(start, {}, async (app) => {
      const different = await raw(app.url, 'GET /private HTTP/1.1\r\nAuthorization: Bearer tok-bob\r\nAuthorization: Bearer tok-alice');
      const same = await raw(app.url, 'GET /private HTTP/1.1\r\nAuthorization: Bearer tok-alice\r\nauthorization: Bearer tok-alice');
      const proxy = await raw(app.url, 'GET /private HTTP/1.1\r\nAuthorization: Bearer tok-alice\r\nProxy-Authorization: Basic a\r\nProxy-Authorization: Basic b');
      for (const obs of [different, same, proxy]) expectProblem(obs, 400, 'invalid_request');
      expect(app.hits).toEqual([]);
      return [different, same, proxy];
    }),

  'a role requirement is 403 forbidden for the authenticated without the role': (start) =>
    withApp(start, {}, async (app) => {
      const bob = await request(`${app.url}/admin`, { headers: BOB });
      expectProblem(bob, 403, 'forbidden');
      expect(JSON.stringify(bob.body)).not.toContain('admin');
      const alice = await request(`${app.url}/admin`, { headers: ALICE });
      expect(alice).toMatchObject({ status: 200, body: { route: 'admin', subject: 'alice' } });
      expect(app.hits).toEqual(['admin']);
      return [bob, alice];
    }),

  'a permission requirement is 403 forbidden without the permission': (start) =>
    withApp(start, {}, async (app) => {
      const bob = await request(`${app.url}/reports`, { headers: BOB });
      expectProblem(bob, 403, 'forbidden');
      const alice = await request(`${app.url}/reports`, { headers: ALICE });
      expect(alice).toMatchObject({ status: 200, body: { route: 'reports', subject: 'alice' } });
      expect(app.hits).toEqual(['reports']);
      return [bob, alice];
    }),

  'optional mode lets the anonymous through with no auth context, and guards still answer 401': (start) =>
    withApp(start, { app: { optional: true } }, async (app) => {
      const me = await request(`${app.url}/me`);
      expect(me).toMatchObject({ status: 200, body: { route: 'me', subject: null } });
      const admin = await request(`${app.url}/admin`);
      expectProblem(admin, 401, 'unauthorized');
      const priv = await request(`${app.url}/private`);
      expectProblem(priv, 401, 'unauthorized');
      const alice = await request(`${app.url}/me`, { headers: ALICE });
      expect(alice).toMatchObject({ status: 200, body: { route: 'me', subject: 'alice' } });
      expect(app.hits).toEqual(['me', 'me']);
      return [me, admin, priv, alice];
    }),

  'optional mode still answers 401 to a credential that is present but invalid': (start) =>
    withApp(start, { app: { optional: true } }, async (app) => {
      const unknown = await request(`${app.url}/me`, { headers: { authorization: 'Bearer tok-mallory' } });
      expectProblem(unknown, 401, 'invalid_token');
      const garbled = await request(`${app.url}/me`, { headers: { authorization: 'Bearer' } });
      expectProblem(garbled, 401, 'invalid_token');
      expect(app.hits).toEqual([]);
      return [unknown, garbled];
    }),

  'optional mode answers 401 when no hook recognises a credential that was sent': (start) =>
    withApp(start, { app: { optional: true }, policy: { authenticate: async () => null } }, async (app) => {
      const obs = await request(`${app.url}/me`, { headers: { authorization: 'Custom abc' } });
      expectProblem(obs, 401, 'unauthorized');
      expect(app.hits).toEqual([]);
      return obs;
    }),

  'an approval-gated action without a token is 409 approval_required with action and hash': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await request(`${app.url}/transfer`, json(TRANSFER, ALICE));
      expectProblem(obs, 409, 'approval_required', { action: 'transfer', argumentsHash: TRANSFER_HASH });
      expect(app.hits).toEqual([]);
      return obs;
    }),

  'a wrong approval token is 403 approval_denied with action and hash': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await request(`${app.url}/transfer`, json(TRANSFER, { ...ALICE, 'x-approval-token': 'ok:sha256:0000' }));
      expectProblem(obs, 403, 'approval_denied', { action: 'transfer', argumentsHash: TRANSFER_HASH });
      expect(app.hits).toEqual([]);
      return obs;
    }),

  'the right approval token runs the action, which sees the parsed JSON body': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await request(`${app.url}/transfer`, json(TRANSFER, { ...ALICE, 'x-approval-token': `ok:${TRANSFER_HASH}` }));
      expect(obs).toMatchObject({ status: 200, body: { route: 'transfer', subject: 'alice', args: TRANSFER } });
      expect(app.hits).toEqual(['transfer']);
      return obs;
    }),

  'an approval token is bound to the exact arguments (key order does not matter, values do)': (start) =>
    withApp(start, {}, async (app) => {
      const token = { ...ALICE, 'x-approval-token': `ok:${TRANSFER_HASH}` };
      const reordered = await request(`${app.url}/transfer`, json({ memo: 'rent', amount: 10, to: 'acct_1' }, token));
      expect(reordered.status).toBe(200);
      const changed = await request(`${app.url}/transfer`, json({ ...TRANSFER, amount: 10_000 }, token));
      expectProblem(changed, 403, 'approval_denied', { action: 'transfer', argumentsHash: argumentsHash('transfer', { ...TRANSFER, amount: 10_000 }) });
      expect(app.hits).toEqual(['transfer']);
      return [reordered, changed];
    }),

  'arguments with no canonical JSON form are 400 invalid_request': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await request(`${app.url}/transfer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...ALICE },
        body: '{"to":"acct_1","amount":1e400}',
      });
      expectProblem(obs, 400, 'invalid_request');
      expect(app.hits).toEqual([]);
      return obs;
    }),

  'an approval token sent twice (raw socket) is 400 invalid_request': (start) =>
    withApp(start, {}, async (app) => {
      const body = JSON.stringify(TRANSFER);
      const obs = await raw(
        app.url,
        `POST /transfer HTTP/1.1\r\nAuthorization: Bearer tok-alice\r\nContent-Type: application/json\r\nX-Approval-Token: ok:${TRANSFER_HASH}\r\nX-Approval-Token: ok:${TRANSFER_HASH}`,
        body,
      );
      expectProblem(obs, 400, 'invalid_request');
      expect(app.hits).toEqual([]);
      return obs;
    }),

  'the approval header name comes from the policy': (start) =>
    withApp(start, { policy: { approvalHeader: 'x-confirm' } }, async (app) => {
      const ignored = await request(`${app.url}/transfer`, json(TRANSFER, { ...ALICE, 'x-approval-token': `ok:${TRANSFER_HASH}` }));
      expectProblem(ignored, 409, 'approval_required', { action: 'transfer', argumentsHash: TRANSFER_HASH });
      const approved = await request(`${app.url}/transfer`, json(TRANSFER, { ...ALICE, 'x-confirm': `ok:${TRANSFER_HASH}` }));
      expect(approved).toMatchObject({ status: 200, body: { route: 'transfer', args: TRANSFER } });
      return [ignored, approved];
    }),

  'a custom error envelope is applied identically to every error': (start) =>
    withApp(
      start,
      {
        policy: {
          errorResponse: (error) => ({
            headers: { 'x-envelope': 'v1' },
            body: { error: { code: error.code, message: error.detail, ...error.extensions } },
          }),
        },
      },
      async (app) => {
        const results = [
          await request(`${app.url}/private`),
          await request(`${app.url}/admin`, { headers: BOB }),
          await request(`${app.url}/transfer`, json(TRANSFER, ALICE)),
          await raw(app.url, 'GET /private HTTP/1.1\r\nAuthorization: Bearer tok-bob\r\nAuthorization: Bearer tok-alice'),
        ];
        expect(results.map((r) => r.status)).toEqual([401, 403, 409, 400]);
        for (const r of results) {
          expect(r.headers['x-envelope']).toBe('v1');
          expect(r.headers['content-type']).toBe('application/json');
          expect(r.body).toMatchObject({ error: { code: expect.any(String) as string, message: expect.any(String) as string } });
        }
        expect(results[0]!.headers['www-authenticate']).toBe('Bearer');
        expect(results[2]!.body).toMatchObject({ error: { code: 'approval_required', action: 'transfer', argumentsHash: TRANSFER_HASH } });
        expect(app.hits).toEqual([]);
        return results;
      },
    ),

  'odd and encoded paths never reach a handler unauthenticated (fail closed)': (start) =>
    withApp(start, {}, async (app) => {
      const results: Record<string, Observation> = {};
      for (const path of ODD_PATHS) {
        const obs = await raw(app.url, `GET ${path} HTTP/1.1`);
        expectProblem(obs, 401, 'unauthorized');
        results[path] = obs;
      }
      expect(app.hits).toEqual([]);
      return results;
    }),

  'absolute-form request targets are authenticated like any other': (start) =>
    withApp(start, {}, async (app) => {
      const { host } = new URL(app.url);
      const results = [];
      for (const target of [`http://${host}/private`, `http://${host}//private`, `http://${host}/%70rivate`]) {
        const obs = await raw(app.url, `GET ${target} HTTP/1.1`);
        expectProblem(obs, 401, 'unauthorized');
        results.push(obs);
      }
      expect(app.hits).toEqual([]);
      return results;
    }),

  'malformed request targets are refused (by the HTTP layer or by auth) and never reach a handler': (start) =>
    withApp(start, {}, async (app) => {
      for (const target of ['*', '\\private', '/private\\', `HTTP://${new URL(app.url).host}/private`, '/private%', '/%zzprivate']) {
        const obs = await raw(app.url, `GET ${target} HTTP/1.1`);
        // A framework may reject a target it cannot parse before any middleware runs (400).
        expect([400, 401]).toContain(obs.status);
      }
      return { hits: app.hits };
    }),

  'with optional auth and route guards, odd paths never reach the guarded handler': (start) =>
    withApp(start, { app: { optional: true } }, async (app) => {
      for (const path of ODD_PATHS) {
        if (path === '/ws') continue;
        const obs = await raw(app.url, `GET ${path} HTTP/1.1`);
        // Whether an odd path routes to /private (401) or nowhere (404, 400) is the router's business.
        expect([400, 401, 404]).toContain(obs.status);
      }
      // Only the router decides whether a 404 handler ran; the guarded handler never did.
      return { privateHits: app.hits.filter((hit) => hit === 'private').length };
    }),

  'a CORS preflight without credentials is 401 when auth is mounted first (fail closed)': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await request(`${app.url}/private`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
      expectProblem(obs, 401, 'unauthorized');
      expect(app.hits).toEqual([]);
      return obs;
    }),

  'a CORS responder mounted before auth answers preflights; the real request still needs a credential': (start) =>
    withApp(start, { app: { cors: true } }, async (app) => {
      const preflight = await request(`${app.url}/private`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers).toEqual(PREFLIGHT_HEADERS);
      const actual = await request(`${app.url}/private`, { headers: { origin: 'https://app.example' } });
      expectProblem(actual, 401, 'unauthorized');
      expect(app.hits).toEqual(['preflight']);
      return [preflight, actual];
    }),

  'a websocket upgrade with a valid Authorization header opens; the socket handler sees the subject': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await websocket(app.url, '/ws', ALICE);
      expect(obs).toEqual({ opened: true, message: { route: 'ws', subject: 'alice' } });
      expect(app.hits).toEqual(['ws']);
      return obs;
    }),

  'a websocket upgrade may carry the credential in ?token=': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await websocket(app.url, '/ws?token=tok-bob');
      expect(obs).toEqual({ opened: true, message: { route: 'ws', subject: 'bob' } });
      return obs;
    }),

  'a websocket upgrade without a credential is refused 401 and never opens': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await websocket(app.url, '/ws');
      expect(obs.opened).toBe(false);
      expectProblem(obs.refused!, 401, 'unauthorized');
      expect(obs.refused!.headers['www-authenticate']).toBe('Bearer');
      expect(app.hits).toEqual([]);
      return obs;
    }),

  'a websocket upgrade with an invalid ?token= is refused 401 invalid_token': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await websocket(app.url, '/ws?token=tok-mallory');
      expect(obs.opened).toBe(false);
      expectProblem(obs.refused!, 401, 'invalid_token');
      expect(app.hits).toEqual([]);
      return obs;
    }),

  'a websocket upgrade that fails a role requirement is refused 403': (start) =>
    withApp(start, {}, async (app) => {
      const bob = await websocket(app.url, '/ws-admin', BOB);
      expect(bob.opened).toBe(false);
      expectProblem(bob.refused!, 403, 'forbidden');
      const alice = await websocket(app.url, '/ws-admin?token=tok-alice');
      expect(alice).toEqual({ opened: true, message: { route: 'ws-admin', subject: 'alice' } });
      expect(app.hits).toEqual(['ws-admin']);
      return [bob, alice];
    }),

  'a websocket upgrade with duplicate Authorization headers (raw socket) is 400 and never opens': (start) =>
    withApp(start, {}, async (app) => {
      const obs = await raw(app.url, `GET /ws HTTP/1.1\r\n${UPGRADE}\r\nAuthorization: Bearer tok-bob\r\nAuthorization: Bearer tok-alice`);
      expectProblem(obs, 400, 'invalid_request');
      expect(app.hits).toEqual([]);
      return obs;
    }),

  '?token= is ignored on a plain GET, even one that claims Upgrade: websocket': (start) =>
    withApp(start, {}, async (app) => {
      const plain = await request(`${app.url}/private?token=tok-alice`);
      expectProblem(plain, 401, 'unauthorized');
      // Upgrade without `Connection: upgrade` is not an upgrade: Node dispatches it as a plain request.
      const claimed = await raw(app.url, 'GET /private?token=tok-alice HTTP/1.1\r\nUpgrade: websocket');
      expectProblem(claimed, 401, 'unauthorized');
      expect(app.hits).toEqual([]);
      return [plain, claimed];
    }),
};
