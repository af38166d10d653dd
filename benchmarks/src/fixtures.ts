// Key material and tokens shared by the orchestrator (which mints tokens and drives the load) and the
// server processes (which verify them). The orchestrator generates fresh material each run and hands
// it to every server through environment variables, so every variant verifies the very same tokens.
import { createHmac, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export interface Fixtures {
  /** HS256 secret: 48 random bytes as base64url (64 ASCII characters, used as its UTF-8 bytes everywhere). */
  readonly hsSecret: string;
  /** ES256 (P-256) public key, SPKI PEM. */
  readonly esPublicPem: string;
  /** ES256 private key, PKCS#8 PEM (orchestrator only; never sent to a server). */
  readonly esPrivatePem?: string;
  /** The API key the apiKey() variants accept. */
  readonly apiKey: string;
  /** The identity the API key maps to (the subject /me answers). */
  readonly apiKeyId: string;
}

export const ENV = {
  hsSecret: 'BENCH_HS256_SECRET',
  esPublicPem: 'BENCH_ES256_PUBLIC_PEM',
  apiKey: 'BENCH_API_KEY',
  apiKeyId: 'BENCH_API_KEY_ID',
} as const;

/** The subject of token number `i`; token 0 is the one the reused-token shape sends. */
export const subjectOf = (i: number): string => `user-${i}`;

/** What every no-auth handler answers: the same body as an authenticated request with token 0. */
export const CONSTANT_SUBJECT = subjectOf(0);

export function generateFixtures(): Required<Fixtures> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    hsSecret: randomBytes(48).toString('base64url'),
    esPublicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    esPrivatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    apiKey: `bench_${randomBytes(24).toString('base64url')}`,
    apiKeyId: 'bench-client',
  };
}

export function fixturesToEnv(f: Fixtures): Record<string, string> {
  return { [ENV.hsSecret]: f.hsSecret, [ENV.esPublicPem]: f.esPublicPem, [ENV.apiKey]: f.apiKey, [ENV.apiKeyId]: f.apiKeyId };
}

export function fixturesFromEnv(env: NodeJS.ProcessEnv = process.env): Fixtures {
  const read = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`benchmark server: missing ${name} (servers are started by src/run.ts)`);
    return value;
  };
  return { hsSecret: read(ENV.hsSecret), esPublicPem: read(ENV.esPublicPem), apiKey: read(ENV.apiKey), apiKeyId: read(ENV.apiKeyId) };
}

export type JwtAlg = 'HS256' | 'ES256';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Mints `count` compact JWTs with node:crypto (fast enough for tens of thousands): token i has
 * `sub = user-i`, a unique `jti`, `iat` now and `exp` in two hours.
 */
export function mintTokens(f: Required<Fixtures>, alg: JwtAlg, count: number): string[] {
  const now = Math.floor(Date.now() / 1000);
  const header = b64({ alg, typ: 'JWT' });
  const tokens = new Array<string>(count);
  const esKey = alg === 'ES256' ? createPrivateKey(f.esPrivatePem) : null;
  for (let i = 0; i < count; i++) {
    const payload = b64({ sub: subjectOf(i), jti: `t${i}`, iat: now, exp: now + 7200 });
    const input = `${header}.${payload}`;
    const signature =
      alg === 'HS256'
        ? createHmac('sha256', f.hsSecret).update(input).digest('base64url')
        : sign('sha256', Buffer.from(input), { key: esKey!, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    tokens[i] = `${input}.${signature}`;
  }
  return tokens;
}

/** Flips one character in the middle of the signature: a well-formed token that must not verify. */
export function tamper(token: string): string {
  const dot = token.lastIndexOf('.');
  const at = dot + 1 + Math.floor((token.length - dot - 1) / 2);
  const c = token[at] === 'A' ? 'B' : 'A';
  return token.slice(0, at) + c + token.slice(at + 1);
}
