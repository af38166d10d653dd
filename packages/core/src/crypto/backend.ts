import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64url, base64urlDecodeStrict, hex, utf8, utf8DecodeStrict } from '../encoding.js';
import type { ImportedJwsKey, JwsKeyMaterial, JwsVerify } from './jws.js';

/** An HMAC-SHA256 key prepared once (padded and hashed), reused for every MAC. */
export interface HmacKey {
  /** Unpadded base64url HMAC-SHA256 of the UTF-8 encoding of `text`. */
  macBase64url(text: string): string;
}

/**
 * The hashing primitives core needs. The portable default is @noble/hashes (runs on every runtime);
 * the `node` export condition installs a node:crypto implementation that passes the same tests.
 */
export interface CryptoBackend {
  readonly name: string;
  sha256(data: Uint8Array): Uint8Array;
  /** SHA-256 of the UTF-8 encoding of `text`, in lowercase hex. */
  sha256Hex(text: string): string;
  hmacKey(secret: Uint8Array): HmacKey;
  /** Unpadded base64url of the UTF-8 encoding of `text` (a well-formed string). */
  base64urlText(text: string): string;
  /**
   * The bytes `encoded` is the canonical unpadded base64url of; null for anything else (padding,
   * whitespace, characters outside the alphabet, an impossible length, non-zero unused bits).
   * Accepts exactly what `base64urlDecodeStrict` accepts.
   */
  base64urlDecode(encoded: string): Uint8Array | null;
  /** The text whose UTF-8 bytes `encoded` is the canonical unpadded base64url of; null for anything else. */
  textFromBase64url(encoded: string): string | null;
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
  sha256Hex: (text: string) => hex(sha256(utf8(text))),
  hmacKey: (secret: Uint8Array): HmacKey => {
    // The keyed inner/outer state is computed once; each MAC clones it.
    const keyed = hmac.create(sha256, secret);
    return { macBase64url: (text) => base64url(keyed.clone().update(utf8(text)).digest()) };
  },
  base64urlText: (text: string) => base64url(utf8(text)),
  base64urlDecode: base64urlDecodeStrict,
  textFromBase64url: (encoded: string) => {
    const bytes = base64urlDecodeStrict(encoded);
    return bytes === null ? null : utf8DecodeStrict(bytes);
  },
});

let current: CryptoBackend = portableBackend;

export function crypto(): CryptoBackend {
  return current;
}

/** Internal: swaps the hashing backend (used by the `node` entry point and by tests). */
export function installBackend(backend: CryptoBackend): void {
  current = backend;
}

/** Constant-time comparison of two strings of UTF-16 code units; the length is not treated as secret. */
export function timingSafeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Constant-time comparison of two byte strings; the length is not treated as secret. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
