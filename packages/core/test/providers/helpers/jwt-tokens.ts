import { createHmac, KeyObject, sign as nodeSign, constants, type webcrypto } from 'node:crypto';
import { SignJWT, type JWTPayload, type JWTHeaderParameters } from 'jose';
import { expect } from 'vitest';
import { InvalidToken } from '../../../src/errors.js';
import { AuthRequest, type RequestSource } from '../../../src/request.js';
import { toErrorResponse } from '../../../src/response.js';

export const now = (): number => Math.floor(Date.now() / 1000);

export function b64(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url');
}

/** A normal token from jose, valid for an hour unless the claims say otherwise. */
export async function token(
  alg: string,
  key: CryptoKey | Uint8Array | string,
  claims: JWTPayload = {},
  header: Partial<JWTHeaderParameters> = {},
): Promise<string> {
  const t = now();
  const payload = { sub: 'user-1', iat: t, exp: t + 3600, ...claims };
  // One RSA test key serves RS* and PS* at every hash, which jose's CryptoKey checks would refuse.
  if (/^(RS|PS)/.test(alg)) return signRaw(alg, key as CryptoKey, JSON.stringify({ ...header, alg }), JSON.stringify(payload));
  const signingKey = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  return new SignJWT(payload).setProtectedHeader({ ...header, alg }).sign(signingKey);
}

const HASHES: Record<string, string> = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

/** Signs hand-written header and payload JSON text exactly as given (duplicates, odd numbers and all). */
export function signRaw(alg: string, key: CryptoKey | string, headerJson: string, payloadJson: string): string {
  const input = `${b64(headerJson)}.${b64(payloadJson)}`;
  return `${input}.${b64(signature(alg, key, input))}`;
}

export function signature(alg: string, key: CryptoKey | string, input: string): Uint8Array {
  const hash = HASHES[alg.slice(2)] ?? null;
  if (alg.startsWith('HS')) return createHmac(hash!, key as string).update(input).digest();
  const keyObject = KeyObject.from(key as webcrypto.CryptoKey);
  if (alg.startsWith('RS')) return nodeSign(hash, Buffer.from(input), keyObject);
  if (alg.startsWith('PS')) {
    return nodeSign(hash, Buffer.from(input), { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  }
  if (alg.startsWith('ES')) return nodeSign(hash, Buffer.from(input), { key: keyObject, dsaEncoding: 'ieee-p1363' });
  return nodeSign(null, Buffer.from(input), keyObject);
}

/** Payload JSON text for a token valid for an hour. */
export function payloadJson(extra: Record<string, unknown> = {}): string {
  const t = now();
  return JSON.stringify({ sub: 'user-1', iat: t, exp: t + 3600, ...extra });
}

export function request(bearer: string | null, source: RequestSource = 'http'): AuthRequest {
  return new AuthRequest({
    method: 'GET',
    path: '/',
    headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` },
    context: { source },
  });
}

/** Asserts a generic 401 invalid_token: status, RFC 6750 header, and the one body every failure shares. */
export async function expectInvalid(pending: Promise<unknown>): Promise<void> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidToken);
  const response = toErrorResponse(error);
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  expect(response.body).toBe(GENERIC_401);
}

export const GENERIC_401 = toErrorResponse(new InvalidToken()).body;
