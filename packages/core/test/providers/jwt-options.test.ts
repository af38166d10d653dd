import { generateKeyPairSync, KeyObject, type webcrypto } from 'node:crypto';
import { generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { crypto as backend } from '../../src/crypto/backend.js';
import { ImproperlyConfigured } from '../../src/errors.js';
import { jwt, type JwtOptions } from '../../src/providers/jwt/index.js';
import { ed25519, p256, rsa, SECRET } from './helpers/jwt-keys.js';
import { request, token } from './helpers/jwt-tokens.js';

const [RSA, P256, ED25519] = await Promise.all([rsa(), p256(), ed25519()]);

const build = (options: unknown) => () => jwt(options as JwtOptions);

/**
 * What a key is (type, curve, RSA size) is known at start-up on every runtime: node:crypto imports
 * the key at construction, the portable path reads its encoding. Only a key whose encoding is sound
 * but which no import accepts (a point off its curve, a coordinate too short) is left to the portable
 * path's first request, which fails closed with the same ImproperlyConfigured.
 */
async function expectRefusedOnImport(options: { algorithms: readonly ['ES256' | 'RS256'] } & Record<string, unknown>, message: RegExp): Promise<void> {
  let auth: ReturnType<typeof jwt>;
  try {
    auth = jwt(options as unknown as JwtOptions);
  } catch (error) {
    expect(backend().name).toBe('node');
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect((error as Error).message).toMatch(message);
    return;
  }
  expect(backend().name).toBe('portable');
  const alg = options.algorithms[0];
  const signed = request(await token(alg, alg === 'ES256' ? P256.privateKey : RSA.privateKey));
  for (let i = 0; i < 2; i++) {
    const failure: unknown = await auth(signed).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ImproperlyConfigured);
    expect((failure as Error).message).toMatch(message);
  }
}
const smallRsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const privatePem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const smallRsaCryptoKey = (
  await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])
).publicKey;
// The same PEM with its DER body missing the last 8 bytes (re-encoded, so the PEM itself is well formed).
function truncatedPem(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return `-----BEGIN PUBLIC KEY-----\n${der.subarray(0, der.length - 8).toString('base64')}\n-----END PUBLIC KEY-----`;
}
const rsaPkcs1Pem = KeyObject.from(RSA.publicKey as webcrypto.CryptoKey).export({ type: 'pkcs1', format: 'pem' }) as string;

describe('jwt options: algorithms', () => {
  it.each<[string, unknown, RegExp]>([
    ['missing', { secret: SECRET }, /option 'algorithms'/],
    ['empty', { algorithms: [], secret: SECRET }, /option 'algorithms'/],
    ['none', { algorithms: ['none'], secret: SECRET }, /option 'algorithms\.0'/],
    ['unknown', { algorithms: ['HS1'], secret: SECRET }, /option 'algorithms\.0'/],
    ['lowercase', { algorithms: ['hs256'], secret: SECRET }, /option 'algorithms\.0'/],
    ['not an array', { algorithms: 'HS256', secret: SECRET }, /option 'algorithms'/],
  ])('refuses algorithms that are %s', (_label, options, message) => {
    expect(build(options)).toThrow(ImproperlyConfigured);
    expect(build(options)).toThrow(message);
  });

  it('refuses an HMAC algorithm with a public key (RS→HS confusion)', () => {
    expect(build({ algorithms: ['RS256', 'HS256'], key: RSA.pem })).toThrow(/HS256 needs 'secret'/);
  });

  it('refuses an HMAC algorithm with a JWKS', () => {
    expect(build({ algorithms: ['HS256'], jwks: { keys: [P256.jwk] } })).toThrow(/HS256 needs 'secret'/);
    expect(build({ algorithms: ['HS256'], jwksUrl: 'https://issuer.example/jwks' })).toThrow(/HS256 needs 'secret'/);
  });

  it('refuses an asymmetric algorithm with a secret', () => {
    expect(build({ algorithms: ['RS256'], secret: SECRET })).toThrow(/RS256 needs a public key/);
  });

  it('refuses an algorithm the key cannot verify', () => {
    expect(build({ algorithms: ['ES384'], key: P256.jwk })).toThrow(/no key that can verify ES384/);
    // A PEM says what it holds in its encoding, read at start-up on every backend.
    expect(build({ algorithms: ['ES256'], key: RSA.pem })).toThrow(/no key that can verify ES256/);
    expect(build({ algorithms: ['RS256'], key: ED25519.pem })).toThrow(/no key that can verify RS256/);
  });

  it('refuses an algorithm no key of a local JWKS can verify', () => {
    expect(build({ algorithms: ['ES256', 'RS256'], jwks: { keys: [P256.jwk] } })).toThrow(/no key that can verify RS256/);
  });
});

describe('jwt options: key sources', () => {
  it('refuses no key source', () => {
    expect(build({ algorithms: ['HS256'] })).toThrow(/exactly one of 'secret', 'key', 'jwks' or 'jwksUrl' \(got none\)/);
  });

  it('refuses two key sources', () => {
    expect(build({ algorithms: ['RS256'], key: RSA.pem, jwks: { keys: [RSA.jwk] } })).toThrow(/got key, jwks/);
    expect(build({ algorithms: ['HS256'], secret: SECRET, key: RSA.pem })).toThrow(/got secret, key/);
  });

  it('refuses jwksOptions without jwksUrl', () => {
    expect(build({ algorithms: ['ES256'], key: P256.pem, jwksOptions: {} })).toThrow(/'jwksOptions' needs 'jwksUrl'/);
  });
});

describe('jwt options: secret', () => {
  it.each<[string, unknown, RegExp]>([
    ['empty', '', /must not be empty/],
    ['shorter than 32 bytes', 'x'.repeat(31), /at least 32 bytes/],
    ['a number', 12345, /must be a string or Uint8Array/],
    ['short bytes', new Uint8Array(16), /at least 32 bytes/],
  ])('refuses a secret that is %s', (_label, secret, message) => {
    expect(build({ algorithms: ['HS256'], secret })).toThrow(ImproperlyConfigured);
    expect(build({ algorithms: ['HS256'], secret })).toThrow(message);
  });

  it('refuses a PEM public key as the secret', () => {
    expect(build({ algorithms: ['HS256'], secret: RSA.pem })).toThrow(/looks like a PEM key/);
  });

  it('refuses a PEM given as bytes', () => {
    expect(build({ algorithms: ['HS256'], secret: new TextEncoder().encode(RSA.pem) })).toThrow(/looks like a PEM key/);
  });

  it('refuses a certificate PEM as the secret', () => {
    const cert = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(64)}\n-----END CERTIFICATE-----`;
    expect(build({ algorithms: ['HS256'], secret: cert })).toThrow(/looks like a PEM key/);
  });

  it('refuses a JWK (JSON object text) as the secret', () => {
    expect(build({ algorithms: ['HS256'], secret: JSON.stringify(P256.jwk) })).toThrow(/looks like a JWK/);
    expect(build({ algorithms: ['HS256'], secret: `  ${JSON.stringify({ kty: 'oct', k: 'x'.repeat(40) })}` })).toThrow(/looks like a JWK/);
  });

  it('refuses a base64 SPKI public key (the PEM body without its armour) as the secret', () => {
    const body = RSA.pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    expect(build({ algorithms: ['HS256'], secret: body })).toThrow(/looks like an encoded public key/);
  });

  it('refuses raw DER public key bytes as the secret', () => {
    const der = Uint8Array.from(Buffer.from(P256.pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64'));
    expect(build({ algorithms: ['HS256'], secret: der })).toThrow(/looks like an encoded public key/);
  });

  it('never quotes the secret in its messages', () => {
    const secret = `{"kty":"oct","k":"${'s3cr3t'.repeat(8)}"}`;
    let message = '';
    try {
      jwt({ algorithms: ['HS256'], secret });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('s3cr3t');
  });
});

describe('jwt options: public keys', () => {
  it.each<[string, unknown, RegExp]>([
    ['a PKCS#1 RSA PEM', rsaPkcs1Pem, /must be a PEM public key/],
    ['a private key PEM', privatePem, /must be a PEM public key/],
    ['garbage text', 'not a key', /must be a PEM public key/],
    ['a private JWK', { ...P256.jwk, d: 'AAAA' }, /private key material/],
    ['a symmetric JWK', { kty: 'oct', k: 'x'.repeat(43) }, /symmetric key/],
    ['a JWK without kty', { x: P256.jwk.x, y: P256.jwk.y }, /'kty'/],
    ['a JWK with an unknown curve', { ...P256.jwk, crv: 'secp256k1' }, /'crv'/],
    ['a JWK with padded members', { ...P256.jwk, x: `${P256.jwk.x}=` }, /'x' or 'y'/],
    ['a JWK for encryption', { ...P256.jwk, use: 'enc' }, /'use'/],
    ['a JWK whose key_ops lack verify', { ...P256.jwk, key_ops: ['sign'] }, /'key_ops'/],
    ['a JWK with an unknown alg', { ...P256.jwk, alg: 'none' }, /'alg'/],
    ['a JWK whose alg does not fit its type', { ...P256.jwk, alg: 'RS256' }, /'alg'/],
    ['a number', 42, /not a JSON object/],
  ])('refuses %s', (_label, key, message) => {
    expect(build({ algorithms: ['ES256'], key })).toThrow(ImproperlyConfigured);
    expect(build({ algorithms: ['ES256'], key })).toThrow(message);
  });

  it('refuses a private CryptoKey', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    expect(build({ algorithms: ['ES256'], key: privateKey })).toThrow(/public CryptoKey/);
  });

  it('refuses a CryptoKey bound to another RSA padding or hash than the algorithms', () => {
    expect(build({ algorithms: ['PS256'], key: RSA.publicKey })).toThrow(/no key that can verify PS256/);
    expect(build({ algorithms: ['RS384'], key: RSA.publicKey })).toThrow(/no key that can verify RS384/);
  });

  it('refuses a CryptoKey that cannot verify', async () => {
    const key = await crypto.subtle.importKey('jwk', P256.jwk, { name: 'ECDH', namedCurve: 'P-256' }, true, []);
    expect(build({ algorithms: ['ES256'], key })).toThrow(ImproperlyConfigured);
  });

  it.each<[string, 'ES256' | 'RS256', unknown, RegExp]>([
    ['a PEM with a corrupt body', 'ES256', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /is not a valid RSA \(2048 bits or more\), P-256\/384\/521 or Ed25519 public key/],
    ['an RSA key under 2048 bits (PEM)', 'RS256', smallRsa.publicKey.export({ type: 'spki', format: 'pem' }), /is an RSA key under 2048 bits/],
    ['an RSA key under 2048 bits (JWK)', 'RS256', smallRsa.publicKey.export({ format: 'jwk' }), /is an RSA key under 2048 bits/],
    ['an RSA CryptoKey under 2048 bits', 'RS256', smallRsaCryptoKey, /is an RSA key under 2048 bits/],
    ['an SPKI PEM of an RSA-PSS key', 'RS256', generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }), /is not a valid RSA/],
    ['an SPKI PEM of an X25519 key', 'ES256', generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }), /is not a valid RSA/],
    ['an SPKI PEM of a secp256k1 key', 'ES256', generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ type: 'spki', format: 'pem' }), /is not a valid RSA/],
    ['an SPKI PEM cut short', 'ES256', truncatedPem(P256.pem), /is not a valid RSA/],
    ['a JWK with a coordinate longer than its curve allows', 'ES256', { ...P256.jwk, x: Buffer.alloc(33, 1).toString('base64url') }, /is not a valid RSA/],
  ])('refuses %s at start-up, on every backend', (_label, alg, key, message) => {
    expect(build({ algorithms: [alg], key })).toThrow(ImproperlyConfigured);
    expect(build({ algorithms: [alg], key })).toThrow(message);
  });

  it('refuses a key whose encoding is sound but which will not import: at start-up on node:crypto, on each use on the portable path', async () => {
    const offCurve = { kty: 'EC', crv: 'P-256', x: Buffer.alloc(32, 1).toString('base64url'), y: Buffer.alloc(32, 1).toString('base64url') };
    await expectRefusedOnImport({ algorithms: ['ES256'], key: offCurve }, /is not a valid RSA/);
    await expectRefusedOnImport({ algorithms: ['ES256'], key: { ...P256.jwk, x: 'AAAA' } }, /is not a valid RSA/);
    await expectRefusedOnImport({ algorithms: ['ES256'], jwks: { keys: [offCurve] } }, /'jwks\.keys\.0' is not a valid RSA/);
  });

  it('names the member of a local JWKS whose key is refused', () => {
    expect(build({ algorithms: ['RS256'], jwks: { keys: [RSA.jwk, smallRsa.publicKey.export({ format: 'jwk' })] } })).toThrow(/'jwks\.keys\.1' is an RSA key under 2048 bits/);
  });

  it('refuses a local JWKS without keys', () => {
    expect(build({ algorithms: ['ES256'], jwks: { keys: [] } })).toThrow(/non-empty 'keys'/);
    expect(build({ algorithms: ['ES256'], jwks: [P256.jwk] })).toThrow(/non-empty 'keys'/);
  });

  it('refuses a local JWKS holding a private key, naming its index', () => {
    expect(build({ algorithms: ['ES256'], jwks: { keys: [P256.jwk, { ...P256.jwk, d: 'AAAA' }] } })).toThrow(/'jwks\.keys\.1' holds private key material/);
  });
});

describe('jwt options: jwksUrl', () => {
  it.each<[string, unknown, RegExp]>([
    ['plain http to a remote host', 'http://issuer.example/jwks', /must use https/],
    ['a relative URL', '/jwks.json', /absolute URL/],
    ['another scheme', 'file:///etc/jwks.json', /must use https/],
    ['credentials in the URL', 'https://user:pass@issuer.example/jwks', /must not carry credentials/],
    ['a number', 42, /option 'jwksUrl'/],
  ])('refuses %s', (_label, jwksUrl, message) => {
    expect(build({ algorithms: ['ES256'], jwksUrl })).toThrow(message);
  });

  it.each(['http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]:9/jwks', 'https://issuer.example/jwks'])('accepts %s', (jwksUrl) => {
    expect(build({ algorithms: ['ES256'], jwksUrl })).not.toThrow();
  });

  it.each<[string, unknown]>([
    ['a negative cooldown', { cooldownMs: -1 }],
    ['a zero timeout', { timeoutMs: 0 }],
    ['an infinite timeout', { timeoutMs: Infinity }],
    ['a tiny cache max age', { cacheMaxAgeMs: 10 }],
    ['a tiny response cap', { maxResponseBytes: 10 }],
    ['an unknown option', { retries: 3 }],
  ])('refuses jwksOptions with %s', (_label, jwksOptions) => {
    expect(build({ algorithms: ['ES256'], jwksUrl: 'https://issuer.example/jwks', jwksOptions })).toThrow(/option 'jwksOptions/);
  });
});

describe('jwt options: claims and limits', () => {
  const base = { algorithms: ['HS256'], secret: SECRET };
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a negative clock tolerance', { clockTolerance: -1 }, /option 'clockTolerance'/],
    ['a clock tolerance over 300 s', { clockTolerance: 301 }, /option 'clockTolerance'/],
    ['an infinite clock tolerance', { clockTolerance: Infinity }, /option 'clockTolerance'/],
    ['a NaN clock tolerance', { clockTolerance: NaN }, /option 'clockTolerance'/],
    ['a string clock tolerance', { clockTolerance: '5s' }, /option 'clockTolerance'/],
    ['a zero maxTokenAge', { maxTokenAge: 0 }, /option 'maxTokenAge'/],
    ['an infinite maxTokenAge', { maxTokenAge: Infinity }, /option 'maxTokenAge'/],
    ['an empty issuer', { issuer: '' }, /option 'issuer'/],
    ['an empty issuer list', { issuer: [] }, /option 'issuer'/],
    ['an empty audience', { audience: '' }, /option 'audience'/],
    ['a non-string audience', { audience: [1] }, /option 'audience'/],
    ['an empty typ', { typ: '' }, /option 'typ'/],
    ['a non-boolean requireExp', { requireExp: 'no' }, /option 'requireExp'/],
    ['a tiny maxTokenSize', { maxTokenSize: 10 }, /option 'maxTokenSize'/],
    ['a huge maxTokenSize', { maxTokenSize: 1e9 }, /option 'maxTokenSize'/],
    ['a toContext that is not a function', { toContext: {} }, /option 'toContext'/],
    ['a revoked that is not a function', { revoked: true }, /option 'revoked'/],
    ['cache: true', { cache: true }, /option 'cache'/],
    ['a zero cache max', { cache: { max: 0 } }, /option 'cache/],
    ['an unknown cache option', { cache: { ttl: 5 } }, /option 'cache/],
    ['an empty claim name', { claims: { roles: '' } }, /option 'claims\.roles'/],
    ['an unknown claims option', { claims: { groups: 'g' } }, /option 'claims'/],
    ['an unknown option (a typo)', { audiance: 'api' }, /unknown key\(s\) 'audiance'/],
  ])('refuses %s', (_label, extra, message) => {
    expect(build({ ...base, ...extra })).toThrow(ImproperlyConfigured);
    expect(build({ ...base, ...extra })).toThrow(message);
  });

  it('refuses options that are not an object', () => {
    expect(build(undefined)).toThrow(ImproperlyConfigured);
    expect(build('HS256')).toThrow(ImproperlyConfigured);
  });
});

describe('jwt options: types', () => {
  it('makes wrong key and algorithm combinations fail to compile', () => {
    // Never called: the assertions are the @ts-expect-error lines, checked by the typecheck.
    const _compileOnly = () => {
      // @ts-expect-error an asymmetric algorithm with a secret
      jwt({ algorithms: ['RS256'], secret: SECRET });
      // @ts-expect-error an HMAC algorithm with a public key
      jwt({ algorithms: ['HS256'], key: RSA.pem });
      // @ts-expect-error two key sources
      jwt({ algorithms: ['RS256'], key: RSA.pem, jwksUrl: 'https://issuer.example/jwks' });
      // @ts-expect-error 'none' is not an algorithm
      jwt({ algorithms: ['none'], secret: SECRET });
      // @ts-expect-error jwksOptions without jwksUrl
      jwt({ algorithms: ['ES256'], key: P256.pem, jwksOptions: { timeoutMs: 1000 } });
    };
    expect(typeof _compileOnly).toBe('function');
  });
});
