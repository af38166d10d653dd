// The one policy module Hono, Fastify and Express all import unchanged: who the caller is (a user
// JWT or a service API key), what each role may do, which action needs an approval token, and
// what every error looks like. DEVELOPMENT ONLY: every secret is generated when this module loads
// and lives in memory, so restarting the process invalidates every credential it minted.
import { anyOf, apiKey, argumentsHash, createAuth, generateApiKey, jwt, type AuthPolicy } from '@auth/core';
import { SignJWT } from 'jose';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ISSUER = 'shared-policy-demo';
const AUDIENCE = 'shared-policy-api';
const APPROVAL_TTL_SECONDS = 600;

// 256-bit secrets, fresh on every start: nothing to leak from the repository.
const jwtSecret = randomBytes(32);
const approvalSecret = randomBytes(32);
const service = generateApiKey({ prefix: 'sk_dev' });

/** The action `POST /transfer` is protected as; its approval token is bound to the exact arguments. */
export const TRANSFER = 'transfer';

export const policy: AuthPolicy = createAuth({
  // Tried in order: a request without a bearer token falls through to the API key; a credential
  // that is present but invalid ends the chain with 401, and two credentials at once are 400.
  authenticate: anyOf(
    jwt({ algorithms: ['HS256'], secret: jwtSecret, issuer: ISSUER, audience: AUDIENCE }),
    apiKey({ keys: [{ hash: service.hash, subject: 'billing-service', roles: ['service'] }] }),
  ),
  rolePermissions: {
    admin: ['*'],
    user: ['profile:read', 'transfers:create'],
    service: ['transfers:create'],
  },
  approve: async (request) => verifyApprovalToken(request.token, request.argumentsHash),
  // Every error, from every framework, in this one envelope (status and WWW-Authenticate kept).
  errorResponse: (error) => ({
    headers: { 'x-envelope': 'shared-policy' },
    body: { error: { code: error.code, message: error.detail, status: error.status, ...error.extensions } },
  }),
});

export interface UserTokenOptions {
  /** Lifetime in seconds; negative mints an already expired token (for the check tour). Default 3600. */
  readonly expiresIn?: number;
}

/** A signed user JWT (HS256) for `Authorization: Bearer`; development helper. */
export async function mintUserToken(subject: string, roles: readonly string[], options: UserTokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = options.expiresIn ?? 3600;
  return new SignJWT({ roles: [...roles] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.min(now, now + expiresIn - 60))
    .setExpirationTime(now + expiresIn)
    .sign(jwtSecret);
}

/** The service API key, for the `x-api-key` header; development helper. */
export function serviceApiKey(): string {
  return service.key;
}

/**
 * An approval token for one exact call: `apv1.<expiry>.<HMAC of the arguments hash and expiry>`.
 * Changing any argument changes the hash, so the token approves that call and no other.
 * A real deployment would mint these in a separate approval service and make them single-use.
 */
export function mintApprovalToken(action: string, args: unknown, ttlSeconds = APPROVAL_TTL_SECONDS): string {
  const expiry = Math.floor(Date.now() / 1000) + ttlSeconds;
  return `apv1.${expiry}.${approvalMac(argumentsHash(action, args), expiry)}`;
}

function approvalMac(hash: string, expiry: number): string {
  return createHmac('sha256', approvalSecret).update(`${hash}.${expiry}`).digest('base64url');
}

function verifyApprovalToken(token: string, hash: string): boolean {
  const match = /^apv1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (match === null) return false;
  const expiry = Number(match[1]);
  if (expiry <= Date.now() / 1000) return false;
  const expected = Buffer.from(approvalMac(hash, expiry));
  const given = Buffer.from(match[2]!);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
