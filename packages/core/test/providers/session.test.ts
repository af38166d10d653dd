import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthContext } from '../../src/context.js';
import { HTTPError, ImproperlyConfigured, InvalidRequest, InvalidToken } from '../../src/errors.js';
import { createAuth } from '../../src/policy.js';
import { anyOf } from '../../src/providers/any-of.js';
import { transportsOf } from '../../src/providers/credentials.js';
import { serializeCookie } from '../../src/providers/session/cookie.js';
import { session, type SessionOptions } from '../../src/providers/session/provider.js';
import { AuthRequest } from '../../src/request.js';
import { SignedCookieSigner } from '../../src/signer.js';

const SECRET = 'session-secret-0123456789abcdef-xyz';
const OLD = 'retired-secret-0123456789abcdef-xyz';
const NOW = 1_700_000_000_000;

afterEach(() => {
  vi.useRealTimers();
});

function withCookie(cookie?: string | readonly string[]): AuthRequest {
  return new AuthRequest({ method: 'GET', path: '/', headers: cookie === undefined ? {} : { cookie } });
}

/** The `name=value` pair a browser would send back for a Set-Cookie header. */
function echo(setCookie: string): string {
  return setCookie.split(';')[0]!;
}

describe('session issue and authenticate', () => {
  const sessions = session({ secret: SECRET });

  it('issues a cookie with safe defaults', () => {
    const header = sessions.issue({ sub: 'user-1' });
    expect(header).toMatch(/^__Host-session=[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]{43}; Max-Age=86400; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(sessions.cookieName).toBe('__Host-session');
  });

  it('authenticates the cookie it issued', async () => {
    const header = sessions.issue({ sub: 'user-1', roles: ['admin'], permissions: ['doc:read'], scopes: ['profile'], metadata: { tenant: 't1' } });
    const ctx = await sessions(withCookie(echo(header)));
    expect(ctx).toBeInstanceOf(AuthContext);
    expect(ctx).toMatchObject({ subject: 'user-1', roles: ['admin'], permissions: ['doc:read'], scopes: ['profile'], metadata: { tenant: 't1' }, method: 'session' });
  });

  it('finds its cookie among others', async () => {
    const ctx = await sessions(withCookie(`theme=dark; ${echo(sessions.issue({ sub: 'u' }))}; lang=en`));
    expect(ctx?.subject).toBe('u');
  });

  it('resolves null without the session cookie', async () => {
    expect(await sessions(withCookie())).toBeNull();
    expect(await sessions(withCookie('theme=dark'))).toBeNull();
  });

  it('rejects the cookie name sent twice with 400', async () => {
    const pair = echo(sessions.issue({ sub: 'u' }));
    await expect(sessions(withCookie(`${pair}; ${pair}`))).rejects.toBeInstanceOf(InvalidRequest);
    await expect(sessions(withCookie([pair, '__Host-session=x']))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('rejects an empty cookie value with 401', async () => {
    await expect(sessions(withCookie('__Host-session='))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects a tampered cookie', async () => {
    const value = echo(sessions.issue({ sub: 'user-1' })).slice('__Host-session='.length);
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url');
    await expect(sessions(withCookie(`__Host-session=${forgedPayload}${value.slice(value.indexOf('.'))}`))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects a cookie signed with an unknown secret', async () => {
    const other = session({ secret: 'x'.repeat(40) });
    await expect(sessions(withCookie(echo(other.issue({ sub: 'u' }))))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects a value signed with the same secret for another purpose (salt)', async () => {
    const signer = new SignedCookieSigner(SECRET, { salt: 'flash', maxAge: 86_400 });
    await expect(sessions(withCookie(`__Host-session=${signer.sign(JSON.stringify({ sub: 'u' }))}`))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects an untimed value even with the right secret and salt', async () => {
    const signer = new SignedCookieSigner(SECRET, { salt: 'auth.session' });
    await expect(sessions(withCookie(`__Host-session=${signer.sign(JSON.stringify({ sub: 'u' }))}`))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects a session older than maxAge', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    const short = session({ secret: SECRET, maxAge: 600 });
    const pair = echo(short.issue({ sub: 'u' }));
    vi.setSystemTime(NOW + 599_000);
    expect((await short(withCookie(pair)))?.subject).toBe('u');
    vi.setSystemTime(NOW + 601_000);
    await expect(short(withCookie(pair))).rejects.toBeInstanceOf(InvalidToken);
  });

  it.each([
    ['not JSON', 'hello'],
    ['a JSON string', '"user-1"'],
    ['JSON without sub', '{"roles":["admin"]}'],
    ['an empty sub', '{"sub":""}'],
    ['roles that are not a list', '{"sub":"u","roles":"admin"}'],
    ['metadata nested too deep', JSON.stringify({ sub: 'u', metadata: JSON.parse('{"a":'.repeat(20) + '1' + '}'.repeat(20)) })],
  ])('rejects a validly signed value that is %s', async (_label, value) => {
    const signer = new SignedCookieSigner(SECRET, { salt: 'auth.session', maxAge: 86_400 });
    await expect(sessions(withCookie(`__Host-session=${signer.sign(value)}`))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('refuses to issue something that is not SessionData', () => {
    expect(() => sessions.issue('user-1')).toThrow(TypeError);
    expect(() => sessions.issue({ sub: '' })).toThrow(TypeError);
    expect(() => sessions.issue({ roles: ['a'] } as never)).toThrow(TypeError);
  });

  it('refuses to issue a cookie browsers would drop (over 4096 bytes)', () => {
    expect(() => sessions.issue({ sub: 'u', metadata: { blob: 'x'.repeat(4000) } })).toThrow(/4096/);
  });

  it('clears the cookie with the same attributes', () => {
    expect(sessions.clear()).toBe('__Host-session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; Secure; SameSite=Lax');
  });

  it('reads no credential transport (cookies are ambient)', () => {
    expect(transportsOf(sessions)).toEqual([]);
  });
});

describe('session with load', () => {
  it('hands the verified value and the request to load', async () => {
    const load = vi.fn(async (id: string) => (id === 'sess_123' ? new AuthContext({ subject: 'user-9' }) : null));
    const sessions = session({ secret: SECRET, load });
    const request = withCookie(echo(sessions.issue('sess_123')));
    expect((await sessions(request))?.subject).toBe('user-9');
    expect(load).toHaveBeenCalledWith('sess_123', request);
  });

  it('turns a null from load into 401', async () => {
    const sessions = session({ secret: SECRET, load: async () => null });
    await expect(sessions(withCookie(echo(sessions.issue('gone'))))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('does not call load for an invalid cookie', async () => {
    const load = vi.fn(async () => new AuthContext({ subject: 'x' }));
    await expect(session({ secret: SECRET, load })(withCookie('__Host-session=forged.1.sig'))).rejects.toBeInstanceOf(InvalidToken);
    expect(load).not.toHaveBeenCalled();
  });

  it('refuses a look-alike context from load', async () => {
    const sessions = session({ secret: SECRET, load: async () => ({ subject: 'root' }) as unknown as AuthContext });
    await expect(sessions(withCookie(echo(sessions.issue('s'))))).rejects.toBeInstanceOf(TypeError);
  });

  it('lets an error from load propagate', async () => {
    const sessions = session({ secret: SECRET, load: async () => { throw new HTTPError('store down', { status: 503 }); } });
    await expect(sessions(withCookie(echo(sessions.issue('s'))))).rejects.toMatchObject({ status: 503 });
  });

  it('issues only strings with load', () => {
    expect(() => session({ secret: SECRET, load: async () => null }).issue({ sub: 'u' })).toThrow(TypeError);
  });
});

describe('session secret rotation', () => {
  it('accepts a cookie signed with a fallback secret and offers a re-signed one', async () => {
    const before = session({ secret: OLD });
    const after = session({ secret: SECRET, fallbackSecrets: [OLD] });
    const ctx = await after(withCookie(echo(before.issue({ sub: 'user-1', roles: ['r'] }))));
    expect(ctx?.subject).toBe('user-1');
    const again = after.resignCookie(ctx!);
    expect(again).toMatch(/^__Host-session=.*; Max-Age=86400; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    // The re-signed cookie verifies without the fallback secret.
    const newOnly = session({ secret: SECRET });
    expect(await newOnly(withCookie(echo(again!)))).toMatchObject({ subject: 'user-1', roles: ['r'] });
  });

  it('still offers the re-signed cookie for the context the policy returns (through anyOf)', async () => {
    const before = session({ secret: OLD });
    const after = session({ secret: SECRET, fallbackSecrets: [OLD] });
    const policy = createAuth({ authenticate: anyOf(after), logger: false });
    const auth = await policy.authenticate(withCookie(echo(before.issue({ sub: 'user-1' }))));
    expect(auth?.subject).toBe('user-1');
    expect(after.resignCookie(auth!)).toMatch(/^__Host-session=/);
  });

  it('offers nothing for a cookie signed with the current secret', async () => {
    const sessions = session({ secret: SECRET, fallbackSecrets: [OLD] });
    const ctx = await sessions(withCookie(echo(sessions.issue({ sub: 'u' }))));
    expect(sessions.resignCookie(ctx!)).toBeNull();
  });

  it('offers nothing for a context it did not produce', () => {
    expect(session({ secret: SECRET }).resignCookie(new AuthContext({ subject: 'u' }))).toBeNull();
  });

  it('never ties a re-sign to a context that load shares between requests', async () => {
    const shared = new AuthContext({ subject: 'user-1', roles: ['r'] });
    const before = session({ secret: OLD, load: async () => shared });
    const after = session({ secret: SECRET, fallbackSecrets: [OLD], load: async () => shared });
    const rotated = await after(withCookie(echo(before.issue('sess_old'))));
    expect(rotated).not.toBe(shared);
    expect(rotated).toMatchObject({ subject: 'user-1', roles: ['r'] });
    expect(after.resignCookie(rotated!)).not.toBeNull();
    const current = await after(withCookie(echo(after.issue('sess_new'))));
    expect(current).toBe(shared);
    expect(after.resignCookie(current!)).toBeNull();
  });
});

describe('session cookie attributes', () => {
  it('applies custom name and attributes', () => {
    const sessions = session({ secret: SECRET, maxAge: 3600, cookie: { name: 'sid', domain: 'example.com', path: '/app', sameSite: 'Strict', partitioned: true } });
    expect(sessions.issue({ sub: 'u' })).toMatch(/^sid=\S+; Max-Age=3600; Domain=example\.com; Path=\/app; HttpOnly; Secure; SameSite=Strict; Partitioned$/);
    expect(sessions.clear()).toMatch(/^sid=; Max-Age=0; Expires=[^;]+; Domain=example\.com; Path=\/app; /);
  });

  it('allows a non-prefixed cookie without Secure for local development', () => {
    expect(session({ secret: SECRET, cookie: { name: 'dev_session', secure: false } }).issue({ sub: 'u' })).not.toContain('Secure');
  });
});

describe('session configuration', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a missing secret', { secret: undefined }, /^session: secret must be a string or Uint8Array/],
    ['an empty secret', { secret: '' }, /^session: secret must not be empty/],
    ['a short secret', { secret: 'short' }, /^session: secret must be at least 32 bytes/],
    ['fallbackSecrets that is not an array', { fallbackSecrets: OLD }, /^session: option 'fallbackSecrets'/],
    ['a short fallback secret', { fallbackSecrets: ['short'] }, /^session: fallbackSecrets\[0\]/],
    ['a maxAge of 0', { maxAge: 0 }, /option 'maxAge'/],
    ['a fractional maxAge', { maxAge: 1.5 }, /option 'maxAge'/],
    ['a __Host- cookie with a Domain', { cookie: { domain: 'example.com' } }, /__Host- cookie needs Secure, Path=\/ and no Domain/],
    ['a __Host- cookie with another Path', { cookie: { path: '/app' } }, /__Host-/],
    ['a __Host- cookie without Secure', { cookie: { secure: false } }, /__Host-/],
    ['a __Secure- cookie without Secure', { cookie: { name: '__Secure-sid', secure: false } }, /__Secure- cookie needs Secure/],
    ['SameSite=None without Secure', { cookie: { name: 'sid', secure: false, sameSite: 'None' } }, /SameSite=None needs Secure/],
    ['an invalid cookie name', { cookie: { name: 'my session' } }, /cookie name must be a token/],
    ['an invalid SameSite', { cookie: { sameSite: 'lax' } }, /option 'cookie\.sameSite'/],
    ['an invalid domain', { cookie: { name: 'sid', domain: 'exa mple.com' } }, /domain/],
    ['a path with a semicolon', { cookie: { name: 'sid', path: '/a;b' } }, /path/],
    ['an unknown cookie attribute', { cookie: { expires: 'never' } }, /unknown key/],
    ['a non-function load', { load: 'db' }, /option 'load'/],
    ['an unknown option', { secure: true }, /unknown key/],
  ])('rejects %s', (_label, change, message) => {
    const build = () => session({ secret: SECRET, ...change } as unknown as SessionOptions);
    expect(build).toThrow(ImproperlyConfigured);
    expect(build).toThrow(message);
  });

  it('keeps secrets out of inspect, JSON, String() and errors', () => {
    const sessions = session({ secret: SECRET, fallbackSecrets: [OLD] });
    for (const shown of [inspect(sessions, { showHidden: true }), JSON.stringify({ sessions }), String(sessions)]) {
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain(OLD);
    }
    try {
      session({ secret: 'tiny-secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('tiny-secret');
    }
  });
});

describe('serializeCookie', () => {
  it('writes safe defaults', () => {
    expect(serializeCookie('__Host-flash', 'saved', { maxAge: 60 })).toBe('__Host-flash=saved; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Lax');
  });

  it('omits Max-Age for a browser-session cookie', () => {
    expect(serializeCookie('a', 'b')).toBe('a=b; Path=/; HttpOnly; Secure; SameSite=Lax');
  });

  it.each(['a b', 'a;b', 'a,b', 'a"b', 'a\\b', 'é', 'a\nb'])('refuses the value %j', (value) => {
    expect(() => serializeCookie('a', value)).toThrow(TypeError);
  });

  it.each([
    ['a fractional maxAge', { maxAge: 1.5 }],
    ['a negative maxAge', { maxAge: -1 }],
    ['Partitioned without Secure', { partitioned: true, secure: false }],
    ['a relative path', { path: 'app' }],
  ])('refuses %s', (_label, options) => {
    expect(() => serializeCookie('a', 'b', options)).toThrow(TypeError);
  });

  it('refuses a header-injecting name', () => {
    expect(() => serializeCookie('a=b; Domain=evil.com; x', 'c')).toThrow(TypeError);
  });
});
