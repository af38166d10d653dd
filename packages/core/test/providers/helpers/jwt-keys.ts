import { exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';

/** One real key pair per algorithm family, generated once per test file (RSA serves RS* and PS*). */
export interface TestKeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly pem: string;
  readonly jwk: JWK;
}

async function pair(alg: string, options: { modulusLength?: number; crv?: string } = {}): Promise<TestKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...options });
  return { privateKey, publicKey, pem: await exportSPKI(publicKey), jwk: await exportJWK(publicKey) };
}

export const RSA = await pair('RS256');
export const RSA_PSS_BOUND = await pair('PS256');
export const P256 = await pair('ES256');
export const P384 = await pair('ES384');
export const ED25519 = await pair('EdDSA', { crv: 'Ed25519' });
/** A second key of each kind, for "signed by someone else" and rotation cases. */
export const OTHER_P256 = await pair('ES256');
export const OTHER_RSA = await pair('RS256');

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const OTHER_SECRET = 'test-secret-0123456789-abcdefghijklmnoq';
