import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { AuthContext } from '../../src/context.js';
import { crypto } from '../../src/crypto/backend.js';
import { HTTPError, InvalidRequest } from '../../src/errors.js';
import { createAuth } from '../../src/policy.js';
import { jwt, type JwtOptions } from '../../src/providers/jwt/index.js';
import { AuthRequest } from '../../src/request.js';
import { ed25519, otherP256, OTHER_SECRET, p256, p384, rsa, rsaPssPublicKey, SECRET } from './helpers/jwt-keys.js';
import { expectInvalid, request, token } from './helpers/jwt-tokens.js';

const [RSA, P256, OTHER_P256, P384, ED25519] = await Promise.all([rsa(), p256(), otherP256(), p384(), ed25519()]);
const RSA_PSS_BOUND = { ...RSA, publicKey: await rsaPssPublicKey() };

describe('jwt backends', () => {
  it('verifies synchronously on node:crypto in the node project and through jose in the portable one', () => {
    const backend = crypto();
    expect(['node', 'portable']).toContain(backend.name);
    expect(backend.jwsKey !== undefined).toBe(backend.name === 'node');
  });

  it.each([
    ['HS256', { secret: SECRET }, SECRET],
    ['ES256', { key: P256.pem }, P256.privateKey],
    ['RS256', { jwks: { keys: [RSA.jwk] } }, RSA.privateKey],
  ] as const)('imports the %s key once, never per request', async (alg, source, signingKey) => {
    const auth = jwt({ algorithms: [alg], ...source, cache: false } as JwtOptions);
    // Signed beforehand: jose's signing imports its key on every call.
    const tokens = await Promise.all([1, 2, 3, 4].map((n) => token(alg, signingKey, { jti: String(n) })));
    expect((await auth(request(tokens[0]!)))?.subject).toBe('user-1');
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    try {
      for (const t of tokens) expect((await auth(request(t)))?.subject).toBe('user-1');
      expect(importKey).not.toHaveBeenCalled();
    } finally {
      importKey.mockRestore();
    }
  });
});

describe('jwt happy paths', () => {
  it.each(['HS256', 'HS384', 'HS512'] as const)('accepts an %s token signed with the secret', async (alg) => {
    const auth = jwt({ algorithms: [alg], secret: SECRET });
    const ctx = await auth(request(await token(alg, SECRET)));
    expect(ctx).toBeInstanceOf(AuthContext);
    expect(ctx?.subject).toBe('user-1');
    expect(ctx?.method).toBe('jwt');
  });

  it('accepts a secret given as bytes', async () => {
    const bytes = new TextEncoder().encode(SECRET);
    const auth = jwt({ algorithms: ['HS256'], secret: bytes });
    expect((await auth(request(await token('HS256', SECRET))))?.subject).toBe('user-1');
  });

  it.each([
    ['RS256', RSA],
    ['RS384', RSA],
    ['RS512', RSA],
    ['PS256', RSA],
    ['PS384', RSA],
    ['PS512', RSA],
    ['ES256', P256],
    ['ES384', P384],
    ['EdDSA', ED25519],
  ] as const)('accepts an %s token verified with a PEM public key', async (alg, pair) => {
    const auth = jwt({ algorithms: [alg], key: pair.pem });
    expect((await auth(request(await token(alg, pair.privateKey))))?.subject).toBe('user-1');
  });

  it.each([
    ['RS256', RSA],
    ['PS256', RSA],
    ['ES256', P256],
    ['EdDSA', ED25519],
  ] as const)('accepts an %s token verified with a JWK public key', async (alg, pair) => {
    const auth = jwt({ algorithms: [alg], key: pair.jwk });
    expect((await auth(request(await token(alg, pair.privateKey))))?.subject).toBe('user-1');
  });

  it.each([
    ['RS256', RSA],
    ['PS256', RSA_PSS_BOUND],
    ['ES256', P256],
    ['EdDSA', ED25519],
  ] as const)('accepts an %s token verified with a CryptoKey', async (alg, pair) => {
    const auth = jwt({ algorithms: [alg], key: pair.publicKey });
    expect((await auth(request(await token(alg, pair.privateKey))))?.subject).toBe('user-1');
  });

  it('accepts the Ed25519 algorithm name (RFC 9864) for an Ed25519 key', async () => {
    const auth = jwt({ algorithms: ['Ed25519'], key: ED25519.pem });
    expect((await auth(request(await token('Ed25519', ED25519.privateKey))))?.subject).toBe('user-1');
  });

  it('picks the local JWKS key by kid', async () => {
    const auth = jwt({
      algorithms: ['ES256', 'RS256'],
      jwks: { keys: [{ ...P256.jwk, kid: 'a' }, { ...OTHER_P256.jwk, kid: 'b' }, { ...RSA.jwk, kid: 'c' }] },
    });
    expect((await auth(request(await token('ES256', OTHER_P256.privateKey, {}, { kid: 'b' }))))?.subject).toBe('user-1');
    expect((await auth(request(await token('ES256', P256.privateKey, {}, { kid: 'a' }))))?.subject).toBe('user-1');
    expect((await auth(request(await token('RS256', RSA.privateKey, {}, { kid: 'c' }))))?.subject).toBe('user-1');
  });

  it('uses the only key of a local JWKS for a token without kid', async () => {
    const auth = jwt({ algorithms: ['ES256'], jwks: { keys: [{ ...P256.jwk, kid: 'a' }] } });
    expect((await auth(request(await token('ES256', P256.privateKey))))?.subject).toBe('user-1');
  });

  it('skips encryption keys in a local JWKS', async () => {
    const auth = jwt({ algorithms: ['ES256'], jwks: { keys: [{ ...OTHER_P256.jwk, use: 'enc' }, { ...P256.jwk, use: 'sig' }] } });
    expect((await auth(request(await token('ES256', P256.privateKey))))?.subject).toBe('user-1');
  });

  it('reads the token from ?token= on WebSocket upgrades', async () => {
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET });
    const t = await token('HS256', SECRET);
    const ws = new AuthRequest({ method: 'GET', path: '/ws', query: { token: t }, context: { source: 'websocket' } });
    expect((await auth(ws))?.subject).toBe('user-1');
  });

  it('works as the authenticate hook of a policy', async () => {
    const policy = createAuth({ authenticate: jwt({ algorithms: ['HS256'], secret: SECRET }), logger: false });
    expect((await policy.authenticate(request(await token('HS256', SECRET))))?.subject).toBe('user-1');
    await expect(policy.authenticate(request(await token('HS256', OTHER_SECRET)))).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
  });
});

describe('jwt without a bearer token', () => {
  const auth = jwt({ algorithms: ['HS256'], secret: SECRET });

  it('returns null when there is no Authorization header', async () => {
    expect(await auth(request(null))).toBeNull();
  });

  it('returns null for another scheme', async () => {
    const req = new AuthRequest({ method: 'GET', path: '/', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(await auth(req)).toBeNull();
  });

  it('ignores ?token= on plain HTTP requests', async () => {
    const req = new AuthRequest({ method: 'GET', path: '/', query: { token: await token('HS256', SECRET) } });
    expect(await auth(req)).toBeNull();
  });

  it('answers 400 when a token comes by header and query on a WebSocket upgrade', async () => {
    const t = await token('HS256', SECRET);
    const req = new AuthRequest({ method: 'GET', path: '/', headers: { authorization: `Bearer ${t}` }, query: { token: t }, context: { source: 'websocket' } });
    await expect(auth(req)).rejects.toBeInstanceOf(InvalidRequest);
  });
});

describe('jwt claims mapping', () => {
  it('maps roles, permissions, space-delimited scope and registered claims', async () => {
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET });
    const ctx = await auth(
      request(await token('HS256', SECRET, { roles: ['admin'], permissions: ['memory:read'], scope: 'read  write', iss: 'https://i', aud: 'api', jti: 'j1' })),
    );
    expect(ctx?.roles).toEqual(['admin']);
    expect(ctx?.permissions).toEqual(['memory:read']);
    expect(ctx?.scopes).toEqual(['read', 'write']);
    expect(ctx?.metadata).toMatchObject({ iss: 'https://i', aud: 'api', jti: 'j1' });
    expect(Object.isFrozen(ctx)).toBe(true);
  });

  it('reads scopes from an scp array when there is no scope claim', async () => {
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET });
    const ctx = await auth(request(await token('HS256', SECRET, { scp: ['a', 'b'] })));
    expect(ctx?.scopes).toEqual(['a', 'b']);
  });

  it('reads roles from a configured nested claim path', async () => {
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET, claims: { roles: ['realm_access', 'roles'], permissions: 'perms', scopes: 'scopes' } });
    const ctx = await auth(request(await token('HS256', SECRET, { realm_access: { roles: ['editor'] }, perms: ['a:b'], scopes: 'x y' })));
    expect(ctx?.roles).toEqual(['editor']);
    expect(ctx?.permissions).toEqual(['a:b']);
    expect(ctx?.scopes).toEqual(['x', 'y']);
  });

  it('grants nothing from an inherited name such as constructor', async () => {
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET, claims: { roles: ['constructor', 'name'] } });
    expect((await auth(request(await token('HS256', SECRET))))?.roles).toEqual([]);
  });

  it.each([
    ['missing', { sub: undefined }],
    ['empty', { sub: '' }],
  ] as [string, { sub?: string }][])('refuses a token whose sub is %s', async (_label, claims) => {
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET });
    await expectInvalid(auth(request(await token('HS256', SECRET, claims))));
  });

  it('refuses a token whose sub is not a string', async () => {
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET, toContext: () => new AuthContext({ subject: 'x' }) });
    await expectInvalid(auth(request(await token('HS256', SECRET, { sub: 42 as unknown as string }))));
  });

  it.each([
    ['roles that are a string', { roles: 'admin' }],
    ['roles holding a number', { roles: ['admin', 1] }],
    ['permissions holding an empty string', { permissions: [''] }],
    ['an scp that is an object', { scp: { a: 1 } }],
  ])('refuses a token with %s rather than granting nothing', async (_label, claims) => {
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET });
    await expectInvalid(auth(request(await token('HS256', SECRET, claims))));
  });

  it('uses a custom toContext, given the verified claims and header', async () => {
    const auth = jwt({
      algorithms: ['HS256'],
      secret: SECRET,
      toContext: (claims, header) => new AuthContext({ subject: `${String(claims['client_id'])}@${header.alg}`, method: 'jwt' }),
    });
    expect((await auth(request(await token('HS256', SECRET, { client_id: 'svc' }))))?.subject).toBe('svc@HS256');
  });

  it('accepts an async toContext', async () => {
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET, toContext: async () => new AuthContext({ subject: 'async' }) });
    expect((await auth(request(await token('HS256', SECRET))))?.subject).toBe('async');
  });

  it('refuses the token when toContext returns null', async () => {
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET, toContext: () => null });
    await expectInvalid(auth(request(await token('HS256', SECRET))));
  });

  it('refuses the token when toContext returns a look-alike plain object', async () => {
    const auth = jwt({ algorithms: ['HS256'], secret: SECRET, toContext: () => ({ subject: 'evil' }) as unknown as AuthContext });
    await expectInvalid(auth(request(await token('HS256', SECRET))));
  });

  it('lets an HTTPError thrown by toContext choose the response', async () => {
    const auth = jwt({
      algorithms: ['HS256'],
      secret: SECRET,
      toContext: () => {
        throw new HTTPError('Account suspended', { status: 403 });
      },
    });
    await expect(auth(request(await token('HS256', SECRET)))).rejects.toMatchObject({ status: 403 });
  });

  it('hands toContext frozen claims and header', async () => {
    let frozen = false;
    const auth = jwt({
      algorithms: ['HS256'],
      secret: SECRET,
      toContext: (claims, header) => {
        frozen = Object.isFrozen(claims) && Object.isFrozen(header) && Object.isFrozen(claims['nested']);
        return new AuthContext({ subject: 'x' });
      },
    });
    await auth(request(await token('HS256', SECRET, { nested: { a: 1 } })));
    expect(frozen).toBe(true);
  });
});

describe('jwt masking', () => {
  const options: JwtOptions = { algorithms: ['HS256'], secret: SECRET, issuer: 'https://issuer' };

  it('never shows the secret in inspect or JSON', () => {
    const auth = jwt(options);
    const shown = inspect(auth, { depth: 10, showHidden: true }) + JSON.stringify(auth) + String(auth.name);
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain(SECRET.slice(-8));
    expect(JSON.parse(JSON.stringify(auth))).toEqual({ provider: 'jwt', algorithms: ['HS256'], keys: 'secret (masked)', issuer: 'https://issuer' });
  });

  it('never shows a JWKS URL query (it may hold an API key)', () => {
    const auth = jwt({ algorithms: ['ES256'], jwksUrl: 'https://issuer.example/jwks?api_key=hunter2-secret' });
    const shown = inspect(auth) + JSON.stringify(auth);
    expect(shown).not.toContain('hunter2');
    expect(shown).toContain('https://issuer.example/jwks');
  });
});
