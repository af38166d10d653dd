import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthContext } from '../../src/context.js';
import { ServiceUnavailable } from '../../src/errors.js';
import { toErrorResponse } from '../../src/response.js';
import { jwt, type JwksOptions } from '../../src/providers/jwt/index.js';
import { closedPortUrl, jwksServer, type JwksServer } from './helpers/jwt-jwks-server.js';
import { otherP256, p256, SECRET } from './helpers/jwt-keys.js';
import { expectInvalid, request, token } from './helpers/jwt-tokens.js';

const P256 = await p256();
const OTHER_P256 = await otherP256();

const KEY_A = { ...P256.jwk, kid: 'a', use: 'sig' };
const KEY_B = { ...OTHER_P256.jwk, kid: 'b', use: 'sig' };
const signA = (claims = {}) => token('ES256', P256.privateKey, claims, { kid: 'a' });
const signB = (claims = {}) => token('ES256', OTHER_P256.privateKey, claims, { kid: 'b' });

let server: JwksServer | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.UTC(2030, 0, 1));
});
afterEach(async () => {
  vi.useRealTimers();
  await server?.close();
  server = undefined;
});

async function start(keys: readonly unknown[] = [KEY_A]): Promise<JwksServer> {
  server = await jwksServer({ kind: 'keys', keys });
  return server;
}

function remote(url: string, jwksOptions: JwksOptions = {}, extra: { toContext?: () => AuthContext } = {}) {
  return jwt({ algorithms: ['ES256'], jwksUrl: url, jwksOptions, ...extra });
}

const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

async function expectUnavailable(pending: Promise<unknown>): Promise<void> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceUnavailable);
  expect(toErrorResponse(error).status).toBe(503);
}

describe('remote JWKS: fetching and caching', () => {
  it('fetches the key set once and verifies tokens by kid', async () => {
    const s = await start([KEY_A, KEY_B]);
    const auth = remote(s.url, {}, { toContext: () => new AuthContext({ subject: 'x' }) });
    expect(s.hitsOn()).toBe(0);
    await auth(request(await signA()));
    await auth(request(await signB()));
    await auth(request(await signA({ jti: 'other' })));
    expect(s.hitsOn()).toBe(1);
  });

  it('makes concurrent first requests share one fetch (single-flight)', async () => {
    server = await jwksServer({ kind: 'keys', keys: [KEY_A], delayMs: 100 });
    const auth = remote(server.url);
    const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => signA({ jti: String(i) })));
    const results = await Promise.all(tokens.map((t) => auth(request(t))));
    expect(results.every((ctx) => ctx?.subject === 'user-1')).toBe(true);
    expect(server.hitsOn()).toBe(1);
  });

  it('refetches once the cache max age has passed', async () => {
    const s = await start();
    const auth = remote(s.url, { cacheMaxAgeMs: 60_000 });
    const t = await signA({ exp: Math.floor(Date.now() / 1000) + 3600 });
    await auth(request(t));
    advance(59_000);
    await auth(request(t));
    expect(s.hitsOn()).toBe(1);
    advance(2000);
    await auth(request(t));
    expect(s.hitsOn()).toBe(2);
  });

  it('does not fetch for a token refused before any key is needed', async () => {
    const s = await start();
    const auth = remote(s.url);
    await expectInvalid(auth(request(await token('HS256', SECRET))));
    await expectInvalid(auth(request('not.a.jwt')));
    await expectInvalid(auth(request(await signA({ exp: Math.floor(Date.now() / 1000) - 60 }))));
    expect(s.hitsOn()).toBe(0);
  });

  it('uses the good keys of a set and skips the unusable ones', async () => {
    const s = await start([
      { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA', kid: 'h' },
      { ...KEY_B, d: 'AAAA' },
      { ...KEY_B, use: 'enc' },
      { kty: 'EC', crv: 'P-256', x: 'bad', y: 'bad', kid: 'x' },
      { kty: 'EC', crv: 'P-256', x: Buffer.alloc(32, 1).toString('base64url'), y: Buffer.alloc(32, 1).toString('base64url'), kid: 'off-curve' },
      'not a key',
      KEY_A,
    ]);
    const auth = remote(s.url);
    expect((await auth(request(await signA())))?.subject).toBe('user-1');
    await expectInvalid(auth(request(await signB())));
  });
});

describe('remote JWKS: unknown kid and rotation', () => {
  it('limits refetches for unknown kids to one per cooldown', async () => {
    const s = await start();
    const auth = remote(s.url, { cooldownMs: 30_000 });
    await auth(request(await signA()));
    expect(s.hitsOn()).toBe(1);
    const unknown = await token('ES256', P256.privateKey, {}, { kid: 'zzz' });
    await expectInvalid(auth(request(unknown)));
    await expectInvalid(auth(request(unknown)));
    expect(s.hitsOn()).toBe(1);
    advance(31_000);
    await expectInvalid(auth(request(unknown)));
    expect(s.hitsOn()).toBe(2);
    for (let i = 0; i < 5; i++) await expectInvalid(auth(request(unknown)));
    expect(s.hitsOn()).toBe(2);
  });

  it('picks up a new kid after the cooldown', async () => {
    const s = await start([KEY_A]);
    const auth = remote(s.url, { cooldownMs: 30_000 });
    await auth(request(await signA()));
    s.set({ kind: 'keys', keys: [KEY_A, KEY_B] });
    await expectInvalid(auth(request(await signB())));
    advance(31_000);
    expect((await auth(request(await signB())))?.subject).toBe('user-1');
    expect(s.hitsOn()).toBe(2);
  });

  it('lets concurrent requests for a new kid share the one refetch', async () => {
    server = await jwksServer({ kind: 'keys', keys: [KEY_A], delayMs: 50 });
    const auth = remote(server.url, { cooldownMs: 30_000 });
    await auth(request(await signA()));
    server.set({ kind: 'keys', keys: [KEY_A, KEY_B], delayMs: 50 });
    advance(31_000);
    const tokens = await Promise.all(Array.from({ length: 5 }, (_, i) => signB({ jti: String(i) })));
    const results = await Promise.all(tokens.map((t) => auth(request(t))));
    expect(results.map((ctx) => ctx?.subject)).toEqual(Array(5).fill('user-1'));
    expect(server.hitsOn()).toBe(2);
  });

  it('stops accepting a cached token once a rotation drops its key', async () => {
    const s = await start([KEY_A]);
    const toContext = vi.fn(() => new AuthContext({ subject: 'cached' }));
    const auth = remote(s.url, { cooldownMs: 30_000 }, { toContext });
    const old = await signA();
    expect((await auth(request(old)))?.subject).toBe('cached');
    expect((await auth(request(old)))?.subject).toBe('cached');
    expect(toContext).toHaveBeenCalledTimes(1);
    s.set({ kind: 'keys', keys: [KEY_B] });
    advance(31_000);
    expect((await auth(request(await signB())))?.subject).toBe('cached');
    expect(s.hitsOn()).toBe(2);
    await expectInvalid(auth(request(old)));
  });

  it('keeps cached tokens of keys a refresh keeps', async () => {
    const s = await start([KEY_A]);
    const toContext = vi.fn(() => new AuthContext({ subject: 'kept' }));
    const auth = remote(s.url, { cooldownMs: 30_000 }, { toContext });
    const t = await signA();
    await auth(request(t));
    s.set({ kind: 'keys', keys: [KEY_A, KEY_B] });
    advance(31_000);
    await auth(request(await signB()));
    await auth(request(t));
    expect(toContext).toHaveBeenCalledTimes(2);
  });

  it('refuses a key whose material changed under the same kid', async () => {
    const s = await start([KEY_A]);
    const auth = remote(s.url, { cacheMaxAgeMs: 60_000 });
    const t = await signA({ exp: Math.floor(Date.now() / 1000) + 3600 });
    await auth(request(t));
    s.set({ kind: 'keys', keys: [{ ...OTHER_P256.jwk, kid: 'a' }] });
    advance(61_000);
    expect((await auth(request(await token('ES256', OTHER_P256.privateKey, {}, { kid: 'a' }))))?.subject).toBe('user-1');
    expect(s.hitsOn()).toBe(2);
    await expectInvalid(auth(request(t)));
  });
});

describe('remote JWKS: an endpoint that fails never authenticates anyone', () => {
  it('answers 503 when the endpoint is down and no keys were ever fetched', async () => {
    const auth = remote(await closedPortUrl());
    await expectUnavailable(auth(request(await signA())));
  });

  it('answers 503 when the endpoint times out', async () => {
    server = await jwksServer({ kind: 'keys', keys: [KEY_A], delayMs: 2000 });
    const auth = remote(server.url, { timeoutMs: 100 });
    await expectUnavailable(auth(request(await signA())));
  });

  it('answers 503 when the endpoint sends headers and then stalls', async () => {
    server = await jwksServer({ kind: 'hang' });
    const auth = remote(server.url, { timeoutMs: 100 });
    await expectUnavailable(auth(request(await signA())));
  });

  it('answers 503 for a response over the size cap that announces its length', async () => {
    const body = JSON.stringify({ keys: [KEY_A], padding: 'x'.repeat(4000) });
    server = await jwksServer({ kind: 'raw', body });
    await expectUnavailable(remote(server.url, { maxResponseBytes: 2048 })(request(await signA())));
  });

  it('answers 503 for a streamed response that grows over the size cap', async () => {
    const body = JSON.stringify({ keys: [KEY_A], padding: 'x'.repeat(4000) });
    server = await jwksServer({ kind: 'raw', body, chunked: true });
    await expectUnavailable(remote(server.url, { maxResponseBytes: 2048 })(request(await signA())));
  });

  it('accepts the same key set under the cap', async () => {
    const body = JSON.stringify({ keys: [KEY_A], padding: 'x'.repeat(100) });
    server = await jwksServer({ kind: 'raw', body, chunked: true });
    expect((await remote(server.url, { maxResponseBytes: 2048 })(request(await signA())))?.subject).toBe('user-1');
  });

  it('does not follow a redirect', async () => {
    server = await jwksServer({ kind: 'keys', keys: [KEY_A] });
    const target = server.url;
    const redirecting = await jwksServer({ kind: 'redirect', location: target });
    try {
      await expectUnavailable(remote(redirecting.url)(request(await signA())));
      expect(redirecting.hitsOn()).toBe(1);
      expect(server.hitsOn()).toBe(0);
    } finally {
      await redirecting.close();
    }
  });

  it.each<[string, { body: string; status?: number; contentType?: string }]>([
    ['malformed JSON', { body: '{"keys":[' }],
    ['JSON that is not a JWK Set', { body: '{"foo":1}' }],
    ['keys that is not an array', { body: '{"keys":{"kid":"a"}}' }],
    ['a JSON array', { body: '[]' }],
    ['an HTML error page', { body: '<html>oops</html>', contentType: 'text/html' }],
    ['a valid JWK Set served as text/html', { body: JSON.stringify({ keys: [KEY_A] }), contentType: 'text/html' }],
    ['a 500 status', { body: JSON.stringify({ keys: [KEY_A] }), status: 500 }],
    ['a 204 status', { body: '', status: 204 }],
    ['duplicate member names', { body: `{"keys":[],"keys":${JSON.stringify([KEY_A])}}` }],
    ['no usable key at all', { body: JSON.stringify({ keys: [{ ...KEY_A, d: 'AAAA' }, { kty: 'oct', k: 'AAAA' }] }) }],
  ])('answers 503 for %s', async (_label, response) => {
    server = await jwksServer({ kind: 'raw', ...response });
    await expectUnavailable(remote(server.url)(request(await signA())));
  });

  it('accepts application/jwk-set+json with parameters', async () => {
    server = await jwksServer({ kind: 'keys', keys: [KEY_A], contentType: 'application/jwk-set+json; charset=utf-8' });
    expect((await remote(server.url)(request(await signA())))?.subject).toBe('user-1');
  });

  it('keeps verifying with fresh cached keys while the endpoint is down', async () => {
    const s = await start();
    const auth = remote(s.url, { cacheMaxAgeMs: 60_000, cooldownMs: 1000 }, { toContext: () => new AuthContext({ subject: 'x' }) });
    await auth(request(await signA()));
    s.set({ kind: 'raw', body: 'down', status: 503, contentType: 'text/plain' });
    advance(5000);
    expect((await auth(request(await signA({ jti: 'new' }))))?.subject).toBe('x');
    // A kid that stays unknown while fresh keys are held is the token's fault: 401.
    await expectInvalid(auth(request(await signB())));
    expect(s.hitsOn()).toBe(2);
  });

  it('answers 503 once the cached keys are older than the max age and the refresh fails', async () => {
    const s = await start();
    const auth = remote(s.url, { cacheMaxAgeMs: 60_000 });
    const t = await signA({ exp: Math.floor(Date.now() / 1000) + 3600 });
    await auth(request(t));
    s.set({ kind: 'raw', body: 'down', status: 503, contentType: 'text/plain' });
    advance(61_000);
    await expectUnavailable(auth(request(t)));
  });

  it('does not hammer an endpoint that is down: one attempt a second, and Retry-After: 1', async () => {
    server = await jwksServer({ kind: 'raw', body: 'down', status: 503, contentType: 'text/plain' });
    const auth = remote(server.url);
    for (let i = 0; i < 5; i++) {
      const error = await auth(request(await signA())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceUnavailable);
      expect(toErrorResponse(error).headers['retry-after']).toBe('1');
    }
    expect(server.hitsOn()).toBe(1);
    advance(1100);
    await expectUnavailable(auth(request(await signA())));
    expect(server.hitsOn()).toBe(2);
  });

  it('recovers when the endpoint comes back', async () => {
    server = await jwksServer({ kind: 'raw', body: 'down', status: 503, contentType: 'text/plain' });
    const auth = remote(server.url);
    await expectUnavailable(auth(request(await signA())));
    server.set({ kind: 'keys', keys: [KEY_A] });
    advance(1100);
    expect((await auth(request(await signA())))?.subject).toBe('user-1');
  });
});
