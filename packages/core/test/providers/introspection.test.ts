import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthContext } from '../../src/context.js';
import { HTTPError, ImproperlyConfigured, InvalidToken, ServiceUnavailable } from '../../src/errors.js';
import { transportsOf } from '../../src/providers/credentials.js';
import { introspection, type IntrospectionOptions } from '../../src/providers/introspection/provider.js';
import { AuthRequest, type RequestSource } from '../../src/request.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: URLSearchParams;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let base: string;
let handler: Handler;
let seen: Seen[];
// Responses a test leaves hanging on purpose; only their sockets are destroyed afterwards, since
// closing every connection could kill a pooled one the next test's request is already using.
let stalled: ServerResponse[] = [];

const SECRET = 'client-secret-0123456789-abcdef';
const NOW = 1_700_000_000;

function json(res: ServerResponse, body: unknown, status = 200, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function active(extra: Record<string, unknown> = {}): Handler {
  return (_req, res) => json(res, { active: true, sub: 'user-1', scope: 'read write', client_id: 'web', username: 'ann', exp: NOW + 3600, ...extra });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    // No keep-alive: a connection whose response stalled must never be reused.
    res.setHeader('connection', 'close');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: new URLSearchParams(body) });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections(); // the server is going away: nothing else uses it now
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
  handler = active();
  vi.useFakeTimers({ toFake: ['Date'], now: NOW * 1000 });
});

afterEach(() => {
  vi.useRealTimers();
  for (const res of stalled) res.socket?.destroy();
  stalled = [];
});

function provider(extra: Partial<IntrospectionOptions> = {}) {
  return introspection({ endpoint: `${base}/introspect`, clientId: 'resource-server', clientSecret: SECRET, ...extra });
}

function req(token: string | null, source: RequestSource = 'http'): AuthRequest {
  if (token === null) return new AuthRequest({ method: 'GET', path: '/' });
  if (source === 'websocket') return new AuthRequest({ method: 'GET', path: '/', query: { token }, context: { source } });
  return new AuthRequest({ method: 'GET', path: '/', headers: { authorization: `Bearer ${token}` } });
}

describe('introspection happy path', () => {
  it('POSTs the token with client_secret_basic and maps the response', async () => {
    const ctx = await provider()(req('opaque-token-1'));
    expect(ctx).toBeInstanceOf(AuthContext);
    expect(ctx).toMatchObject({ subject: 'user-1', scopes: ['read', 'write'], method: 'introspection', metadata: { clientId: 'web', username: 'ann' } });
    expect(seen).toHaveLength(1);
    const [call] = seen as [Seen];
    expect(call.method).toBe('POST');
    expect(call.url).toBe('/introspect');
    expect(call.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call.body.get('token')).toBe('opaque-token-1');
    expect(call.body.get('token_type_hint')).toBe('access_token');
    expect(call.body.has('client_secret')).toBe(false);
    expect(call.headers.authorization).toBe('Basic ' + Buffer.from(`resource-server:${SECRET}`).toString('base64'));
  });

  it('form-urlencodes client id and secret before Basic encoding (RFC 6749 §2.3.1)', async () => {
    const clientId = 'my client@corp';
    const clientSecret = 'p@ss:w0rd+/=&ünïcode-secret';
    await provider({ clientId, clientSecret })(req('t'));
    const encode = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
    expect(seen[0]!.headers.authorization).toBe('Basic ' + Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64'));
  });

  it('sends client_secret_post credentials in the form instead', async () => {
    await provider({ clientAuth: 'client_secret_post' })(req('t'));
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[0]!.body.get('client_id')).toBe('resource-server');
    expect(seen[0]!.body.get('client_secret')).toBe(SECRET);
  });

  it('omits token_type_hint when disabled and sends a custom one', async () => {
    await provider({ tokenTypeHint: false })(req('t'));
    expect(seen[0]!.body.has('token_type_hint')).toBe(false);
    await provider({ tokenTypeHint: 'refresh_token' })(req('t'));
    expect(seen[1]!.body.get('token_type_hint')).toBe('refresh_token');
  });

  it('reads ?token= on a WebSocket upgrade', async () => {
    expect((await provider()(req('ws-token', 'websocket')))?.subject).toBe('user-1');
    expect(seen[0]!.body.get('token')).toBe('ws-token');
  });

  it('resolves null without a bearer token and makes no call', async () => {
    expect(await provider()(req(null))).toBeNull();
    expect(await provider()(new AuthRequest({ method: 'GET', path: '/', headers: { authorization: 'Basic dTpw' } }))).toBeNull();
    expect(seen).toHaveLength(0);
  });

  it('uses client_id as the subject of a token without sub', async () => {
    handler = active({ sub: undefined });
    expect((await provider()(req('t')))?.subject).toBe('web');
  });

  it('rejects an active token with neither sub nor client_id', async () => {
    handler = (_q, res) => json(res, { active: true, exp: NOW + 60 });
    await expect(provider()(req('t'))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('uses an injected fetch', async () => {
    const spy = vi.fn((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    await provider({ fetch: spy })(req('t'));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(seen).toHaveLength(1);
  });

  it('declares the bearer transports', () => {
    expect(transportsOf(provider())).toEqual([{ header: 'authorization' }, { query: 'token' }]);
  });
});

describe('introspection: the active member', () => {
  it.each<[string, unknown]>([
    ['false', false],
    ['the string "true"', 'true'],
    ['the number 1', 1],
    ['null', null],
  ])('treats active %s as inactive (401)', async (_label, value) => {
    handler = (_q, res) => json(res, { active: value, sub: 'user-1' });
    await expect(provider()(req('t'))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('treats a missing active member as inactive (401)', async () => {
    handler = (_q, res) => json(res, { sub: 'user-1' });
    await expect(provider()(req('t'))).rejects.toBeInstanceOf(InvalidToken);
  });
});

describe('introspection claim checks', () => {
  it('rejects an expired token', async () => {
    handler = active({ exp: NOW - 10 });
    await expect(provider()(req('t'))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('accepts a token expired within the clock tolerance', async () => {
    handler = active({ exp: NOW - 3 });
    expect(await provider({ cacheMaxAge: 0 })(req('t'))).not.toBeNull();
  });

  it('rejects a token that is not yet valid', async () => {
    handler = active({ nbf: NOW + 60 });
    await expect(provider()(req('t'))).rejects.toBeInstanceOf(InvalidToken);
  });

  it.each([['a string exp', { exp: String(NOW + 60) }], ['a string nbf', { nbf: String(NOW) }], ['a non-string scope', { scope: ['read'] }]])(
    'rejects %s',
    async (_label, extra) => {
      handler = active(extra);
      await expect(provider()(req('t'))).rejects.toBeInstanceOf(InvalidToken);
    },
  );

  it('rejects a response without exp when requireExp is set', async () => {
    handler = active({ exp: undefined });
    await expect(provider({ requireExp: true })(req('t'))).rejects.toBeInstanceOf(InvalidToken);
    expect(await provider()(req('t'))).not.toBeNull();
  });

  it('checks the issuer', async () => {
    handler = active({ iss: 'https://idp.example.com' });
    expect(await provider({ issuer: 'https://idp.example.com' })(req('t'))).not.toBeNull();
    await expect(provider({ issuer: 'https://other.example.com' })(req('t'))).rejects.toBeInstanceOf(InvalidToken);
    handler = active();
    await expect(provider({ issuer: 'https://idp.example.com' })(req('t'))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('checks the audience as a string or a list', async () => {
    handler = active({ aud: ['api-a', 'api-b'] });
    expect(await provider({ audience: 'api-b' })(req('t'))).not.toBeNull();
    await expect(provider({ audience: ['api-c'] })(req('t'))).rejects.toBeInstanceOf(InvalidToken);
    handler = active({ aud: 'api-a' });
    expect(await provider({ audience: ['api-c', 'api-a'] })(req('t'))).not.toBeNull();
    handler = active({ aud: 42 });
    await expect(provider({ audience: 'api-a' })(req('t'))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('checks token_type case-insensitively', async () => {
    handler = active({ token_type: 'bearer' });
    expect(await provider({ tokenType: 'Bearer' })(req('t'))).not.toBeNull();
    await expect(provider({ tokenType: 'DPoP' })(req('t'))).rejects.toBeInstanceOf(InvalidToken);
    handler = active();
    await expect(provider({ tokenType: 'Bearer' })(req('t'))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('hands claims and request to a custom toContext', async () => {
    const toContext = vi.fn((claims: { sub?: string }, r: AuthRequest) => new AuthContext({ subject: `${claims.sub}@${r.path}` }));
    expect((await provider({ toContext })(req('t')))?.subject).toBe('user-1@/');
  });

  it('turns a null toContext result into 401', async () => {
    await expect(provider({ toContext: () => null })(req('t'))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('refuses a look-alike context from toContext', async () => {
    await expect(provider({ toContext: () => ({ subject: 'x' }) as unknown as AuthContext })(req('t'))).rejects.toBeInstanceOf(TypeError);
  });

  it('rejects an over-long token without calling the endpoint', async () => {
    await expect(provider({ maxTokenLength: 32 })(req('t'.repeat(33)))).rejects.toBeInstanceOf(InvalidToken);
    expect(seen).toHaveLength(0);
  });
});

describe('introspection: a broken endpoint never authenticates (503)', () => {
  async function unavailable(options: Partial<IntrospectionOptions> = {}): Promise<ServiceUnavailable> {
    const error = await provider(options)(req('t')).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailable);
    expect((error as ServiceUnavailable).status).toBe(503);
    // Clients are told when to try again, as for an unreachable JWKS.
    expect((error as ServiceUnavailable).headers['retry-after']).toBe('1');
    return error as ServiceUnavailable;
  }

  it('answers 503 when the endpoint is down', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await introspection({ endpoint: `http://127.0.0.1:${port}/`, clientId: 'c', clientSecret: SECRET })(req('t')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailable);
  });

  it('answers 503 when the endpoint is too slow', async () => {
    handler = (_q, res) => {
      stalled.push(res); // never answers
    };
    await unavailable({ timeoutMs: 400 });
    expect(seen).toHaveLength(1);
  });

  it('answers 503 when headers arrive but the body stalls', async () => {
    handler = (_q, res) => {
      stalled.push(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"active":');
    };
    await unavailable({ timeoutMs: 400 });
    expect(seen).toHaveLength(1);
  });

  it('answers 503 on a redirect and does not follow it', async () => {
    handler = (q, res) => {
      if (q.url === '/introspect') {
        res.writeHead(307, { location: `${base}/elsewhere` });
        res.end();
      } else active()(q, res, '');
    };
    await unavailable();
    expect(seen.map((s) => s.url)).toEqual(['/introspect']);
  });

  it.each([500, 401, 404, 204, 201])('answers 503 on status %i', async (status) => {
    handler = (_q, res) => json(res, { active: true, sub: 'u' }, status);
    await unavailable();
  });

  it('answers 503 on malformed JSON', async () => {
    handler = (_q, res) => json(res, '{"active": true,');
    await unavailable();
  });

  it.each([['an array', '[{"active":true}]'], ['a bare true', 'true'], ['null', 'null'], ['a string', '"active"']])('answers 503 when the JSON is %s', async (_l, body) => {
    handler = (_q, res) => json(res, body);
    await unavailable();
  });

  it('answers 503 on a body that is not UTF-8', async () => {
    handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]));
    };
    await unavailable();
  });

  it.each(['text/plain', 'text/html', 'application/jsonp', ''])('answers 503 for content-type %j', async (type) => {
    handler = (_q, res) => {
      res.writeHead(200, type === '' ? {} : { 'content-type': type });
      res.end(JSON.stringify({ active: true, sub: 'u' }));
    };
    await unavailable();
  });

  it('accepts a +json content type with parameters', async () => {
    handler = (_q, res) => json(res, { active: true, sub: 'u' }, 200, 'application/token-introspection+json; charset=utf-8');
    expect((await provider()(req('t')))?.subject).toBe('u');
  });

  it('answers 503 when the declared length exceeds the cap', async () => {
    handler = (_q, res) => json(res, { active: true, sub: 'u', pad: 'x'.repeat(2000) });
    await unavailable({ maxResponseBytes: 1024 });
  });

  it('answers 503 when a chunked body grows past the cap', async () => {
    handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"active":true,"sub":"u","pad":"');
      for (let i = 0; i < 20; i++) res.write('x'.repeat(100));
      res.end('"}');
    };
    await unavailable({ maxResponseBytes: 1024 });
  });

  it('keeps the client secret and the token out of the 503', async () => {
    handler = (_q, res) => json(res, 'oops', 500);
    const error = await unavailable();
    for (const shown of [error.message, JSON.stringify(error), inspect(error)]) {
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain('Bearer');
    }
  });
});

describe('introspection cache', () => {
  it('reuses an active result instead of calling again', async () => {
    const auth = provider();
    await auth(req('t'));
    expect((await auth(req('t')))?.subject).toBe('user-1');
    expect(seen).toHaveLength(1);
  });

  it('keys the cache by token', async () => {
    const auth = provider();
    await auth(req('token-a'));
    await auth(req('token-b'));
    expect(seen).toHaveLength(2);
  });

  it('never serves a result past cacheMaxAge', async () => {
    const auth = provider({ cacheMaxAge: 30 });
    await auth(req('t'));
    vi.setSystemTime((NOW + 29) * 1000);
    await auth(req('t'));
    expect(seen).toHaveLength(1);
    vi.setSystemTime((NOW + 31) * 1000);
    await auth(req('t'));
    expect(seen).toHaveLength(2);
  });

  it('never serves a result past the token exp', async () => {
    handler = active({ exp: NOW + 10 });
    const auth = provider({ cacheMaxAge: 600, clockTolerance: 0 });
    await auth(req('t'));
    vi.setSystemTime((NOW + 9) * 1000);
    await auth(req('t'));
    expect(seen).toHaveLength(1);
    vi.setSystemTime((NOW + 11) * 1000);
    await expect(auth(req('t'))).rejects.toBeInstanceOf(InvalidToken);
    expect(seen).toHaveLength(2);
  });

  it('does not cache inactive results', async () => {
    handler = (_q, res) => json(res, { active: false });
    const auth = provider();
    await expect(auth(req('t'))).rejects.toBeInstanceOf(InvalidToken);
    await expect(auth(req('t'))).rejects.toBeInstanceOf(InvalidToken);
    expect(seen).toHaveLength(2);
  });

  it('does not cache failures', async () => {
    handler = (_q, res) => json(res, 'down', 503);
    const auth = provider();
    await expect(auth(req('t'))).rejects.toBeInstanceOf(ServiceUnavailable);
    handler = active();
    expect((await auth(req('t')))?.subject).toBe('user-1');
    expect(seen).toHaveLength(2);
  });

  it('calls every time when the cache is off', async () => {
    const auth = provider({ cacheMaxAge: 0 });
    await auth(req('t'));
    await auth(req('t'));
    expect(seen).toHaveLength(2);
  });

  it('evicts the least recently used entry when full', async () => {
    const auth = provider({ cacheSize: 2 });
    await auth(req('a'));
    await auth(req('b'));
    await auth(req('a')); // a is now the most recent
    await auth(req('c')); // evicts b
    expect(seen).toHaveLength(3);
    await auth(req('a'));
    expect(seen).toHaveLength(3);
    await auth(req('b'));
    expect(seen).toHaveLength(4);
  });

  it('shares one call between concurrent checks of the same token', async () => {
    const auth = provider();
    const results = await Promise.all([auth(req('t')), auth(req('t')), auth(req('t'))]);
    expect(results.map((r) => r?.subject)).toEqual(['user-1', 'user-1', 'user-1']);
    expect(seen).toHaveLength(1);
  });

  it('re-runs toContext for every request, even from cache', async () => {
    const toContext = vi.fn((_c: unknown, r: AuthRequest) => new AuthContext({ subject: r.path.slice(1) || 'root' }));
    const auth = provider({ toContext });
    await auth(new AuthRequest({ method: 'GET', path: '/a', headers: { authorization: 'Bearer t' } }));
    const second = await auth(new AuthRequest({ method: 'GET', path: '/b', headers: { authorization: 'Bearer t' } }));
    expect(second?.subject).toBe('b');
    expect(toContext).toHaveBeenCalledTimes(2);
    expect(seen).toHaveLength(1);
  });
});

describe('introspection configuration', () => {
  const valid = { endpoint: 'https://idp.example.com/introspect', clientId: 'c', clientSecret: SECRET };

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a missing endpoint', { endpoint: undefined }, /option 'endpoint'/],
    ['a relative endpoint', { endpoint: '/introspect' }, /absolute URL/],
    ['plain http to a remote host', { endpoint: 'http://idp.example.com/introspect' }, /https:/],
    ['another protocol', { endpoint: 'ftp://idp.example.com/x' }, /https:/],
    ['credentials in the endpoint', { endpoint: 'https://u:p@idp.example.com/x' }, /must not embed credentials/],
    ['an empty client id', { clientId: '' }, /option 'clientId'/],
    ['an empty client secret', { clientSecret: '' }, /option 'clientSecret'/],
    ['a short client secret', { clientSecret: 'short' }, /option 'clientSecret' must be at least 16/],
    ['an unknown client auth method', { clientAuth: 'private_key_jwt' }, /option 'clientAuth'/],
    ['an empty token type hint', { tokenTypeHint: '' }, /option 'tokenTypeHint'/],
    ['an empty audience list', { audience: [] }, /option 'audience'/],
    ['a clock tolerance over 300 s', { clockTolerance: 301 }, /option 'clockTolerance'/],
    ['a negative cache age', { cacheMaxAge: -1 }, /option 'cacheMaxAge'/],
    ['a fractional cache size', { cacheSize: 1.5 }, /option 'cacheSize'/],
    ['a zero timeout', { timeoutMs: 0 }, /option 'timeoutMs'/],
    ['a tiny response cap', { maxResponseBytes: 10 }, /option 'maxResponseBytes'/],
    ['a non-function fetch', { fetch: 'fetch' }, /option 'fetch'/],
    ['a non-function toContext', { toContext: {} }, /option 'toContext'/],
    ['an unknown option', { cache: true }, /unknown key/],
  ])('rejects %s', (_label, change, message) => {
    const build = () => introspection({ ...valid, ...change } as unknown as IntrospectionOptions);
    expect(build).toThrow(ImproperlyConfigured);
    expect(build).toThrow(message);
  });

  it.each(['http://localhost:1/x', 'http://127.0.0.1:1/x', 'http://127.1.2.3/x', 'http://[::1]:1/x'])('allows plain http on the loopback host %s', (endpoint) => {
    expect(() => introspection({ ...valid, endpoint })).not.toThrow();
  });

  it('accepts a URL object', () => {
    expect(() => introspection({ ...valid, endpoint: new URL(valid.endpoint) })).not.toThrow();
  });

  it('never puts the client secret in a configuration error', () => {
    try {
      introspection({ ...valid, clientSecret: 'tiny-secret' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('tiny-secret');
    }
  });

  it('masks the client secret in inspect, JSON and String()', () => {
    const auth = introspection(valid);
    for (const shown of [inspect(auth, { showHidden: true }), JSON.stringify({ auth }), String(auth)]) {
      expect(shown).not.toContain(SECRET);
      expect(shown).toContain('[redacted]');
    }
  });
});

describe('introspection errors from hooks', () => {
  it('lets an HTTPError from toContext through unchanged', async () => {
    const auth = provider({ toContext: () => { throw new HTTPError('suspended', { status: 403 }); } });
    await expect(auth(req('t'))).rejects.toMatchObject({ status: 403 });
  });
});
