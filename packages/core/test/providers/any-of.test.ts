import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { AuthContext } from '../../src/context.js';
import { ImproperlyConfigured, InvalidRequest, InvalidToken, Unauthorized } from '../../src/errors.js';
import { createAuth, type Authenticate } from '../../src/policy.js';
import { anyOf } from '../../src/providers/any-of.js';
import { apiKey } from '../../src/providers/api-key/provider.js';
import { basic } from '../../src/providers/basic/provider.js';
import { declareTransports, transportsOf } from '../../src/providers/credentials.js';
import { session } from '../../src/providers/session/provider.js';
import { AuthRequest, type HeadersInput, type RequestSource } from '../../src/request.js';

const KEY = 'sk_test_0123456789abcdefABCDEF';

function req(headers: HeadersInput = {}, query = '', source: RequestSource = 'http'): AuthRequest {
  return new AuthRequest({ method: 'GET', path: '/', headers, query, context: { source } });
}

const ctx = (subject: string) => new AuthContext({ subject });
const nothing = () => vi.fn<Authenticate>(async () => null);
const grants = (subject: string) => vi.fn<Authenticate>(async () => ctx(subject));

describe('anyOf chaining', () => {
  it('tries the next provider when one does not recognise the credential', async () => {
    const first = nothing();
    const second = grants('b');
    expect((await anyOf(first, second)(req()))?.subject).toBe('b');
    expect(first).toHaveBeenCalledTimes(1);
  });

  it('stops at the first AuthContext', async () => {
    const second = grants('b');
    expect((await anyOf(grants('a'), second)(req()))?.subject).toBe('a');
    expect(second).not.toHaveBeenCalled();
  });

  it('resolves null when no provider recognises the request', async () => {
    expect(await anyOf(nothing(), nothing())(req())).toBeNull();
  });

  it('ends the chain on an invalid credential, never falling through', async () => {
    const weaker = grants('anyone');
    const strict = vi.fn<Authenticate>(async () => {
      throw new InvalidToken();
    });
    await expect(anyOf(strict, weaker)(req({ authorization: 'Bearer bad' }))).rejects.toBeInstanceOf(InvalidToken);
    expect(weaker).not.toHaveBeenCalled();
  });

  it('ends the chain on any error, not only HTTP errors', async () => {
    const weaker = grants('anyone');
    await expect(anyOf(async () => { throw new Error('boom'); }, weaker)(req())).rejects.toThrow('boom');
    expect(weaker).not.toHaveBeenCalled();
  });

  it('ends the chain on a synchronous throw', async () => {
    const broken = (() => {
      throw new InvalidToken();
    }) as unknown as Authenticate;
    await expect(anyOf(broken, grants('x'))(req())).rejects.toBeInstanceOf(InvalidToken);
  });

  it('ends the chain on a value that is neither null nor an AuthContext, which the policy refuses', async () => {
    const weaker = grants('anyone');
    const forgetful = (async () => undefined) as unknown as Authenticate;
    const chain = anyOf(forgetful, weaker);
    expect(await chain(req())).toBeUndefined();
    expect(weaker).not.toHaveBeenCalled();
    const warn = vi.fn();
    const policy = createAuth({ authenticate: chain, logger: { warn, error: vi.fn() } });
    await expect(policy.authenticate(req())).rejects.toBeInstanceOf(Unauthorized);
    expect(warn).toHaveBeenCalled();
  });

  it('composes real providers: Basic goes past apiKey, a bad prefixed key stops the chain', async () => {
    const verify = vi.fn(async (u: string) => ctx(u));
    const chain = anyOf(apiKey({ keys: [{ key: KEY, subject: 'svc' }], bearer: true, prefix: 'sk_' }), basic({ verify }));
    expect((await chain(req({ authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}` })))?.subject).toBe('ann');
    expect((await chain(req({ authorization: `Bearer ${KEY}` })))?.subject).toBe('svc');
    verify.mockClear();
    await expect(chain(req({ authorization: 'Bearer sk_unknown_unknown_unknown' }))).rejects.toBeInstanceOf(InvalidToken);
    expect(verify).not.toHaveBeenCalled();
  });
});

describe('anyOf refuses credentials sent by more than one transport (400)', () => {
  it('refuses Authorization plus an api-key header before any provider runs', async () => {
    const other = grants('x');
    const chain = anyOf(other, apiKey({ keys: [{ key: KEY, subject: 's' }] }));
    await expect(chain(req({ authorization: 'Bearer t', 'x-api-key': KEY }))).rejects.toBeInstanceOf(InvalidRequest);
    expect(other).not.toHaveBeenCalled();
  });

  it('refuses Authorization plus ?token= on a WebSocket upgrade, even with undeclared hooks', async () => {
    const hook = grants('x');
    await expect(anyOf(hook)(req({ authorization: 'Bearer a' }, 'token=b', 'websocket'))).rejects.toBeInstanceOf(InvalidRequest);
    expect(hook).not.toHaveBeenCalled();
  });

  it('ignores ?token= on plain HTTP unless a provider reads it there', async () => {
    expect((await anyOf(grants('x'))(req({ authorization: 'Bearer a' }, 'token=b')))?.subject).toBe('x');
    const onHttp = apiKey({ keys: [{ key: KEY, subject: 's' }], header: false, query: { onHttp: true } });
    await expect(anyOf(grants('x'), onHttp)(req({ authorization: 'Bearer a' }, 'token=b'))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('refuses two different api-key headers', async () => {
    const a = apiKey({ keys: [{ key: KEY, subject: 'a' }] });
    const b = apiKey({ keys: [{ key: KEY, subject: 'b' }], header: 'x-cat-key' });
    await expect(anyOf(a, b)(req({ 'x-api-key': KEY, 'x-cat-key': KEY }))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('refuses a hook-declared header together with Authorization', async () => {
    const custom = declareTransports(async (r: AuthRequest) => (r.headers.has('x-session-token') ? ctx('s') : null), [{ header: 'x-session-token' }]);
    await expect(anyOf(custom)(req({ authorization: 'Bearer a', 'x-session-token': 't' }))).rejects.toBeInstanceOf(InvalidRequest);
    expect((await anyOf(custom)(req({ 'x-session-token': 't' })))?.subject).toBe('s');
  });

  it('does not count a session cookie as a second transport', async () => {
    const sessions = session({ secret: 's'.repeat(32) });
    const cookie = sessions.issue({ sub: 'browser-user' }).split(';')[0]!;
    const chain = anyOf(grants('bearer-user'), sessions);
    expect((await chain(req({ authorization: 'Bearer a', cookie })))?.subject).toBe('bearer-user');
  });

  it('keeps the transports of a nested anyOf', async () => {
    const inner = anyOf(apiKey({ keys: [{ key: KEY, subject: 's' }] }));
    expect(transportsOf(inner)).toContainEqual({ header: 'x-api-key' });
    await expect(anyOf(grants('x'), inner)(req({ authorization: 'Bearer a', 'x-api-key': KEY }))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('answers 400 through the policy', async () => {
    const policy = createAuth({ authenticate: anyOf(apiKey({ keys: [{ key: KEY, subject: 's' }], query: true })), logger: false });
    const error = await policy.authenticate(req({ 'x-api-key': KEY }, `token=${KEY}`, 'websocket')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequest);
    expect(policy.respond(error).status).toBe(400);
  });
});

describe('anyOf configuration', () => {
  it('refuses an empty chain', () => {
    expect(() => anyOf()).toThrow(ImproperlyConfigured);
  });

  it('refuses a provider that is not a function, naming its position', () => {
    expect(() => anyOf(grants('a'), 'jwt' as unknown as Authenticate)).toThrow(/provider 1 must be a function/);
  });

  it('is not changed by mutating the argument list afterwards', async () => {
    const list: Authenticate[] = [nothing()];
    const chain = anyOf(...list);
    list.push(grants('late'));
    expect(await chain(req())).toBeNull();
  });

  it('shows only its size in inspect and JSON', () => {
    const chain = anyOf(apiKey({ keys: [{ key: KEY, subject: 's' }] }), nothing());
    expect(inspect(chain)).toBe('anyOf { providers: 2 }');
    expect(JSON.stringify(chain)).toBe('{"type":"anyOf","providers":2}');
    expect(inspect(chain, { showHidden: true })).not.toContain(KEY);
  });
});
