import { KeyObject, sign, type webcrypto } from 'node:crypto';
import { generateKeyPair, exportJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthRequest } from '../../src/request.js';
import { InvalidToken } from '../../src/errors.js';
import { toErrorResponse } from '../../src/response.js';
import { jwt } from '../../src/providers/jwt/index.js';
import { otherP256, otherRsa, p256, rsa, SECRET } from './helpers/jwt-keys.js';
import { b64, expectInvalid, GENERIC_401, now, payloadJson, request, signature, signRaw, token } from './helpers/jwt-tokens.js';

const [RSA, OTHER_RSA, P256, OTHER_P256] = await Promise.all([rsa(), otherRsa(), p256(), otherP256()]);

const HS = '{"alg":"HS256","typ":"JWT"}';
const hs = () => jwt({ algorithms: ['HS256'], secret: SECRET });
const es = () => jwt({ algorithms: ['ES256'], key: P256.pem });
const rs = () => jwt({ algorithms: ['RS256'], key: RSA.pem });

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The same bytes with a different final character: the unused low bits set, which lenient decoders ignore. */
function nonCanonical(segment: string): string {
  const unusedBits = segment.length % 4 === 2 ? 15 : segment.length % 4 === 3 ? 3 : 0;
  if (unusedBits === 0) throw new Error('segment has no unused bits');
  const last = ALPHABET.indexOf(segment.at(-1)!);
  return segment.slice(0, -1) + ALPHABET[last | 1]!;
}

describe('jwt refuses algorithm tricks', () => {
  it('refuses alg none with an empty signature', async () => {
    const t = `${b64('{"alg":"none","typ":"JWT"}')}.${b64(payloadJson())}.`;
    await expectInvalid(hs()(request(t)));
  });

  it('refuses alg none with a signature present', async () => {
    const t = `${b64('{"alg":"none"}')}.${b64(payloadJson())}.${b64('x'.repeat(32))}`;
    await expectInvalid(hs()(request(t)));
  });

  it.each(['None', 'NONE', 'hs256', ''])('refuses alg %j', async (alg) => {
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, JSON.stringify({ alg }), payloadJson()))));
  });

  it('refuses an HMAC algorithm that is not on the allow-list', async () => {
    await expectInvalid(hs()(request(await token('HS512', SECRET))));
  });

  it('refuses an asymmetric algorithm that is not on the allow-list', async () => {
    const { privateKey } = await generateKeyPair('ES384');
    await expectInvalid(es()(request(await token('ES384', privateKey))));
  });

  it('refuses an HS256 token signed with the RSA public key PEM as the HMAC secret (alg confusion)', async () => {
    const forged = signRaw('HS256', RSA.pem, HS, payloadJson());
    await expectInvalid(rs()(request(forged)));
    await expectInvalid(jwt({ algorithms: ['RS256'], jwks: { keys: [RSA.jwk] } })(request(forged)));
  });

  it('refuses an HS256 token signed with the JWK text as the secret (alg confusion)', async () => {
    await expectInvalid(es()(request(signRaw('HS256', JSON.stringify(P256.jwk), HS, payloadJson()))));
  });

  it('refuses an RS256 token when only PS256 is allowed for the same key', async () => {
    await expectInvalid(jwt({ algorithms: ['PS256'], key: RSA.pem })(request(await token('RS256', RSA.privateKey))));
  });
});

describe('jwt never lets the header choose the key', () => {
  it('ignores an embedded jwk header naming the attacker key', async () => {
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(attacker.publicKey);
    await expectInvalid(es()(request(await token('ES256', attacker.privateKey, {}, { jwk }))));
  });

  it('ignores a jku header pointing at an attacker JWKS', async () => {
    await expectInvalid(es()(request(await token('ES256', OTHER_P256.privateKey, {}, { jku: 'http://127.0.0.1:9/jwks.json' }))));
  });

  it('ignores an x5u header', async () => {
    await expectInvalid(es()(request(await token('ES256', OTHER_P256.privateKey, {}, { x5u: 'http://127.0.0.1:9/cert.pem' }))));
  });

  it('ignores an x5c header', async () => {
    await expectInvalid(es()(request(await token('ES256', OTHER_P256.privateKey, {}, { x5c: [b64('not a certificate')] }))));
  });

  it('still accepts a good token that carries jku or jwk headers it ignores', async () => {
    const jwk = await exportJWK(OTHER_P256.publicKey);
    expect((await es()(request(await token('ES256', P256.privateKey, {}, { jwk, jku: 'http://127.0.0.1:9/' }))))?.subject).toBe('user-1');
  });

  it('refuses a kid that names another key of the set than the signer', async () => {
    const auth = jwt({ algorithms: ['ES256'], jwks: { keys: [{ ...P256.jwk, kid: 'a' }, { ...OTHER_P256.jwk, kid: 'b' }] } });
    await expectInvalid(auth(request(await token('ES256', OTHER_P256.privateKey, {}, { kid: 'a' }))));
  });

  it('refuses an unknown kid in a local JWKS', async () => {
    const auth = jwt({ algorithms: ['ES256'], jwks: { keys: [{ ...P256.jwk, kid: 'a' }] } });
    await expectInvalid(auth(request(await token('ES256', P256.privateKey, {}, { kid: '../../../dev/null' }))));
  });

  it('refuses a token without kid when several keys of the set could verify it', async () => {
    const auth = jwt({ algorithms: ['ES256'], jwks: { keys: [{ ...P256.jwk, kid: 'a' }, { ...OTHER_P256.jwk, kid: 'b' }] } });
    await expectInvalid(auth(request(await token('ES256', P256.privateKey))));
  });

  it.each([
    ['a number', 7],
    ['an empty string', ''],
    ['an object', { $ne: null }],
  ])('refuses a kid that is %s', async (_label, kid) => {
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, JSON.stringify({ alg: 'HS256', kid }), payloadJson()))));
  });

  it('refuses a JWKS key whose own alg differs from the token alg', async () => {
    const auth = jwt({ algorithms: ['RS256', 'PS256'], jwks: { keys: [{ ...RSA.jwk, kid: 'r', alg: 'PS256' }, { ...OTHER_RSA.jwk, kid: 'o', alg: 'RS256' }] } });
    await expectInvalid(auth(request(await token('RS256', RSA.privateKey, {}, { kid: 'r' }))));
    expect((await auth(request(await token('PS256', RSA.privateKey, {}, { kid: 'r' }))))?.subject).toBe('user-1');
  });
});

describe('jwt refuses non-canonical encodings', () => {
  it('refuses a padded header segment', async () => {
    const [h, p, s] = (await token('HS256', SECRET)).split('.');
    await expectInvalid(hs()(request(`${h}=.${p}.${s}`)));
    await expectInvalid(hs()(request(`${h}==.${p}.${s}`)));
  });

  it('refuses a padded signature segment', async () => {
    const t = await token('HS256', SECRET);
    await expectInvalid(hs()(request(`${t}=`)));
  });

  it('refuses standard base64 characters (+ and /) in a segment', async () => {
    const t = signRaw('HS256', SECRET, HS, payloadJson({ pad: '\u00fb\u00ff' }));
    const [h, p, s] = t.split('.');
    const swapped = `${h}.${p!.replace(/-/g, '+').replace(/_/g, '/')}.${s}`;
    await expectInvalid(hs()(request(swapped === t ? `${h}.${p}+.${s}` : swapped)));
  });

  it('refuses a signature whose final character has non-zero unused bits (which jose accepts)', async () => {
    const t = await token('HS256', SECRET);
    const [h, p, s] = t.split('.');
    const tampered = `${h}.${p}.${nonCanonical(s!)}`;
    expect(tampered).not.toBe(t);
    await expect(jwtVerify(tampered, new TextEncoder().encode(SECRET))).resolves.toBeDefined();
    await expectInvalid(hs()(request(tampered)));
  });

  it('refuses a payload whose final character has non-zero unused bits', async () => {
    let extra = '';
    let t = signRaw('HS256', SECRET, HS, payloadJson({ extra }));
    while (t.split('.')[1]!.length % 4 === 0) t = signRaw('HS256', SECRET, HS, payloadJson({ extra: (extra += 'x') }));
    const [h, p] = t.split('.');
    const tamperedPayload = nonCanonical(p!);
    const resigned = `${h}.${tamperedPayload}.${b64(signature('HS256', SECRET, `${h}.${tamperedPayload}`))}`;
    await expectInvalid(hs()(request(resigned)));
  });

  it('refuses an ES256 token whose signature has non-zero unused bits', async () => {
    const t = await token('ES256', P256.privateKey);
    const [h, p, s] = t.split('.');
    await expectInvalid(es()(request(`${h}.${p}.${nonCanonical(s!)}`)));
  });

  it('refuses whitespace inside the token, however it arrives', async () => {
    const t = await token('HS256', SECRET);
    const [h, p, s] = t.split('.');
    await expectInvalid(hs()(request(`${h}.${p} .${s}`)));
    const query = new AuthRequest({ method: 'GET', path: '/', query: { token: `${h}.\n${p}.${s}` }, context: { source: 'websocket' } });
    await expectInvalid(hs()(query));
  });

  it('refuses a header that is not valid UTF-8', async () => {
    const h = Buffer.from([0x7b, 0x22, 0x61, 0x6c, 0x67, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]).toString('base64url');
    const p = b64(payloadJson());
    await expectInvalid(hs()(request(`${h}.${p}.${b64(signature('HS256', SECRET, `${h}.${p}`))}`)));
  });

  it('refuses a payload that starts with a byte order mark', async () => {
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, HS, `\ufeff${payloadJson()}`))));
  });
});

describe('jwt refuses malformed structure', () => {
  it('refuses a token over the 8 KiB default size cap', async () => {
    const big = signRaw('HS256', SECRET, HS, payloadJson({ blob: 'a'.repeat(7000) }));
    expect(big.length).toBeGreaterThan(8192);
    await expectInvalid(hs()(request(big)));
    const roomy = jwt({ algorithms: ['HS256'], secret: SECRET, maxTokenSize: 16_384 });
    expect((await roomy(request(big)))?.subject).toBe('user-1');
  });

  it('refuses a token over a configured size cap', async () => {
    const t = await token('HS256', SECRET);
    await expectInvalid(jwt({ algorithms: ['HS256'], secret: SECRET, maxTokenSize: 256 })(request(t + 'A'.repeat(300 - t.length))));
  });

  it('refuses duplicate member names in the header', async () => {
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, '{"alg":"HS256","alg":"HS256"}', payloadJson()))));
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, '{"alg":"none","alg":"HS256"}', payloadJson()))));
  });

  it('refuses duplicate member names in the payload', async () => {
    const t = now();
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, HS, `{"sub":"user-1","exp":${t + 60},"sub":"admin"}`))));
  });

  it('refuses a duplicate spelled with a unicode escape', async () => {
    const t = now();
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, HS, `{"sub":"user-1","exp":${t + 60},"\\u0073ub":"admin"}`))));
  });

  it('refuses duplicate member names in a nested claim', async () => {
    const t = now();
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, HS, `{"sub":"u","exp":${t + 60},"realm":{"roles":[],"roles":["admin"]}}`))));
  });

  it('accepts the same name in sibling objects (not a duplicate)', async () => {
    const t = now();
    const ok = signRaw('HS256', SECRET, HS, `{"sub":"u","exp":${t + 60},"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]}`);
    expect((await hs()(request(ok)))?.subject).toBe('u');
  });

  it('refuses nesting deeper than 32 levels', async () => {
    const t = now();
    const deep = `{"sub":"u","exp":${t + 60},"d":${'['.repeat(40)}${']'.repeat(40)}}`;
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, HS, deep))));
  });

  it.each([
    ['an array', '[{"sub":"u"}]'],
    ['a number', '42'],
    ['a string', '"sub"'],
    ['null', 'null'],
    ['true', 'true'],
    ['not JSON', 'sub=u'],
    ['empty', ''],
  ])('refuses a payload that is %s', async (_label, payload) => {
    const h = b64(HS);
    const p = b64(payload);
    await expectInvalid(hs()(request(`${h}.${p || 'e30'}.${b64(signature('HS256', SECRET, `${h}.${p || 'e30'}`))}`)));
    if (payload === '') await expectInvalid(hs()(request(`${h}..${b64(signature('HS256', SECRET, `${h}.`))}`)));
  });

  it('refuses a header that is an array', async () => {
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, '["HS256"]', payloadJson()))));
  });

  it('refuses a crit header it does not understand', async () => {
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, '{"alg":"HS256","crit":["exp"],"exp":1}', payloadJson()))));
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, '{"alg":"HS256","crit":[]}', payloadJson()))));
  });

  it('refuses an unencoded payload (b64: false)', async () => {
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, '{"alg":"HS256","b64":false,"crit":["b64"]}', payloadJson()))));
    await expectInvalid(hs()(request(signRaw('HS256', SECRET, '{"alg":"HS256","b64":false}', payloadJson()))));
  });

  it('refuses a signature made over a different payload', async () => {
    const [h, , s] = (await token('HS256', SECRET, { sub: 'user-1' })).split('.');
    const [, p] = (await token('HS256', SECRET, { sub: 'admin' })).split('.');
    await expectInvalid(hs()(request(`${h}.${p}.${s}`)));
  });

  it('refuses an ES256 signature made over a different payload', async () => {
    const [h, , s] = (await token('ES256', P256.privateKey, { sub: 'user-1' })).split('.');
    const [, p] = (await token('ES256', P256.privateKey, { sub: 'admin' })).split('.');
    await expectInvalid(es()(request(`${h}.${p}.${s}`)));
  });

  it('refuses a token signed by another key', async () => {
    await expectInvalid(es()(request(await token('ES256', OTHER_P256.privateKey))));
    await expectInvalid(rs()(request(await token('RS256', OTHER_RSA.privateKey))));
  });

  it.each([
    ['HS256', hs, () => token('HS256', SECRET)],
    ['ES256', es, () => token('ES256', P256.privateKey)],
    ['RS256', rs, () => token('RS256', RSA.privateKey)],
  ] as const)('refuses a truncated %s signature', async (_alg, provider, make) => {
    const t = await make();
    await expectInvalid(provider()(request(t.slice(0, -4))));
    await expectInvalid(provider()(request(t.slice(0, t.lastIndexOf('.') + 2))));
  });

  it('refuses an RS256 signature with a leading zero byte stripped or added', async () => {
    const [h, p, s] = (await token('RS256', RSA.privateKey)).split('.');
    const bytes = Buffer.from(s!, 'base64url');
    await expectInvalid(rs()(request(`${h}.${p}.${b64(Buffer.concat([Buffer.from([0]), bytes]))}`)));
  });

  it('refuses an ES256 signature in DER form instead of raw r||s', async () => {
    const h = b64('{"alg":"ES256"}');
    const p = b64(payloadJson());
    const der = sign('sha256', Buffer.from(`${h}.${p}`), KeyObject.from(P256.privateKey as webcrypto.CryptoKey));
    await expectInvalid(es()(request(`${h}.${p}.${b64(der)}`)));
  });

  it('refuses a signature of the right length that is garbage', async () => {
    const [h, p] = (await token('ES256', P256.privateKey)).split('.');
    await expectInvalid(es()(request(`${h}.${p}.${b64(new Uint8Array(64).fill(0xff))}`)));
    const [rh, rp] = (await token('RS256', RSA.privateKey)).split('.');
    await expectInvalid(rs()(request(`${rh}.${rp}.${b64(new Uint8Array(256).fill(0xff))}`)));
  });

  it.each([
    ['empty', ''],
    ['two dots', '..'],
    ['an empty header', `.${b64('{}')}.${b64('sig')}`],
    ['an empty payload', `${b64(HS)}..${b64('sig')}`],
    ['an empty signature', `${b64(HS)}.${b64(payloadJson())}.`],
  ])('refuses %s', async (_label, t) => {
    const auth = hs();
    if (t === '') {
      await expectInvalid(auth(new AuthRequest({ method: 'GET', path: '/', headers: { authorization: 'Bearer ' } })));
    } else await expectInvalid(auth(request(t)));
  });

  it('refuses a token of two segments', async () => {
    const [h, p] = (await token('HS256', SECRET)).split('.');
    await expectInvalid(hs()(request(`${h}.${p}`)));
  });

  it('refuses a token of four segments (and a five-segment JWE)', async () => {
    const t = await token('HS256', SECRET);
    await expectInvalid(hs()(request(`${t}.${t.split('.')[2]}`)));
    await expectInvalid(hs()(request(`${t}.AAAA.BBBB`)));
  });

  it('refuses a token of one segment', async () => {
    await expectInvalid(hs()(request('eyJhbGciOiJIUzI1NiJ9')));
  });
});

describe('jwt 401 responses reveal no check', () => {
  it('answers every failure with the same status, headers and body', async () => {
    const t = now();
    const failures = [
      signRaw('HS256', SECRET, HS, JSON.stringify({ sub: 'u', exp: t - 100 })),
      signRaw('HS256', 'x'.repeat(40), HS, payloadJson()),
      `${b64('{"alg":"none"}')}.${b64(payloadJson())}.`,
      'not-a-jwt',
      signRaw('HS256', SECRET, HS, '[1]'),
      signRaw('HS256', SECRET, HS, JSON.stringify({ sub: 'u', exp: t + 100, nbf: t + 1000 })),
    ];
    const responses = [];
    for (const f of failures) {
      const error = await hs()(request(f)).catch((e: unknown) => e);
      responses.push(toErrorResponse(error));
    }
    for (const response of responses) {
      expect(response).toEqual(responses[0]);
      expect(response.body).toBe(GENERIC_401);
    }
    expect(responses[0]!.body).not.toMatch(/expire|signature|alg|malformed|claim/i);
  });
});

// jwt() reads the bearer credential without the b64token scan and leaves refusing it to its own
// parser: every credential outside canonical base64url must still be the generic 401, on both the
// asynchronous hook and its synchronous twin, before and after the same token was verified.
describe('jwt refuses bearer credentials that are not a compact JWS', () => {
  const sync = (provider: ReturnType<typeof hs>) =>
    (provider as unknown as Record<symbol, (req: AuthRequest) => unknown>)[Symbol.for('@auth/core.authenticate.sync')]!;

  it.each([
    ['b64token characters outside base64url', (t: string) => t.replace('.', '~.')],
    ['a "+" for a "-"', (t: string) => `${t}+`],
    ['trailing padding', (t: string) => `${t}==`],
    ['a character outside b64token', (t: string) => `${t}!`],
    ['an inner space', (t: string) => t.replace('.', ' .')],
    ['nothing', () => ''],
    ['non-ASCII', (t: string) => `${t}é`],
  ])('refuses %s', async (_name, change) => {
    const provider = hs();
    const good = await token('HS256', SECRET);
    await expect(provider(request(good))).resolves.not.toBeNull();
    const bad = change(good);
    await expectInvalid(provider(request(bad)));
    expect(() => sync(provider)(request(bad))).toThrow(InvalidToken);
  });
});
