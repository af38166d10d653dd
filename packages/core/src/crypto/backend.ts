import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { ImportedJwsKey, JwsKeyMaterial, JwsVerify } from './jws.js';

/**
 * The hashing primitives core needs. The portable default is @noble/hashes (runs on every runtime);
 * the `node` export condition installs a node:crypto implementation that passes the same tests.
 */
export interface CryptoBackend {
  readonly name: string;
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /**
   * Optional synchronous JWS key import, once per key (never per call), with verifiers that run
   * synchronously. Absent on the portable backend, where `jwt()` imports and verifies through jose.
   * Throws when the material cannot be imported.
   */
  readonly jwsKey?: (material: JwsKeyMaterial) => ImportedJwsKey<JwsVerify>;
}

export const portableBackend: CryptoBackend = Object.freeze({
  name: 'portable',
  sha256: (data: Uint8Array) => sha256(data),
  hmacSha256: (key: Uint8Array, data: Uint8Array) => hmac(sha256, key, data),
});

let current: CryptoBackend = portableBackend;

export function crypto(): CryptoBackend {
  return current;
}

/** Internal: swaps the hashing backend (used by the `node` entry point and by tests). */
export function installBackend(backend: CryptoBackend): void {
  current = backend;
}

/** Constant-time comparison of two byte strings; the length is not treated as secret. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
