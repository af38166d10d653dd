// The @auth/core policies the @auth/<framework> variants mount: jwt() with HS256 or ES256, or
// apiKey(), with defaults (so the verified-token cache is whatever users get out of the box).
import { apiKey, createAuth, jwt, type AuthPolicy } from '@auth/core';
import type { Fixtures } from '../fixtures.js';
import type { Variant } from '../variants.js';

// Diagnostics only (never set by run.ts): BENCH_JWT_CACHE=off turns the verified-token cache off.
const cacheOption = process.env['BENCH_JWT_CACHE'] === 'off' ? { cache: false as const } : {};

export function authPolicy(variant: Variant, f: Fixtures): AuthPolicy {
  switch (variant) {
    case 'auth-jwt-hs256':
      return createAuth({ authenticate: jwt({ algorithms: ['HS256'], secret: f.hsSecret, ...cacheOption }), logger: false });
    case 'auth-jwt-es256':
      return createAuth({ authenticate: jwt({ algorithms: ['ES256'], key: f.esPublicPem, ...cacheOption }), logger: false });
    case 'auth-apikey':
      return createAuth({ authenticate: apiKey({ keys: [{ key: f.apiKey, subject: f.apiKeyId }] }), logger: false });
    default:
      throw new Error(`variant ${variant} does not use @auth`);
  }
}
