import { inspect } from 'node:util';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthContext } from '../../src/context.js';
import { HTTPError, ImproperlyConfigured, InvalidToken } from '../../src/errors.js';
import { base64, base64DecodeStrict } from '../../src/providers/basic/base64.js';
import { hashPassword, parsePasswordHash, verifyPassword } from '../../src/providers/basic/password.js';
import { basic, decodeCredentials, type BasicOptions } from '../../src/providers/basic/provider.js';
import { transportsOf } from '../../src/providers/credentials.js';
import { AuthRequest } from '../../src/request.js';

// Cheap scrypt parameters keep the suite fast; the format and the comparison are what is tested.
const FAST = { cost: 4, blockSize: 8 } as const;

function req(authorization?: string): AuthRequest {
  return new AuthRequest({ method: 'GET', path: '/', headers: authorization === undefined ? {} : { authorization } });
}
function basicHeader(userPass: string | Uint8Array, scheme = 'Basic'): string {
  return `${scheme} ${Buffer.from(userPass).toString('base64')}`;
}

const accept = vi.fn(async (username: string, password: string) => (password === 'open sesame' ? new AuthContext({ subject: username, method: 'basic' }) : null));
const auth = basic({ verify: accept, realm: 'admin area' });

async function rejection(promise: Promise<unknown>): Promise<InvalidToken> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidToken);
  return error as InvalidToken;
}

describe('basic configuration', () => {
  it.each<[string, unknown, RegExp]>([
    ['neither verify nor users', {}, /exactly one of option 'verify' or option 'users'/],
    ['both verify and users', { verify: async () => null, users: {} }, /exactly one/],
    ['verify that is not a function', { verify: 'yes' }, /option 'verify'/],
    ['a realm with a quote', { verify: async () => null, realm: 'a"b' }, /option 'realm'/],
    ['a realm with a backslash', { verify: async () => null, realm: 'a\\b' }, /option 'realm'/],
    ['a realm with a control character', { verify: async () => null, realm: 'a\nb' }, /option 'realm'/],
    ['an empty realm', { verify: async () => null, realm: '' }, /option 'realm'/],
    ['an over-long realm', { verify: async () => null, realm: 'r'.repeat(129) }, /option 'realm'/],
    ['an empty users table', { users: {} }, /users' is empty/],
    ['a malformed password hash', { users: { alice: 'plaintext-password' } }, /users\.alice' is not a hashPassword/],
    ['a username with a colon', { users: { 'a:b': '$scrypt$' } }, /option 'users\.a:b'/],
    ['an unknown field on a user', { users: { alice: { passwordHash: 'x', role: 'admin' } } }, /unknown key/],
    ['an unknown option', { verify: async () => null, reaml: 'x' }, /unknown key/],
  ])('rejects %s', (_label, options, message) => {
    expect(() => basic(options as BasicOptions)).toThrow(ImproperlyConfigured);
    expect(() => basic(options as BasicOptions)).toThrow(message);
  });

  it('rejects a stored hash that demands unbounded work', () => {
    const costly = '$scrypt$ln=25,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect(() => basic({ users: { alice: costly } })).toThrow(ImproperlyConfigured);
  });

  it('rejects invalid user metadata at construction', async () => {
    const passwordHash = await hashPassword('pw', FAST);
    expect(() => basic({ users: { alice: { passwordHash, metadata: { n: Number.POSITIVE_INFINITY } } } })).toThrow(ImproperlyConfigured);
  });
});

describe('basic credential parsing (RFC 7617)', () => {
  it('authenticates through verify with username, password and request', async () => {
    accept.mockClear();
    const request = req(basicHeader('Aladdin:open sesame'));
    expect((await auth(request))?.subject).toBe('Aladdin');
    expect(accept).toHaveBeenCalledWith('Aladdin', 'open sesame', request);
  });

  it('matches the scheme case-insensitively', async () => {
    expect((await auth(req(basicHeader('Aladdin:open sesame', 'bAsIc'))))?.subject).toBe('Aladdin');
  });

  it('splits at the first colon, so passwords may contain colons', async () => {
    const verify = vi.fn(async () => null);
    await rejection(basic({ verify })(req(basicHeader('user:pa:ss:word'))));
    expect(verify).toHaveBeenCalledWith('user', 'pa:ss:word', expect.any(AuthRequest));
  });

  it('accepts an empty password', () => {
    expect(decodeCredentials(base64(new TextEncoder().encode('user:')))).toEqual({ username: 'user', password: '' });
  });

  it('decodes UTF-8 usernames and passwords', () => {
    expect(decodeCredentials(Buffer.from('jösé:pässwörd€', 'utf8').toString('base64'))).toEqual({ username: 'jösé', password: 'pässwörd€' });
  });

  it('resolves null without an Authorization header', async () => {
    expect(await auth(req())).toBeNull();
  });

  it('resolves null for another scheme', async () => {
    accept.mockClear();
    expect(await auth(req('Bearer abc'))).toBeNull();
    expect(accept).not.toHaveBeenCalled();
  });

  it('answers a wrong password with 401 and a Basic challenge', async () => {
    const error = await rejection(auth(req(basicHeader('Aladdin:wrong'))));
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_token');
    expect(error.headers['www-authenticate']).toBe('Basic realm="admin area", charset="UTF-8"');
  });

  it('uses realm "Restricted" by default', async () => {
    const error = await rejection(basic({ verify: async () => null })(req(basicHeader('a:b'))));
    expect(error.headers['www-authenticate']).toBe('Basic realm="Restricted", charset="UTF-8"');
  });

  it.each<[string, string]>([
    ['no colon', basicHeader('Aladdin')],
    ['an empty username', basicHeader(':open sesame')],
    ['empty credentials', 'Basic'],
    ['base64url characters', 'Basic ' + Buffer.from('a:b??>').toString('base64url')],
    ['missing padding', 'Basic ' + Buffer.from('a:bc').toString('base64').replace(/=+$/, '')],
    ['extra padding', 'Basic ' + Buffer.from('a:bcd').toString('base64') + '=='],
    ['whitespace inside the base64', 'Basic ' + 'QWxh ZGRpbjpvcGVuIHNlc2FtZQ=='],
    ['non-canonical unused bits', 'Basic YTpiZB=='],
    ['invalid UTF-8', basicHeader(new Uint8Array([0x61, 0x3a, 0xe9, 0x74, 0xe9]))],
    ['a NUL in the username', basicHeader('ad\u0000min:open sesame')],
    ['a tab in the username', basicHeader('ad\tmin:open sesame')],
    ['a newline in the password', basicHeader('admin:open\nsesame')],
    ['a DEL in the password', basicHeader('admin:open\u007fsesame')],
    ['over-long credentials', basicHeader('admin:' + 'p'.repeat(4000))],
  ])('answers %s with 401 without calling verify', async (_label, header) => {
    accept.mockClear();
    const error = await rejection(auth(req(header)));
    expect(error.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(accept).not.toHaveBeenCalled();
  });

  it('refuses a look-alike context from verify', async () => {
    const fake = basic({ verify: async () => ({ subject: 'root' }) as unknown as AuthContext });
    await expect(fake(req(basicHeader('a:b')))).rejects.toBeInstanceOf(TypeError);
  });

  it('lets an error from verify propagate', async () => {
    const failing = basic({ verify: async () => { throw new HTTPError('directory down', { status: 503 }); } });
    await expect(failing(req(basicHeader('a:b')))).rejects.toMatchObject({ status: 503 });
  });

  it('never puts the password in the error', async () => {
    const error = await rejection(auth(req(basicHeader('Aladdin:s3cr3t-pa55'))));
    expect(JSON.stringify(error)).not.toContain('s3cr3t-pa55');
    expect(error.message).not.toContain('s3cr3t-pa55');
    expect(inspect(error)).not.toContain('s3cr3t-pa55');
  });

  it('declares the Authorization header as its transport', () => {
    expect(transportsOf(auth)).toEqual([{ header: 'authorization' }]);
  });
});

describe('basic users table', () => {
  let aliceHash: string;
  let bobHash: string;
  let users: ReturnType<typeof basic>;

  beforeAll(async () => {
    aliceHash = await hashPassword('alice-password', FAST);
    bobHash = await hashPassword('bob-password', FAST);
    users = basic({ users: { alice: { passwordHash: aliceHash, roles: ['admin'], permissions: ['user:read'] }, bob: bobHash } });
  });

  it('authenticates a user whose password matches', async () => {
    const ctx = await users(req(basicHeader('alice:alice-password')));
    expect(ctx).toMatchObject({ subject: 'alice', roles: ['admin'], permissions: ['user:read'], method: 'basic' });
  });

  it('accepts the short form (username → hash)', async () => {
    expect((await users(req(basicHeader('bob:bob-password'))))?.subject).toBe('bob');
  });

  it('rejects a wrong password', async () => {
    await rejection(users(req(basicHeader('alice:bob-password'))));
  });

  it('rejects an unknown user', async () => {
    await rejection(users(req(basicHeader('carol:alice-password'))));
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('grants nothing to the prototype name %j', async (name) => {
    await rejection(users(req(basicHeader(`${name}:x`))));
  });

  it('matches usernames exactly', async () => {
    await rejection(users(req(basicHeader('Alice:alice-password'))));
  });

  it('shows neither hashes nor passwords in inspect or JSON', () => {
    for (const shown of [inspect(users, { showHidden: true }), JSON.stringify({ users }), String(users)]) {
      expect(shown).not.toContain(aliceHash);
      expect(shown).not.toContain('alice-password');
    }
    expect(JSON.parse(JSON.stringify(users))).toEqual({ type: 'basic', realm: 'Restricted', users: 2 });
  });
});

describe('hashPassword and verifyPassword', () => {
  it('encodes scrypt parameters, salt and hash in the PHC-style string', async () => {
    const stored = await hashPassword('pw', FAST);
    expect(stored).toMatch(/^\$scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  });

  it('defaults to ln=15, r=8, p=1', async () => {
    expect(await hashPassword('pw')).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('pw', FAST)).not.toBe(await hashPassword('pw', FAST));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse', FAST);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horsE', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('returns false for a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword('pw', 'not-a-hash')).toBe(false);
    expect(await verifyPassword('pw', undefined as unknown as string)).toBe(false);
  });

  it('refuses stored hashes that are non-canonical or out of bounds', async () => {
    const stored = await hashPassword('pw', FAST);
    expect(parsePasswordHash(stored)).not.toBeNull();
    expect(parsePasswordHash(stored.replace('ln=4', 'ln=04'))).toBeNull();
    expect(parsePasswordHash(stored.replace('ln=4', 'ln=21'))).toBeNull();
    expect(parsePasswordHash(stored.replace('r=8', 'r=33'))).toBeNull();
    expect(parsePasswordHash(stored + '=')).toBeNull();
    expect(parsePasswordHash(stored.replace('$scrypt$', '$argon2id$'))).toBeNull();
  });

  it('rejects an empty password', async () => {
    await expect(hashPassword('')).rejects.toBeInstanceOf(TypeError);
  });

  it.each([{ cost: 0 }, { cost: 21 }, { cost: 1.5 }, { blockSize: 0 }, { parallelism: 17 }, { salt: 'x' }])('rejects the option %j', async (options) => {
    await expect(hashPassword('pw', options as object)).rejects.toBeInstanceOf(ImproperlyConfigured);
  });
});

describe('strict standard base64', () => {
  it('round-trips padded and unpadded', () => {
    for (const length of [0, 1, 2, 3, 4, 5]) {
      const bytes = Uint8Array.from({ length }, (_, i) => 250 - i);
      expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64DecodeStrict(base64(bytes))).toEqual(bytes);
      expect(base64DecodeStrict(base64(bytes, false), false)).toEqual(bytes);
    }
  });

  it.each(['YQ', 'YQ=', 'YQ===', 'Y Q==', '-_8=', 'YR=='])('refuses %j when padding is required', (text) => {
    expect(base64DecodeStrict(text)).toBeNull();
  });

  it('refuses padding when unpadded input is expected', () => {
    expect(base64DecodeStrict('YQ==', false)).toBeNull();
  });
});
