// The synchronous twins (jwt, apiKey, anyOf) and the policy's synchronous authenticate must agree
// with the asynchronous path on every outcome; where they cannot decide without awaiting they say
// PENDING. Run on both backends: on the portable one a signature check is always PENDING.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthContext } from '../src/context.js';
import { crypto } from '../src/crypto/backend.js';
import { createAuth, PENDING, policyAuthenticateSync, syncTwin, withSyncTwin, type Authenticate, type AuthLogger } from '../src/policy.js';
import { anyOf } from '../src/providers/any-of.js';
import { apiKey } from '../src/providers/api-key/provider.js';
import { jwt, type JwtOptions } from '../src/providers/jwt/index.js';
import { AuthRequest, type HeadersInput } from '../src/request.js';
import { toErrorResponse } from '../src/response.js';
import { ed25519, otherP256, p256, rsa, SECRET } from './providers/helpers/jwt-keys.js';
import { b64, now, payloadJson, request, signRaw, token } from './providers/helpers/jwt-tokens.js';

const NODE = crypto().name === 'node';
const KEY = 'sk_test_0123456789abcdefABCDEF';

type Outcome = { readonly kind: 'pending' } | { readonly kind: 'value'; readonly subject: string | null } | { readonly kind: 'error'; readonly status: number; readonly body: string; readonly headers: unknown };

function outcomeOf(run: () => unknown): Outcome {
  try {
    const value = run();
    if (value === PENDING) return { kind: 'pending' };
    return { kind: 'value', subject: value === null ? null : (value as AuthContext).subject };
  } catch (error) {
    const { status, body, headers } = toErrorResponse(error);
    return { kind: 'error', status, body, headers };
  }
}

async function asyncOutcomeOf(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    const value = await run();
    return { kind: 'value', subject: value === null ? null : (value as AuthContext).subject };
  } catch (error) {
    const { status, body, headers } = toErrorResponse(error);
    return { kind: 'error', status, body, headers };
  }
}

/** The twin's outcome, checked against the hook's own: identical unless the twin said PENDING. */
async function agree(hook: Authenticate, req: () => AuthRequest): Promise<Outcome> {
  const twin = syncTwin(hook);
  expect(twin).toBeTypeOf('function');
  const sync = outcomeOf(() => twin!(req()));
  const slow = await asyncOutcomeOf(() => hook(req()));
  if (sync.kind !== 'pending') expect(sync).toEqual(slow);
  return sync;
}

const hs256 = (extra: Partial<JwtOptions> = {}): Authenticate => jwt({ algorithms: ['HS256'], secret: SECRET, ...extra } as JwtOptions);

function withHeaders(headers: HeadersInput): AuthRequest {
  return new AuthRequest({ method: 'GET', path: '/', headers, context: { source: 'http' } });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('jwt() synchronous twin', () => {
  it('is attached, non-enumerable, and not part of the function itself', () => {
    const hook = hs256();
    expect(syncTwin(hook)).toBeTypeOf('function');
    expect(Object.keys(hook)).toEqual([]);
  });

  it('agrees on a valid token: the context on node:crypto, PENDING on the portable backend', async () => {
    const t = await token('HS256', SECRET);
    const sync = await agree(hs256({ cache: false }), () => request(t));
    expect(sync).toEqual(NODE ? { kind: 'value', subject: 'user-1' } : { kind: 'pending' });
  });

  it('agrees on an expired token (401 thrown synchronously on both backends)', async () => {
    const t = await token('HS256', SECRET, { iat: now() - 7200, exp: now() - 3600 });
    const sync = await agree(hs256(), () => request(t));
    expect(sync).toMatchObject({ kind: 'error', status: 401 });
  });

  it('agrees on a bad signature: 401 on node:crypto, PENDING on the portable backend', async () => {
    const t = await token('HS256', 'another secret that is long enough!!');
    const sync = await agree(hs256(), () => request(t));
    expect(sync).toEqual(NODE ? expect.objectContaining({ kind: 'error', status: 401 }) : { kind: 'pending' });
  });

  it.each([
    ['three segments of garbage', 'abc.def.ghi'],
    ['two segments', 'abc.def'],
    ['not base64url', 'a$b.c.d'],
  ])('agrees on a malformed token (%s)', async (_name, t) => {
    const sync = await agree(hs256(), () => request(t));
    expect(sync).toMatchObject({ kind: 'error', status: 401 });
  });

  it('agrees when no bearer token is sent (null) and when another scheme is', async () => {
    expect(await agree(hs256(), () => request(null))).toEqual({ kind: 'value', subject: null });
    expect(await agree(hs256(), () => withHeaders({ authorization: 'Basic dXNlcjpwYXNz' }))).toEqual({ kind: 'value', subject: null });
  });

  it('agrees on a token whose algorithm is not allowed', async () => {
    const t = signRaw('HS384', SECRET, JSON.stringify({ alg: 'HS384' }), payloadJson());
    const sync = await agree(hs256(), () => request(t));
    expect(sync).toMatchObject({ kind: 'error', status: 401 });
    const none = `${b64(JSON.stringify({ alg: 'none' }))}.${b64(payloadJson())}.`;
    expect(await agree(hs256(), () => request(none))).toMatchObject({ kind: 'error', status: 401 });
  });

  it('answers a cache hit synchronously on both backends, with the very context the async path cached', async () => {
    const hook = hs256();
    const t = await token('HS256', SECRET);
    const first = await hook(request(t));
    const twin = syncTwin(hook)!;
    const hit = twin(request(t));
    expect(hit).toBe(first);
    expect(await hook(request(t))).toBe(first);
    expect(Object.isFrozen(hit)).toBe(true);
  });

  it('re-checks exp on a cache hit: an expired cached token is 401 on both paths', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const hook = hs256({ clockTolerance: 0 });
    const t = await token('HS256', SECRET, { exp: now() + 10 });
    await hook(request(t));
    vi.setSystemTime(Date.now() + 60_000);
    expect(outcomeOf(() => syncTwin(hook)!(request(t)))).toMatchObject({ kind: 'error', status: 401 });
    expect(await asyncOutcomeOf(() => hook(request(t)))).toMatchObject({ kind: 'error', status: 401 });
  });

  it('is PENDING for every token when a revoked hook is configured (it may await), never calling it', async () => {
    const revoked = vi.fn(() => false);
    const hook = hs256({ revoked });
    const t = await token('HS256', SECRET);
    await hook(request(t));
    expect(revoked).toHaveBeenCalledTimes(1);
    expect(syncTwin(hook)!(request(t))).toBe(PENDING);
    expect(syncTwin(hook)!(request(null))).toBeNull();
    expect(revoked).toHaveBeenCalledTimes(1);
  });

  it('is PENDING on a miss with a custom toContext (it may await), never calling it', async () => {
    const toContext = vi.fn(() => new AuthContext({ subject: 'mapped' }));
    const hook = hs256({ toContext });
    const t = await token('HS256', SECRET);
    expect(syncTwin(hook)!(request(t))).toBe(PENDING);
    expect(toContext).not.toHaveBeenCalled();
    expect((await hook(request(t)))?.subject).toBe('mapped');
    // Then a cache hit, answered synchronously.
    expect((syncTwin(hook)!(request(t)) as AuthContext).subject).toBe('mapped');
    expect(toContext).toHaveBeenCalledTimes(1);
  });

  it('is PENDING for a remote JWKS that was never fetched, and starts no fetch', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    try {
      const hook = jwt({ algorithms: ['RS256'], jwksUrl: 'https://issuer.invalid/jwks.json' });
      const t = signRaw('HS256', SECRET, JSON.stringify({ alg: 'RS256' }), payloadJson());
      expect(syncTwin(hook)!(request(t))).toBe(PENDING);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });
});

describe('jwt() with a public key', () => {
  const pairs = { ES256: p256, RS256: rsa, EdDSA: ed25519 } as const;

  it.each(['ES256', 'RS256', 'EdDSA'] as const)('%s: a miss is decided by the twin on node:crypto, PENDING on the portable backend; the hit after it is synchronous', async (alg) => {
    const pair = await pairs[alg]();
    const hook = jwt({ algorithms: [alg], key: pair.pem, cache: false });
    const t = await token(alg, pair.privateKey);
    // Asked twice, as a policy does (its twins, then once more before its hook runs).
    expect(await agree(hook, () => request(t))).toEqual(NODE ? { kind: 'value', subject: 'user-1' } : { kind: 'pending' });
    expect(await agree(hook, () => request(t))).toEqual(NODE ? { kind: 'value', subject: 'user-1' } : { kind: 'pending' });
    const cached = jwt({ algorithms: [alg], key: pair.pem });
    const verified = await cached(request(t));
    expect(verified?.subject).toBe('user-1');
    expect(syncTwin(cached)!(request(t))).toBe(verified);
  });

  it('refuses a bad ES256 signature: another key, zero bytes, r and s above the group order', async () => {
    const hook = jwt({ algorithms: ['ES256'], key: (await p256()).pem, cache: false });
    const good = await token('ES256', (await p256()).privateKey);
    const input = good.slice(0, good.lastIndexOf('.'));
    const forged = [
      await token('ES256', (await otherP256()).privateKey),
      `${input}.${b64(new Uint8Array(64))}`,
      `${input}.${b64(new Uint8Array(64).fill(0xff))}`,
    ];
    for (const t of forged) {
      expect(await agree(hook, () => request(t))).toEqual(NODE ? expect.objectContaining({ kind: 'error', status: 401 }) : { kind: 'pending' });
      expect(await asyncOutcomeOf(() => hook(request(t)))).toMatchObject({ kind: 'error', status: 401 });
    }
    expect((await hook(request(good)))?.subject).toBe('user-1');
  });

  it('refuses a malformed or expired public-key token synchronously on both backends, before any signature check', async () => {
    const hook = jwt({ algorithms: ['ES256'], key: (await p256()).pem });
    const expired = await token('ES256', (await p256()).privateKey, { iat: now() - 7200, exp: now() - 3600 });
    expect(await agree(hook, () => request(expired))).toMatchObject({ kind: 'error', status: 401 });
    expect(await agree(hook, () => request('abc.def.ghi'))).toMatchObject({ kind: 'error', status: 401 });
  });

  it('checks the times again when the hook runs after the twin (which hands a prechecked token on where it must wait)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const hook = jwt({ algorithms: ['ES256'], key: (await p256()).pem, clockTolerance: 0, cache: false });
    const t = await token('ES256', (await p256()).privateKey, { exp: now() + 10 });
    expect(outcomeOf(() => syncTwin(hook)!(request(t)))).toEqual(NODE ? { kind: 'value', subject: 'user-1' } : { kind: 'pending' });
    vi.setSystemTime(Date.now() + 60_000);
    expect(await asyncOutcomeOf(() => hook(request(t)))).toMatchObject({ kind: 'error', status: 401 });
  });

  it('gives a policy the same answers through its synchronous and asynchronous entries', async () => {
    const pair = await p256();
    const policy = createAuth({ authenticate: jwt({ algorithms: ['ES256'], key: pair.pem }), logger: false });
    const t = await token('ES256', pair.privateKey);
    const sync = policyAuthenticateSync(policy)!;
    const first = sync(request(t));
    if (NODE) expect((first as AuthContext).subject).toBe('user-1');
    else expect(first).toBe(PENDING);
    const auth = await policy.authenticate(request(t));
    expect(auth?.subject).toBe('user-1');
    expect(sync(request(t))).toBe(auth);
    const other = await token('ES256', (await otherP256()).privateKey);
    await expect(policy.authenticate(request(other))).rejects.toMatchObject({ status: 401 });
  });
});

describe('apiKey() synchronous twin', () => {
  const keys = () => apiKey({ keys: [{ key: KEY, subject: 'svc' }], bearer: true });

  it('agrees on a valid key, an unknown key, no key, and a key sent two ways', async () => {
    expect(await agree(keys(), () => withHeaders({ 'x-api-key': KEY }))).toEqual({ kind: 'value', subject: 'svc' });
    expect(await agree(keys(), () => withHeaders({ 'x-api-key': `${KEY}x` }))).toMatchObject({ kind: 'error', status: 401 });
    expect(await agree(keys(), () => withHeaders({}))).toEqual({ kind: 'value', subject: null });
    expect(await agree(keys(), () => withHeaders({ 'x-api-key': KEY, authorization: `Bearer ${KEY}` }))).toMatchObject({ kind: 'error', status: 400 });
  });

  it('has no twin when a verify callback is configured (it may await)', () => {
    const hook = apiKey({ verify: async () => new AuthContext({ subject: 'v' }) });
    expect(syncTwin(hook)).toBeUndefined();
  });
});

describe('anyOf() synchronous twin', () => {
  const chain = () => anyOf(hs256(), apiKey({ keys: [{ key: KEY, subject: 'svc' }] }));

  it('agrees on each member deciding, on neither, and on two transports (400 before any member)', async () => {
    const t = await token('HS256', SECRET);
    expect(await agree(chain(), () => withHeaders({ 'x-api-key': KEY }))).toEqual({ kind: 'value', subject: 'svc' });
    expect(await agree(chain(), () => request(t))).toEqual(NODE ? { kind: 'value', subject: 'user-1' } : { kind: 'pending' });
    expect(await agree(chain(), () => request('abc.def.ghi'))).toMatchObject({ kind: 'error', status: 401 });
    expect(await agree(chain(), () => withHeaders({}))).toEqual({ kind: 'value', subject: null });
    expect(await agree(chain(), () => withHeaders({ 'x-api-key': KEY, authorization: `Bearer ${t}` }))).toMatchObject({ kind: 'error', status: 400 });
  });

  it('is PENDING as a whole when a member is, and has no twin when a member has none', async () => {
    const t = await token('HS256', SECRET);
    const revocable = anyOf(hs256({ revoked: () => false }), apiKey({ keys: [{ key: KEY, subject: 'svc' }] }));
    expect(syncTwin(revocable)!(request(t))).toBe(PENDING);
    expect((await revocable(request(t)))?.subject).toBe('user-1');
    expect(syncTwin(anyOf(hs256(), async () => null))).toBeUndefined();
  });
});

describe('policy authenticateSync', () => {
  const logger = () => ({ warn: vi.fn<AuthLogger['warn']>(), error: vi.fn<AuthLogger['error']>() });

  it('is present on every policy and agrees with authenticate', async () => {
    const policy = createAuth({ authenticate: [hs256(), apiKey({ keys: [{ key: KEY, subject: 'svc' }] })], logger: false });
    const sync = policyAuthenticateSync(policy)!;
    const t = await token('HS256', SECRET);
    const cases: Array<[() => AuthRequest, boolean]> = [
      [() => request(t), false],
      [() => withHeaders({ 'x-api-key': KEY }), false],
      [() => request('abc.def.ghi'), false],
      [() => withHeaders({}), false],
      [() => withHeaders({}), true],
      [() => withHeaders({ authorization: 'Basic dXNlcjpwYXNz' }), true],
      [() => new AuthRequest({ method: 'GET', path: '/', headers: [['authorization', `Bearer ${t}`], ['authorization', `Bearer ${t}`]], context: { source: 'http' } }), false],
    ];
    for (const [req, optional] of cases) {
      const fast = outcomeOf(() => sync(req(), { optional }));
      const slow = await asyncOutcomeOf(() => policy.authenticate(req(), { optional }));
      if (fast.kind !== 'pending') expect(fast).toEqual(slow);
    }
    expect(outcomeOf(() => sync(withHeaders({}), { optional: true }))).toEqual({ kind: 'value', subject: null });
    expect(outcomeOf(() => sync(withHeaders({})))).toMatchObject({ kind: 'error', status: 401 });
    expect(outcomeOf(() => sync(withHeaders({ authorization: 'Basic dXNlcjpwYXNz' }), { optional: true }))).toMatchObject({ kind: 'error', status: 401 });
  });

  it('answers duplicate credentials 400 before any hook runs', () => {
    const twin = vi.fn(() => null);
    const policy = createAuth({ authenticate: withSyncTwin(async () => null, twin), logger: false });
    const req = new AuthRequest({ method: 'GET', path: '/', headers: [['authorization', 'Bearer a'], ['authorization', 'Bearer b']], context: { source: 'http' } });
    expect(outcomeOf(() => policyAuthenticateSync(policy)!(req))).toMatchObject({ kind: 'error', status: 400 });
    expect(twin).not.toHaveBeenCalled();
  });

  it('refuses a wrong-type result with 401 and logs it, as authenticate does', async () => {
    const log = logger();
    const odd = withSyncTwin(async () => ({ subject: 'x' }) as unknown as AuthContext, () => ({ subject: 'x' }) as unknown as AuthContext);
    const policy = createAuth({ authenticate: odd, logger: log });
    expect(outcomeOf(() => policyAuthenticateSync(policy)!(withHeaders({})))).toMatchObject({ kind: 'error', status: 401 });
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]![1]).toMatchObject({ type: 'object' });
  });

  it('answers a non-HTTPError throw with a generic 500 and logs only its class name', () => {
    class LeakyError extends Error {}
    const log = logger();
    const boom = withSyncTwin(async () => null, () => {
      throw new LeakyError('secret token abc');
    });
    const policy = createAuth({ authenticate: boom, logger: log });
    const out = outcomeOf(() => policyAuthenticateSync(policy)!(withHeaders({})));
    expect(out).toMatchObject({ kind: 'error', status: 500 });
    expect(JSON.stringify(out)).not.toContain('secret token');
    expect(log.error).toHaveBeenCalledWith('authenticate hook failed', expect.objectContaining({ error: 'LeakyError' }));
  });

  it('runs the twins once: authenticate right after a PENDING sync attempt goes straight to the hooks', async () => {
    const twin = vi.fn((): typeof PENDING => PENDING);
    const hook = vi.fn(async () => new AuthContext({ subject: 'a' }));
    const policy = createAuth({ authenticate: withSyncTwin(hook, twin), logger: false });
    const req = withHeaders({});
    expect(policyAuthenticateSync(policy)!(req)).toBe(PENDING);
    expect((await policy.authenticate(req))?.subject).toBe('a');
    expect(twin).toHaveBeenCalledTimes(1);
    expect(hook).toHaveBeenCalledTimes(1);
    // Any other request (or the same one again) still tries the twins first.
    expect((await policy.authenticate(req))?.subject).toBe('a');
    expect((await policy.authenticate(withHeaders({})))?.subject).toBe('a');
    expect(twin).toHaveBeenCalledTimes(3);
  });

  it('is PENDING for a plain async hook, which has no twin, and never calls it', () => {
    const hook = vi.fn(async () => new AuthContext({ subject: 'a' }));
    const policy = createAuth({ authenticate: [hs256(), hook], logger: false });
    expect(policyAuthenticateSync(policy)!(withHeaders({}))).toBe(PENDING);
    expect(hook).not.toHaveBeenCalled();
  });

  it('never starts a timer, and neither does authenticate when the chain decides synchronously', async () => {
    vi.useFakeTimers();
    const policy = createAuth({ authenticate: apiKey({ keys: [{ key: KEY, subject: 'svc' }] }), logger: false });
    const sync = policyAuthenticateSync(policy)!;
    expect((sync(withHeaders({ 'x-api-key': KEY })) as AuthContext).subject).toBe('svc');
    expect(() => sync(withHeaders({ 'x-api-key': 'sk_nope_0123456789abcdefABCDEF' }))).toThrow();
    expect(sync(withHeaders({}), { optional: true })).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    const pending = policy.authenticate(withHeaders({ 'x-api-key': KEY }));
    expect(vi.getTimerCount()).toBe(0);
    expect((await pending)?.subject).toBe('svc');
  });

  it('still times out a hook that takes the asynchronous path', async () => {
    vi.useFakeTimers();
    const policy = createAuth({ authenticate: () => new Promise<null>(() => {}), timeoutMs: 50, logger: false });
    expect(policyAuthenticateSync(policy)!(withHeaders({}))).toBe(PENDING);
    const pending = asyncOutcomeOf(() => policy.authenticate(withHeaders({})));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(await pending).toMatchObject({ kind: 'error', status: 503 });
  });
});
