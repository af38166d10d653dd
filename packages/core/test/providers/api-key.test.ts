import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { AuthContext } from '../../src/context.js';
import { HTTPError, ImproperlyConfigured, InvalidRequest, InvalidToken } from '../../src/errors.js';
import { generateApiKey, hashApiKey } from '../../src/providers/api-key/generate.js';
import { apiKey, type ApiKeyOptions } from '../../src/providers/api-key/provider.js';
import { transportsOf } from '../../src/providers/credentials.js';
import { AuthRequest, type HeadersInput, type RequestSource } from '../../src/request.js';

const KEY = 'sk_test_0123456789abcdefABCDEF';
const WS_KEY = 'sk_ws_0123456789abcdefABCDEFGH';
const OTHER = 'sk_test_0123456789abcdefABCDEG';

function req(headers: HeadersInput = {}, query = '', source: RequestSource = 'http'): AuthRequest {
  return new AuthRequest({ method: 'GET', path: '/', headers, query, context: { source } });
}

const basic: ApiKeyOptions = {
  keys: [{ key: KEY, subject: 'svc-billing', id: 'billing-key', roles: ['service'], permissions: ['invoice:read'], scopes: ['read'], metadata: { team: 'billing' } }],
};

describe('apiKey configuration', () => {
  it.each<[string, unknown, RegExp]>([
    ['no keys and no verify', {}, /exactly one of option 'keys' or option 'verify'/],
    ['both keys and verify', { keys: [{ key: KEY, subject: 's' }], verify: async () => null }, /exactly one/],
    ['an empty key list', { keys: [] }, /option 'keys' .*at least one key/],
    ['a per-surface object with no surface', { keys: {} }, /lists no surface/],
    ['a per-surface empty list', { keys: { http: [] } }, /keys\.http/],
    ['an unknown surface', { keys: { grpc: [{ key: KEY, subject: 's' }] } }, /keys/],
    ['a key shorter than 16 characters', { keys: [{ key: 'short-key', subject: 's' }] }, /keys\.0\.key.*at least 16/],
    ['a key with a space', { keys: [{ key: 'sk test 0123456789abcdef', subject: 's' }] }, /keys\.0\.key.*visible ASCII/],
    ['a key with non-ASCII characters', { keys: [{ key: 'sk_tést_0123456789abcdef', subject: 's' }] }, /visible ASCII/],
    ['a malformed hash', { keys: [{ hash: 'sha256:XYZ', subject: 's' }] }, /keys\.0\.hash/],
    ['an entry with key and hash', { keys: [{ key: KEY, hash: hashApiKey(KEY), subject: 's' }] }, /exactly one of key or hash/],
    ['an entry with neither key nor hash', { keys: [{ subject: 's' }] }, /exactly one of key or hash/],
    ['an entry without subject', { keys: [{ key: KEY }] }, /keys\.0\.subject/],
    ['an entry with an empty role', { keys: [{ key: KEY, subject: 's', roles: [''] }] }, /keys\.0\.roles/],
    ['an entry with an unknown field', { keys: [{ key: KEY, subject: 's', role: 'x' }] }, /unknown key/],
    ['an unknown option', { ...basic, headers: 'x' }, /unknown key/],
    ['verify that is not a function', { verify: 'yes' }, /verify/],
    ['header named authorization', { ...basic, header: 'Authorization' }, /use option 'bearer'/],
    ['an invalid header name', { ...basic, header: 'x api key' }, /option 'header'/],
    ['no transport at all', { ...basic, header: false }, /no transport/],
    ['prefix without bearer or query', { ...basic, prefix: 'sk_' }, /prefix/],
    ['an empty prefix', { ...basic, bearer: true, prefix: '' }, /prefix/],
    ['a bad query option', { ...basic, query: { param: '' } }, /query/],
    ['a default user id its own pattern refuses', { ...basic, publicUsers: { defaultUserId: 'a b' } }, /publicUsers\.defaultUserId/],
    ['a publicUsers maxLength of 0', { ...basic, publicUsers: { maxLength: 0 } }, /publicUsers\.maxLength/],
    ['a publicUsers pattern that is not a RegExp', { ...basic, publicUsers: { pattern: '^a$' } }, /publicUsers\.pattern/],
  ])('rejects %s', (_label, options, message) => {
    expect(() => apiKey(options as ApiKeyOptions)).toThrow(ImproperlyConfigured);
    expect(() => apiKey(options as ApiKeyOptions)).toThrow(message);
  });

  it('rejects the same key configured twice, without naming it', () => {
    const build = () => apiKey({ keys: [{ key: KEY, subject: 'a' }, { hash: hashApiKey(KEY), subject: 'b' }] });
    expect(build).toThrow(/keys'\[1\] repeats a key/);
    try {
      build();
    } catch (error) {
      expect((error as Error).message).not.toContain(KEY);
    }
  });

  it('rejects invalid identity metadata at construction, not on a request', () => {
    expect(() => apiKey({ keys: [{ key: KEY, subject: 's', metadata: { n: Number.NaN } }] })).toThrow(ImproperlyConfigured);
  });

  it('never puts a configured key in an error message', () => {
    const secret = 'short-secret';
    try {
      apiKey({ keys: [{ key: secret, subject: 's' }] });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });
});

describe('apiKey from the x-api-key header', () => {
  const auth = apiKey(basic);

  it('authenticates a configured key with its identity', async () => {
    const ctx = await auth(req({ 'x-api-key': KEY }));
    expect(ctx).toBeInstanceOf(AuthContext);
    expect(ctx).toMatchObject({ subject: 'svc-billing', roles: ['service'], permissions: ['invoice:read'], scopes: ['read'], method: 'api_key' });
    expect(ctx?.metadata).toEqual({ team: 'billing', apiKeyId: 'billing-key' });
  });

  it('defaults the key id to the subject', async () => {
    const ctx = await apiKey({ keys: [{ key: KEY, subject: 'svc' }] })(req({ 'x-api-key': KEY }));
    expect(ctx?.metadata.apiKeyId).toBe('svc');
  });

  it('accepts a key configured by its stored hash', async () => {
    const generated = generateApiKey({ prefix: 'sk_live' });
    const ctx = await apiKey({ keys: [{ hash: generated.hash, subject: 'svc' }] })(req({ 'x-api-key': generated.key }));
    expect(ctx?.subject).toBe('svc');
  });

  it('picks the identity of the matching key among several', async () => {
    const both = apiKey({ keys: [{ key: KEY, subject: 'one' }, { key: OTHER, subject: 'two' }] });
    expect((await both(req({ 'x-api-key': OTHER })))?.subject).toBe('two');
    expect((await both(req({ 'x-api-key': KEY })))?.subject).toBe('one');
  });

  it('trims surrounding whitespace from the header value', async () => {
    expect((await auth(req({ 'x-api-key': `  ${KEY} ` })))?.subject).toBe('svc-billing');
  });

  it('resolves null when no key is sent', async () => {
    expect(await auth(req())).toBeNull();
  });

  it('rejects an unknown key with 401 invalid_token', async () => {
    await expect(auth(req({ 'x-api-key': 'sk_test_nope_nope_nope_nope' }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects a key that differs only in its last character', async () => {
    await expect(auth(req({ 'x-api-key': OTHER }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects a prefix of a valid key', async () => {
    await expect(auth(req({ 'x-api-key': KEY.slice(0, -1) }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects a key with a suffix appended', async () => {
    await expect(auth(req({ 'x-api-key': KEY + 'x' }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects an empty header value', async () => {
    await expect(auth(req({ 'x-api-key': '' }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects an over-long key without hashing it', async () => {
    await expect(auth(req({ 'x-api-key': 'k'.repeat(1025) }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects a key with inner whitespace', async () => {
    await expect(auth(req({ 'x-api-key': `${KEY} ${KEY}` }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects a repeated x-api-key header with 400', async () => {
    await expect(auth(req([['x-api-key', KEY], ['x-api-key', KEY]]))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('does not read Authorization: Bearer unless enabled', async () => {
    expect(await auth(req({ authorization: `Bearer ${KEY}` }))).toBeNull();
  });

  it('does not read the query string unless enabled, even on WebSocket upgrades', async () => {
    expect(await auth(req({}, `token=${KEY}`, 'websocket'))).toBeNull();
    expect(await auth(req({}, `token=${KEY}`))).toBeNull();
  });

  it('reads a custom header', async () => {
    const custom = apiKey({ ...basic, header: 'X-Cat-Key' });
    expect((await custom(req({ 'x-cat-key': KEY })))?.subject).toBe('svc-billing');
    expect(await custom(req({ 'x-api-key': KEY }))).toBeNull();
  });

  it('never puts the presented key in the error', async () => {
    const error = await auth(req({ 'x-api-key': OTHER })).catch((e: unknown) => e);
    expect(JSON.stringify(error)).not.toContain(OTHER);
    expect(String((error as HTTPError).message)).not.toContain(OTHER);
    expect(inspect(error)).not.toContain(OTHER);
  });
});

describe('apiKey from Authorization: Bearer', () => {
  const auth = apiKey({ ...basic, bearer: true });

  it('authenticates a Bearer key', async () => {
    expect((await auth(req({ authorization: `Bearer ${KEY}` })))?.subject).toBe('svc-billing');
  });

  it('rejects an unknown Bearer key with 401', async () => {
    await expect(auth(req({ authorization: `Bearer ${OTHER}` }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('rejects a malformed Bearer credential with 401', async () => {
    await expect(auth(req({ authorization: 'Bearer a b' }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('leaves another scheme to other providers', async () => {
    expect(await auth(req({ authorization: 'Basic dXNlcjpwYXNz' }))).toBeNull();
  });

  it('rejects x-api-key together with Authorization: Bearer with 400', async () => {
    await expect(auth(req({ 'x-api-key': KEY, authorization: `Bearer ${KEY}` }))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('rejects x-api-key together with another Authorization scheme with 400', async () => {
    await expect(auth(req({ 'x-api-key': KEY, authorization: 'Basic dXNlcjpwYXNz' }))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('reads only Bearer when the header is disabled', async () => {
    const bearerOnly = apiKey({ ...basic, bearer: true, header: false });
    expect(await bearerOnly(req({ 'x-api-key': KEY }))).toBeNull();
    expect((await bearerOnly(req({ authorization: `Bearer ${KEY}` })))?.subject).toBe('svc-billing');
  });
});

describe('apiKey prefix on shared transports', () => {
  const auth = apiKey({ ...basic, bearer: true, query: true, prefix: ['sk_test_', 'sk_live_'] });

  it('leaves a Bearer token without the prefix to the next provider', async () => {
    expect(await auth(req({ authorization: 'Bearer eyJhbGciOi.eyJzdWIi.sig' }))).toBeNull();
  });

  it('leaves a query token without the prefix to the next provider', async () => {
    expect(await auth(req({}, 'token=eyJhbGciOi.eyJzdWIi.sig', 'websocket'))).toBeNull();
  });

  it('rejects an unknown Bearer token with the prefix', async () => {
    await expect(auth(req({ authorization: 'Bearer sk_live_unknown_unknown_unknown' }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('still rejects an unprefixed value in its own header', async () => {
    await expect(auth(req({ 'x-api-key': 'no-prefix-no-prefix-no-prefix' }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('accepts a prefixed key', async () => {
    expect((await auth(req({ authorization: `Bearer ${KEY}` })))?.subject).toBe('svc-billing');
  });
});

describe('apiKey from the query string', () => {
  it('reads ?token= on WebSocket upgrades when enabled', async () => {
    const auth = apiKey({ ...basic, query: true });
    expect((await auth(req({}, `token=${KEY}`, 'websocket')))?.subject).toBe('svc-billing');
  });

  it('ignores ?token= on plain HTTP unless onHttp', async () => {
    const auth = apiKey({ ...basic, query: true });
    expect(await auth(req({}, `token=${KEY}`))).toBeNull();
  });

  it('reads the query on plain HTTP with onHttp', async () => {
    const auth = apiKey({ ...basic, query: { onHttp: true } });
    expect((await auth(req({}, `token=${KEY}`)))?.subject).toBe('svc-billing');
  });

  it('reads a custom parameter', async () => {
    const auth = apiKey({ ...basic, query: { param: 'api_key' } });
    expect((await auth(req({}, `api_key=${KEY}`, 'websocket')))?.subject).toBe('svc-billing');
  });

  it('rejects a repeated parameter with 400', async () => {
    const auth = apiKey({ ...basic, query: true });
    await expect(auth(req({}, `token=${KEY}&token=${KEY}`, 'websocket'))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('rejects header and query together with 400', async () => {
    const auth = apiKey({ ...basic, query: true });
    await expect(auth(req({ 'x-api-key': KEY }, `token=${KEY}`, 'websocket'))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('rejects Authorization and query together with 400', async () => {
    const auth = apiKey({ ...basic, bearer: true, query: true });
    await expect(auth(req({ authorization: `Bearer ${KEY}` }, `token=${KEY}`, 'websocket'))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('rejects a malformed query token with 401', async () => {
    const auth = apiKey({ ...basic, query: true });
    await expect(auth(req({}, 'token=a%20b', 'websocket'))).rejects.toBeInstanceOf(InvalidToken);
  });
});

describe('apiKey surfaces (HTTP vs WebSocket)', () => {
  const auth = apiKey({ keys: { http: [{ key: KEY, subject: 'http-client' }], websocket: [{ key: WS_KEY, subject: 'ws-client' }] }, query: true });

  it('accepts the HTTP key over HTTP', async () => {
    expect((await auth(req({ 'x-api-key': KEY })))?.subject).toBe('http-client');
  });

  it('refuses the HTTP key on a WebSocket upgrade', async () => {
    await expect(auth(req({}, `token=${KEY}`, 'websocket'))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('accepts the WebSocket key on a WebSocket upgrade', async () => {
    expect((await auth(req({}, `token=${WS_KEY}`, 'websocket')))?.subject).toBe('ws-client');
  });

  it('refuses the WebSocket key over HTTP', async () => {
    await expect(auth(req({ 'x-api-key': WS_KEY }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('refuses every key on a surface without a key set', async () => {
    await expect(auth(req({ 'x-api-key': KEY }, '', 'mcp'))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('applies a plain key list to every surface', async () => {
    const all = apiKey({ ...basic, query: true });
    for (const source of ['http', 'mcp', 'cli'] as const) expect((await all(req({ 'x-api-key': KEY }, '', source)))?.subject).toBe('svc-billing');
    expect((await all(req({}, `token=${KEY}`, 'websocket')))?.subject).toBe('svc-billing');
  });
});

describe('apiKey public users', () => {
  const auth = apiKey({ ...basic, query: true, publicUsers: true });

  it('takes the subject from the user_id header and keeps the key identity apart', async () => {
    const ctx = await auth(req({ 'x-api-key': KEY, user_id: 'caterpillar_123456' }));
    expect(ctx?.subject).toBe('caterpillar_123456');
    expect(ctx?.roles).toEqual(['service']);
    expect(ctx?.metadata).toMatchObject({ apiKeyId: 'billing-key', apiKeySubject: 'svc-billing' });
    expect(ctx?.method).toBe('api_key');
  });

  it('defaults the subject to "user" when no user id is sent', async () => {
    expect((await auth(req({ 'x-api-key': KEY })))?.subject).toBe('user');
  });

  it('reads the user id from the query on WebSocket upgrades', async () => {
    expect((await auth(req({}, `token=${KEY}&user_id=cat_1`, 'websocket')))?.subject).toBe('cat_1');
  });

  it('ignores a user id in the query on plain HTTP', async () => {
    expect((await auth(req({ 'x-api-key': KEY }, 'user_id=cat_1')))?.subject).toBe('user');
  });

  it('rejects a user id sent by header and query with 400', async () => {
    await expect(auth(req({ user_id: 'a' }, `token=${KEY}&user_id=b`, 'websocket'))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('rejects a repeated user_id header with 400', async () => {
    await expect(auth(req([['x-api-key', KEY], ['user_id', 'a'], ['user_id', 'b']]))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('rejects a user id longer than maxLength with 400', async () => {
    await expect(auth(req({ 'x-api-key': KEY, user_id: 'u'.repeat(129) }))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('rejects an empty user id with 400', async () => {
    await expect(auth(req({ 'x-api-key': KEY, user_id: '' }))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it.each(['a b', 'a/b', '../admin', 'a\tb', 'é'])('rejects the unsafe user id %j with 400', async (userId) => {
    await expect(auth(req({ 'x-api-key': KEY, user_id: userId }))).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('checks the key before the user id', async () => {
    await expect(auth(req({ 'x-api-key': OTHER, user_id: 'a b' }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('honours custom header, default, length and pattern (a global RegExp stays stateless)', async () => {
    const custom = apiKey({ ...basic, publicUsers: { header: 'X-User', defaultUserId: 'guest', maxLength: 5, pattern: /^[a-z]+$/g } });
    expect((await custom(req({ 'x-api-key': KEY })))?.subject).toBe('guest');
    expect((await custom(req({ 'x-api-key': KEY, 'x-user': 'abcd' })))?.subject).toBe('abcd');
    expect((await custom(req({ 'x-api-key': KEY, 'x-user': 'abcd' })))?.subject).toBe('abcd');
    await expect(custom(req({ 'x-api-key': KEY, 'x-user': 'abcdef' }))).rejects.toBeInstanceOf(InvalidRequest);
    await expect(custom(req({ 'x-api-key': KEY, 'x-user': 'AB' }))).rejects.toBeInstanceOf(InvalidRequest);
  });
});

describe('apiKey verify callback', () => {
  it('hands the key and request to verify and returns its context', async () => {
    const verify = vi.fn(async (key: string, r: AuthRequest) => (key === KEY && r.path === '/' ? new AuthContext({ subject: 'db-user' }) : null));
    const auth = apiKey({ verify });
    const request = req({ 'x-api-key': KEY });
    expect((await auth(request))?.subject).toBe('db-user');
    expect(verify).toHaveBeenCalledWith(KEY, request);
  });

  it('turns a null verdict into 401', async () => {
    await expect(apiKey({ verify: async () => null })(req({ 'x-api-key': KEY }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('does not call verify when no key is sent', async () => {
    const verify = vi.fn(async () => null);
    expect(await apiKey({ verify })(req())).toBeNull();
    expect(verify).not.toHaveBeenCalled();
  });

  it('does not call verify with an implausible key', async () => {
    const verify = vi.fn(async () => new AuthContext({ subject: 'x' }));
    await expect(apiKey({ verify })(req({ 'x-api-key': 'k'.repeat(2000) }))).rejects.toBeInstanceOf(InvalidToken);
    expect(verify).not.toHaveBeenCalled();
  });

  it('refuses a look-alike context from verify', async () => {
    const auth = apiKey({ verify: async () => ({ subject: 'admin' }) as unknown as AuthContext });
    await expect(auth(req({ 'x-api-key': KEY }))).rejects.toBeInstanceOf(TypeError);
  });

  it('lets an error from verify propagate', async () => {
    const auth = apiKey({ verify: async () => { throw new HTTPError('down', { status: 503 }); } });
    await expect(auth(req({ 'x-api-key': KEY }))).rejects.toMatchObject({ status: 503 });
  });

  it('applies public users to a verified context', async () => {
    const auth = apiKey({ verify: async () => new AuthContext({ subject: 'tenant', roles: ['r'] }), publicUsers: true });
    const ctx = await auth(req({ 'x-api-key': KEY, user_id: 'u1' }));
    expect(ctx).toMatchObject({ subject: 'u1', roles: ['r'], metadata: { apiKeySubject: 'tenant' } });
  });
});

describe('apiKey keeps keys out of output', () => {
  const auth = apiKey({ ...basic, bearer: true });

  it('shows no key in util.inspect', () => {
    expect(inspect(auth, { showHidden: true })).not.toContain(KEY);
    expect(inspect(auth)).toContain('apiKey');
  });

  it('shows no key in JSON.stringify', () => {
    const json = JSON.stringify({ auth });
    expect(json).not.toContain(KEY);
    expect(JSON.parse(json)).toEqual({ auth: { type: 'apiKey', keys: 1, header: 'x-api-key', bearer: true, query: false, publicUsers: false } });
  });

  it('shows no key in String()', () => {
    expect(String(auth)).not.toContain(KEY);
  });

  it('declares the transports it reads', () => {
    expect(transportsOf(apiKey({ ...basic, bearer: true, query: { param: 'k', onHttp: true } }))).toEqual([
      { header: 'x-api-key' },
      { header: 'authorization' },
      { query: 'k', onHttp: true },
    ]);
  });
});

describe('generateApiKey', () => {
  it('produces <prefix>_<43 base62 characters>', () => {
    const generated = generateApiKey({ prefix: 'sk_live' });
    expect(generated.key).toMatch(/^sk_live_[0-9A-Za-z]{43}$/);
    expect(generated.prefix).toBe('sk_live');
  });

  it('defaults the prefix to sk', () => {
    expect(generateApiKey().key).toMatch(/^sk_[0-9A-Za-z]{43}$/);
  });

  it('produces a different key each time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey().key));
    expect(keys.size).toBe(50);
  });

  it('uses the whole base62 alphabet', () => {
    const chars = new Set(Array.from({ length: 200 }, () => generateApiKey().key.slice(3)).join(''));
    expect(chars.size).toBe(62);
  });

  it('carries the SHA-256 of the key for storage', () => {
    const generated = generateApiKey();
    expect(generated.hash).toBe('sha256:' + createHash('sha256').update(generated.key).digest('hex'));
    expect(hashApiKey(generated.key)).toBe(generated.hash);
  });

  it('shows only the prefix when printed, logged or serialised', () => {
    const generated = generateApiKey({ prefix: 'cat' });
    const secretPart = generated.key.slice(4);
    expect(String(generated)).toBe('cat_****');
    expect(`${generated}`).toBe('cat_****');
    expect(JSON.stringify(generated)).toBe(JSON.stringify({ prefix: 'cat', hash: generated.hash }));
    expect(inspect(generated, { showHidden: true })).not.toContain(secretPart);
    expect(Object.keys(generated)).not.toContain('key');
    expect(JSON.stringify({ ...generated })).not.toContain(secretPart);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(generateApiKey())).toBe(true);
  });

  it.each(['', 'sk live', 'sk__live', '_sk', 'sk_', '1sk', 'a'.repeat(33), 'sk-live'])('rejects the prefix %j', (prefix) => {
    expect(() => generateApiKey({ prefix })).toThrow(ImproperlyConfigured);
  });

  it('rejects unknown options', () => {
    expect(() => generateApiKey({ prefx: 'sk' } as unknown as { prefix: string })).toThrow(/unknown key/);
  });

  it('rejects an empty key in hashApiKey', () => {
    expect(() => hashApiKey('')).toThrow(TypeError);
  });
});
