import { exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';

/** A real key pair generated in the test run, with its public half as PEM and JWK. */
export interface TestKeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly pem: string;
  readonly jwk: JWK;
}

async function pair(alg: string, options: { crv?: string } = {}): Promise<TestKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...options });
  return { privateKey, publicKey, pem: await exportSPKI(publicKey), jwk: await exportJWK(publicKey) };
}

// RSA generation costs ~0.4 s, so each pair is made on first use, once per test file.
function once(make: () => Promise<TestKeyPair>): () => Promise<TestKeyPair> {
  let made: Promise<TestKeyPair> | undefined;
  return () => (made ??= make());
}

/** RSA 2048; serves RS* and PS* at every hash when signed through node:crypto. */
export const rsa = once(() => pair('RS256'));
export const otherRsa = once(() => pair('RS256'));
export const p256 = once(() => pair('ES256'));
export const otherP256 = once(() => pair('ES256'));
export const p384 = once(() => pair('ES384'));
export const ed25519 = once(() => pair('EdDSA', { crv: 'Ed25519' }));

/** The RSA public key imported as a WebCrypto RSA-PSS/SHA-256 key (a CryptoKey bound to PS256). */
export async function rsaPssPublicKey(): Promise<CryptoKey> {
  return crypto.subtle.importKey('jwk', (await rsa()).jwk, { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['verify']);
}

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const OTHER_SECRET = 'test-secret-0123456789-abcdefghijklmnoq';
