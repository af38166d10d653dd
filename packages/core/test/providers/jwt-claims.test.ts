import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jwt, type JwtOptions } from '../../src/providers/jwt/index.js';
import { SECRET } from './helpers/jwt-keys.js';
import { expectInvalid, request, signRaw, token } from './helpers/jwt-tokens.js';

const T0 = Date.UTC(2030, 0, 1) / 1000;
const HS = '{"alg":"HS256"}';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0 * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

function provider(extra: Partial<JwtOptions> = {}) {
  return jwt({ algorithms: ['HS256'], secret: SECRET, cache: false, ...extra } as JwtOptions);
}
const raw = (payload: string) => request(signRaw('HS256', SECRET, HS, payload));
const ok = async (auth: ReturnType<typeof provider>, t: string) => expect((await auth(request(t)))?.subject).toBe('user-1');

describe('jwt exp', () => {
  it('refuses an expired token', async () => {
    await expectInvalid(provider()(request(await token('HS256', SECRET, { iat: T0 - 100, exp: T0 - 60 }))));
  });

  it('accepts a token expired by less than the clock tolerance (default 5 s)', async () => {
    await ok(provider(), await token('HS256', SECRET, { iat: T0 - 100, exp: T0 - 4 }));
  });

  it('refuses a token expired by exactly the clock tolerance', async () => {
    await expectInvalid(provider()(request(await token('HS256', SECRET, { iat: T0 - 100, exp: T0 - 5 }))));
  });

  it('applies a configured clock tolerance of 0', async () => {
    await expectInvalid(provider({ clockTolerance: 0 })(request(await token('HS256', SECRET, { iat: T0 - 100, exp: T0 }))));
  });

  it('refuses a token without exp by default', async () => {
    await expectInvalid(provider()(raw(JSON.stringify({ sub: 'user-1', iat: T0 }))));
  });

  it('accepts a token without exp when requireExp is false', async () => {
    expect((await provider({ requireExp: false })(raw(JSON.stringify({ sub: 'user-1' }))))?.subject).toBe('user-1');
  });

  it('refuses exp 1e400, which JSON parses to Infinity', async () => {
    await expectInvalid(provider()(raw('{"sub":"user-1","exp":1e400}')));
  });

  it('refuses exp -1e400 (-Infinity)', async () => {
    await expectInvalid(provider({ requireExp: false })(raw('{"sub":"user-1","exp":-1e400}')));
  });

  it.each([
    ['a string', `"${T0 + 60}"`],
    ['a boolean', 'true'],
    ['null', 'null'],
    ['an array', `[${T0 + 60}]`],
  ])('refuses an exp that is %s', async (_label, exp) => {
    await expectInvalid(provider()(raw(`{"sub":"user-1","exp":${exp}}`)));
  });
});

describe('jwt nbf and iat', () => {
  it('refuses a token whose nbf is in the future', async () => {
    await expectInvalid(provider()(request(await token('HS256', SECRET, { nbf: T0 + 60 }))));
  });

  it('accepts an nbf within the clock tolerance', async () => {
    await ok(provider(), await token('HS256', SECRET, { nbf: T0 + 4 }));
  });

  it('refuses nbf -1e400 (-Infinity)', async () => {
    await expectInvalid(provider()(raw(`{"sub":"user-1","exp":${T0 + 60},"nbf":-1e400}`)));
  });

  it('refuses a string nbf', async () => {
    await expectInvalid(provider()(raw(`{"sub":"user-1","exp":${T0 + 60},"nbf":"0"}`)));
  });

  it('refuses a token issued in the future', async () => {
    await expectInvalid(provider()(request(await token('HS256', SECRET, { iat: T0 + 60 }))));
  });

  it('refuses iat -1e400 (-Infinity)', async () => {
    await expectInvalid(provider()(raw(`{"sub":"user-1","exp":${T0 + 60},"iat":-1e400}`)));
  });

  it('refuses a token older than maxTokenAge', async () => {
    await expectInvalid(provider({ maxTokenAge: 60 })(request(await token('HS256', SECRET, { iat: T0 - 120 }))));
  });

  it('accepts a token younger than maxTokenAge', async () => {
    await ok(provider({ maxTokenAge: 60 }), await token('HS256', SECRET, { iat: T0 - 30 }));
  });

  it('refuses a token without iat when maxTokenAge is set', async () => {
    await expectInvalid(provider({ maxTokenAge: 60 })(raw(`{"sub":"user-1","exp":${T0 + 60}}`)));
  });
});

describe('jwt issuer and audience', () => {
  it('refuses a wrong issuer', async () => {
    await expectInvalid(provider({ issuer: 'https://good' })(request(await token('HS256', SECRET, { iss: 'https://evil' }))));
  });

  it('refuses a missing issuer when one is required', async () => {
    await expectInvalid(provider({ issuer: 'https://good' })(request(await token('HS256', SECRET))));
  });

  it('accepts any issuer of a configured list', async () => {
    await ok(provider({ issuer: ['https://a', 'https://b'] }), await token('HS256', SECRET, { iss: 'https://b' }));
  });

  it('refuses an issuer that differs only in case or a trailing slash', async () => {
    const auth = provider({ issuer: 'https://good' });
    await expectInvalid(auth(request(await token('HS256', SECRET, { iss: 'https://GOOD' }))));
    await expectInvalid(auth(request(await token('HS256', SECRET, { iss: 'https://good/' }))));
  });

  it('refuses a non-string iss even when no issuer is configured', async () => {
    await expectInvalid(provider()(raw(`{"sub":"user-1","exp":${T0 + 60},"iss":["https://good"]}`)));
  });

  it('refuses a non-string jti', async () => {
    await expectInvalid(provider()(raw(`{"sub":"user-1","exp":${T0 + 60},"jti":1}`)));
  });

  it('refuses a wrong audience', async () => {
    await expectInvalid(provider({ audience: 'api' })(request(await token('HS256', SECRET, { aud: 'other' }))));
  });

  it('refuses a missing audience when one is required', async () => {
    await expectInvalid(provider({ audience: 'api' })(request(await token('HS256', SECRET))));
  });

  it('accepts an aud array holding the audience', async () => {
    await ok(provider({ audience: 'api' }), await token('HS256', SECRET, { aud: ['other', 'api'] }));
  });

  it('accepts any audience of a configured list', async () => {
    await ok(provider({ audience: ['x', 'api'] }), await token('HS256', SECRET, { aud: 'api' }));
  });

  it('refuses an aud array holding a non-string', async () => {
    await expectInvalid(provider({ audience: 'api' })(raw(`{"sub":"user-1","exp":${T0 + 60},"aud":["api",1]}`)));
  });

  it('refuses an empty aud array', async () => {
    await expectInvalid(provider()(raw(`{"sub":"user-1","exp":${T0 + 60},"aud":[]}`)));
  });

  it('refuses an aud that is an object', async () => {
    await expectInvalid(provider({ audience: 'api' })(raw(`{"sub":"user-1","exp":${T0 + 60},"aud":{"api":true}}`)));
  });
});

describe('jwt typ', () => {
  it('refuses a typ mismatch', async () => {
    await expectInvalid(provider({ typ: 'at+jwt' })(request(await token('HS256', SECRET, {}, { typ: 'JWT' }))));
  });

  it('refuses a missing typ when one is required', async () => {
    await expectInvalid(provider({ typ: 'at+jwt' })(request(await token('HS256', SECRET))));
  });

  it('compares typ case-insensitively with application/ optional (RFC 7515)', async () => {
    await ok(provider({ typ: 'at+jwt' }), await token('HS256', SECRET, {}, { typ: 'application/AT+JWT' }));
    await ok(provider({ typ: 'application/at+jwt' }), await token('HS256', SECRET, {}, { typ: 'at+jwt' }));
  });

  it('refuses a non-string typ', async () => {
    await expectInvalid(provider()(request(signRaw('HS256', SECRET, '{"alg":"HS256","typ":1}', `{"sub":"user-1","exp":${T0 + 60}}`))));
  });

  it('accepts any typ when none is configured', async () => {
    await ok(provider(), await token('HS256', SECRET, {}, { typ: 'whatever' }));
  });
});
