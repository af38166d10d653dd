import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthContext } from '../../src/context.js';
import { HTTPError } from '../../src/errors.js';
import { jwt, type JwtOptions } from '../../src/providers/jwt/index.js';
import { p256, SECRET } from './helpers/jwt-keys.js';
import { expectInvalid, request, token } from './helpers/jwt-tokens.js';

const P256 = await p256();

const T0 = Date.UTC(2030, 0, 1) / 1000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0 * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

/** A provider whose toContext counts calls: it runs once per full verification, never on a cache hit. */
function counted(extra: Partial<JwtOptions> = {}) {
  const toContext = vi.fn((claims: { sub?: string }) => new AuthContext({ subject: claims.sub ?? 'none', method: 'jwt' }));
  const auth = jwt({ algorithms: ['HS256'], secret: SECRET, toContext, ...extra } as JwtOptions);
  return { auth, toContext };
}

describe('jwt verified-token cache', () => {
  it('serves a repeated token from the cache and returns the same frozen context', async () => {
    const { auth, toContext } = counted();
    const t = await token('HS256', SECRET, { iat: T0, exp: T0 + 600 });
    const first = await auth(request(t));
    const second = await auth(request(t));
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(toContext).toHaveBeenCalledTimes(1);
  });

  it('refuses a cached token once it expires', async () => {
    const { auth, toContext } = counted();
    const t = await token('HS256', SECRET, { iat: T0, exp: T0 + 10 });
    expect((await auth(request(t)))?.subject).toBe('user-1');
    vi.setSystemTime((T0 + 14) * 1000);
    expect((await auth(request(t)))?.subject).toBe('user-1');
    vi.setSystemTime((T0 + 16) * 1000);
    await expectInvalid(auth(request(t)));
    await expectInvalid(auth(request(t)));
    expect(toContext).toHaveBeenCalledTimes(1);
  });

  it('re-checks maxTokenAge on every cache hit', async () => {
    const { auth } = counted({ maxTokenAge: 60 });
    const t = await token('HS256', SECRET, { iat: T0, exp: T0 + 3600 });
    expect((await auth(request(t)))?.subject).toBe('user-1');
    vi.setSystemTime((T0 + 30) * 1000);
    expect((await auth(request(t)))?.subject).toBe('user-1');
    vi.setSystemTime((T0 + 100) * 1000);
    await expectInvalid(auth(request(t)));
  });

  it('refuses a cached token when the clock goes back before its iat', async () => {
    const { auth } = counted();
    const t = await token('HS256', SECRET, { iat: T0, exp: T0 + 600 });
    await auth(request(t));
    vi.setSystemTime((T0 - 600) * 1000);
    await expectInvalid(auth(request(t)));
  });

  it('does not let a cached token vouch for a tampered copy of it', async () => {
    const { auth } = counted();
    const t = await token('HS256', SECRET, { iat: T0, exp: T0 + 600 });
    await auth(request(t));
    const last = t.at(-1)!;
    await expectInvalid(auth(request(t.slice(0, -1) + (last === 'A' ? 'B' : 'A'))));
    await expectInvalid(auth(request(`${t}=`)));
  });

  it('verifies every request afresh with cache: false', async () => {
    const { auth, toContext } = counted({ cache: false });
    const t = await token('HS256', SECRET, { iat: T0, exp: T0 + 600 });
    await auth(request(t));
    await auth(request(t));
    expect(toContext).toHaveBeenCalledTimes(2);
  });

  it('evicts the least recently used token beyond max', async () => {
    const { auth, toContext } = counted({ cache: { max: 2 } });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => token('HS256', SECRET, { sub, iat: T0, exp: T0 + 600 })));
    await auth(request(a!));
    await auth(request(b!));
    await auth(request(a!)); // a is now the most recently used
    await auth(request(c!)); // evicts b
    expect(toContext).toHaveBeenCalledTimes(3);
    await auth(request(a!));
    expect(toContext).toHaveBeenCalledTimes(3);
    await auth(request(b!));
    expect(toContext).toHaveBeenCalledTimes(4);
  });

  it('caches asymmetric verdicts too', async () => {
    const toContext = vi.fn(() => new AuthContext({ subject: 'es' }));
    const auth = jwt({ algorithms: ['ES256'], key: P256.pem, toContext });
    const t = await token('ES256', P256.privateKey, { iat: T0, exp: T0 + 600 });
    await auth(request(t));
    await auth(request(t));
    expect(toContext).toHaveBeenCalledTimes(1);
  });
});

describe('jwt revoked hook', () => {
  it('is consulted on every request, cache hits included', async () => {
    let revoke = false;
    const revoked = vi.fn(() => revoke);
    const { auth, toContext } = counted({ revoked });
    const t = await token('HS256', SECRET, { iat: T0, exp: T0 + 600, jti: 'j-1' });
    expect((await auth(request(t)))?.subject).toBe('user-1');
    expect((await auth(request(t)))?.subject).toBe('user-1');
    revoke = true;
    await expectInvalid(auth(request(t)));
    expect(revoked).toHaveBeenCalledTimes(3);
    expect(toContext).toHaveBeenCalledTimes(1);
    expect(revoked.mock.calls[2]).toEqual([expect.objectContaining({ jti: 'j-1' }), expect.objectContaining({ alg: 'HS256' })]);
  });

  it('may be async', async () => {
    const { auth } = counted({ revoked: async (claims) => claims.jti === 'bad' });
    expect((await auth(request(await token('HS256', SECRET, { jti: 'good' }))))?.subject).toBe('user-1');
    await expectInvalid(auth(request(await token('HS256', SECRET, { jti: 'bad' }))));
  });

  it.each([
    ['undefined', undefined],
    ['0', 0],
    ['a string', 'no'],
  ])('refuses the token when the hook returns %s instead of false', async (_label, value) => {
    const { auth } = counted({ revoked: () => value as unknown as boolean });
    await expectInvalid(auth(request(await token('HS256', SECRET))));
  });

  it('lets an HTTPError thrown by the hook through', async () => {
    const { auth } = counted({
      revoked: () => {
        throw new HTTPError('Revocation list unavailable', { status: 503 });
      },
    });
    await expect(auth(request(await token('HS256', SECRET)))).rejects.toMatchObject({ status: 503 });
  });

  it('is not consulted for a token that fails verification', async () => {
    const revoked = vi.fn(() => false);
    const { auth } = counted({ revoked });
    await expectInvalid(auth(request(await token('HS256', 'y'.repeat(40)))));
    expect(revoked).not.toHaveBeenCalled();
  });
});
