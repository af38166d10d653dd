// The checks every runtime runs against one built entry of @auth/core (its exports as `core`).
// Shared by smoke.mjs (Node, Deno, Bun) and worker.mjs (workerd), so that no runtime runs a
// different list. Resolves to { passed, failed, failures }; never rejects for a failed check.
import { SignJWT, generateKeyPair, exportSPKI } from 'jose';

export async function runChecks(core) {
  const { AuthContext, AuthRequest, SignedCookieSigner, anyOf, apiKey, argumentsHash, createAuth, jwt } = core;
  let passed = 0;
  let failed = 0;
  const failures = [];
  async function check(name, fn) {
    try {
      await fn();
      passed++;
    } catch (error) {
      failed++;
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  function equal(actual, expected, what) {
    if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  const request = (headers) => new AuthRequest({ method: 'GET', path: '/me', headers });
  async function status(policy, headers) {
    try {
      return (await policy.authenticate(request(headers)))?.subject ?? null;
    } catch (error) {
      return policy.respond(error).status;
    }
  }

  const secret = 'runtime-smoke-secret-with-enough-bytes-0123456789';
  const hsKey = new TextEncoder().encode(secret);
  const now = Math.floor(Date.now() / 1000);
  const es = await generateKeyPair('ES256', { extractable: true });
  const esPem = await exportSPKI(es.publicKey);
  const serviceKey = 'svc_' + 'k'.repeat(40);
  const policy = createAuth({
    logger: false,
    authenticate: anyOf(
      jwt({ algorithms: ['HS256'], secret, issuer: 'smoke', audience: 'api' }),
      apiKey({ keys: [{ key: serviceKey, subject: 'svc' }] }),
    ),
  });
  const esPolicy = createAuth({ logger: false, authenticate: jwt({ algorithms: ['ES256'], key: esPem }) });

  await check('a key that cannot verify the algorithm, or a PEM cut short, is refused at start-up', async () => {
    const body = esPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const cut = `-----BEGIN PUBLIC KEY-----\n${body.slice(0, body.length - 12)}\n-----END PUBLIC KEY-----`;
    for (const options of [{ algorithms: ['RS256'], key: esPem }, { algorithms: ['ES256'], key: cut }]) {
      let thrown;
      try {
        jwt(options);
      } catch (error) {
        thrown = error;
      }
      equal(thrown?.name, 'ImproperlyConfigured', `error for ${options.algorithms[0]}`);
    }
  });
  await check('HS256 token authenticates', async () => {
    const token = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('smoke').setAudience('api').setExpirationTime(now + 60).sign(hsKey);
    equal(await status(policy, { authorization: `Bearer ${token}` }), 'alice', 'subject');
  });
  await check('expired HS256 token is 401', async () => {
    const token = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('smoke').setAudience('api').setExpirationTime(now - 600).sign(hsKey);
    equal(await status(policy, { authorization: `Bearer ${token}` }), 401, 'status');
  });
  await check('ES256 token authenticates', async () => {
    const token = await new SignJWT({ sub: 'bob' }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime(now + 60).sign(es.privateKey);
    equal(await status(esPolicy, { authorization: `Bearer ${token}` }), 'bob', 'subject');
  });
  await check('alg none is 401', async () => {
    const b64 = (o) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    equal(await status(policy, { authorization: `Bearer ${b64({ alg: 'none' })}.${b64({ sub: 'x', exp: now + 60 })}.` }), 401, 'status');
  });
  await check('API key authenticates; unknown key is 401; no credential is 401', async () => {
    equal(await status(policy, { 'x-api-key': serviceKey }), 'svc', 'subject');
    equal(await status(policy, { 'x-api-key': 'svc_' + 'x'.repeat(40) }), 401, 'unknown');
    equal(await status(policy, {}), 401, 'anonymous');
  });
  await check('duplicate Authorization is 400', async () => {
    equal(await status(policy, [['authorization', 'Bearer a'], ['authorization', 'Bearer b']]), 400, 'status');
  });
  await check('a look-alike context is 401', async () => {
    const fake = createAuth({ logger: false, authenticate: async () => ({ subject: 'x' }) });
    equal(await status(fake, {}), 401, 'status');
    const real = createAuth({ logger: false, authenticate: async () => new AuthContext({ subject: 'y' }) });
    equal(await status(real, {}), 'y', 'subject');
  });
  await check('SignedCookieSigner round-trips and refuses tampering', () => {
    const signer = new SignedCookieSigner('c'.repeat(32));
    const signed = signer.sign('grüß 👋');
    equal(signer.verify(signed), 'grüß 👋', 'value');
    equal(signer.verify(signed.slice(0, -1) + (signed.endsWith('A') ? 'B' : 'A')), null, 'tampered');
    // The same bytes on every runtime and backend (the wire format is shared with other servers).
    equal(signed, 'Z3LDvMOfIPCfkYs.LgjCOxDkr1lCS16mHc2-mDcPuNCqWr37OkKUcJ4OQu0', 'signed value');
  });
  await check('argumentsHash is SHA-256 of the RFC 8785 canonical form', async () => {
    const canonical = '{"action":"t","arguments":{"a":1,"b":[true,null],"c":"\u00e9"}}';
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical)));
    const expected = 'sha256:' + [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
    equal(argumentsHash('t', { c: '\u00e9', b: [true, null], a: 1 }), expected, 'hash');
  });

  return { passed, failed, failures };
}
