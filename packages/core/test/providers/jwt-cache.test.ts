import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthContext } from '../../src/context.js';
import { HTTPError } from '../../src/errors.js';
import { PENDING, syncTwin } from '../../src/policy.js';
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
    await auth(request(b!)); // the cache is now full
    await auth(request(a!)); // a is now the most recently used
    await auth(request(c!)); // first sighting while full: verified, not admitted
    await auth(request(c!)); // second sighting: admitted, evicts b
    expect(toContext).toHaveBeenCalledTimes(4);
    await auth(request(a!));
    await auth(request(c!));
    expect(toContext).toHaveBeenCalledTimes(4);
    await auth(request(b!));
    expect(toContext).toHaveBeenCalledTimes(5);
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

describe('jwt verified-token cache admission', () => {
  const tokens = (prefix: string, n: number): Promise<string[]> =>
    Promise.all(Array.from({ length: n }, (_, i) => token('HS256', SECRET, { sub: `${prefix}-${i}`, iat: T0, exp: T0 + 600 })));
  const subjectsMapped = (toContext: ReturnType<typeof counted>['toContext']): string[] => toContext.mock.calls.map(([claims]) => claims.sub!);

  it('once the cache is full, caches a token from its second request on', async () => {
    const { auth, toContext } = counted({ cache: { max: 2 } });
    const [a, b, c] = await tokens('t', 3);
    await auth(request(a!));
    await auth(request(b!));
    expect(toContext).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 4; i++) await auth(request(c!));
    // Verified on its first and second sightings; a hit from the third on.
    expect(subjectsMapped(toContext)).toEqual(['t-0', 't-1', 't-2', 't-2']);
  });

  it('does not let a flood of one-off tokens evict a token in use', async () => {
    const { auth, toContext } = counted({ cache: { max: 4 } });
    const [hot, ...others] = await tokens('flood', 41);
    await auth(request(hot!));
    for (const t of others) {
      await auth(request(t));
      expect((await auth(request(hot!)))?.subject).toBe('flood-0');
    }
    // The hot token was mapped once; every one-off token once, none of them twice.
    expect(subjectsMapped(toContext).filter((sub) => sub === 'flood-0')).toHaveLength(1);
    expect(toContext).toHaveBeenCalledTimes(41);
  });

  it('still admits a token seen twice while one-off tokens stream past', async () => {
    const { auth, toContext } = counted({ cache: { max: 2 } });
    const [a, b, reused, ...others] = await tokens('mix', 13);
    await auth(request(a!));
    await auth(request(b!));
    for (const t of others) {
      await auth(request(reused!));
      await auth(request(t));
    }
    // Verified twice, then served from the cache for the other eight requests.
    expect(subjectsMapped(toContext).filter((sub) => sub === 'mix-2')).toHaveLength(2);
  });

  it('serves hits for admitted tokens from the synchronous twin as well', async () => {
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET, cache: { max: 1 } });
    const twin = syncTwin(auth)!;
    const [a, b] = await tokens('twin', 2);
    const first = await auth(request(a!)); // cached while there was room
    expect(twin(request(a!))).toBe(first);
    const once = twin(request(b!));
    const twice = twin(request(b!));
    const hit = twin(request(b!));
    if (once === PENDING) return; // the portable backend verifies asynchronously only
    expect(once).not.toBe(twice);
    expect(hit).toBe(twice);
  });
});

describe('jwt concurrent verification of one token', () => {
  // A toContext that resolves only when released, so that requests pile up behind it.
  function gated(extra: Partial<JwtOptions> = {}) {
    const waiting: (() => void)[] = [];
    const toContext = vi.fn(async (claims: { sub?: string }) => {
      await new Promise<void>((resolve) => waiting.push(resolve));
      return new AuthContext({ subject: claims.sub ?? 'none', method: 'jwt' });
    });
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET, toContext, ...extra } as JwtOptions);
    // Waits until `calls` toContext calls are held (the portable backend checks signatures off
    // the main thread), and a little longer so that any extra call would show, then lets them finish.
    const release = async (calls = 1): Promise<void> => {
      for (let i = 0; i < 400 && waiting.length < calls; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (const resolve of waiting.splice(0)) resolve();
    };
    return { auth, toContext, release };
  }

  it('shares one verification and one toContext among concurrent requests with a never-seen token', async () => {
    const { auth, toContext, release } = gated({ cache: false });
    const t = await token('HS256', SECRET, { sub: 'carol', exp: T0 + 600 });
    const results = Promise.all(Array.from({ length: 20 }, () => auth(request(t))));
    await release();
    const contexts = await results;
    expect(toContext).toHaveBeenCalledTimes(1);
    expect(new Set(contexts).size).toBe(1);
    expect(contexts[0]!.subject).toBe('carol');
    // Shared only while under way: a later request verifies afresh (the cache is off).
    const later = auth(request(t));
    await release();
    expect((await later)!.subject).toBe('carol');
    expect(toContext).toHaveBeenCalledTimes(2);
  });

  it('does not share between different tokens', async () => {
    const { auth, toContext, release } = gated();
    const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => token('HS256', SECRET, { sub, exp: T0 + 600 })));
    const results = Promise.all(tokens.map((t) => auth(request(t))));
    await release(3);
    expect((await results).map((c) => c!.subject)).toEqual(['a', 'b', 'c']);
    expect(toContext).toHaveBeenCalledTimes(3);
  });

  it('refuses every waiting request when the shared verification fails, then forgets it', async () => {
    const toContext = vi.fn(async () => {
      await Promise.resolve();
      return null;
    });
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET, toContext } as unknown as JwtOptions);
    const t = await token('HS256', SECRET, { exp: T0 + 600 });
    await Promise.all(Array.from({ length: 5 }, () => expectInvalid(auth(request(t)))));
    expect(toContext).toHaveBeenCalledTimes(1);
    await expectInvalid(auth(request(t)));
    expect(toContext).toHaveBeenCalledTimes(2);
  });

  it('refuses a token that expires while its shared verification is under way', async () => {
    const { auth, release } = gated();
    const t = await token('HS256', SECRET, { exp: T0 + 60 });
    const results = Array.from({ length: 3 }, () => expectInvalid(auth(request(t))));
    vi.setSystemTime((T0 + 120) * 1000);
    await release();
    await Promise.all(results);
  });

  it('still consults revoked for every request that shared a verification', async () => {
    const revoked = vi.fn(async (claims: { jti?: string }) => claims.jti === 'gone');
    const { auth, toContext, release } = gated({ revoked } as Partial<JwtOptions>);
    const t = await token('HS256', SECRET, { sub: 'dave', jti: 'ok', exp: T0 + 600 });
    const results = Promise.all(Array.from({ length: 4 }, () => auth(request(t))));
    await release();
    expect((await results).every((c) => c!.subject === 'dave')).toBe(true);
    expect(toContext).toHaveBeenCalledTimes(1);
    expect(revoked).toHaveBeenCalledTimes(4);
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
