import { utf8 } from './encoding.js';
import { ImproperlyConfigured } from './errors.js';

/** Minimum length of an HMAC or signing secret, in bytes (256 bits). */
export const MIN_SECRET_BYTES = 32;

/**
 * Masks a secret for display: keeps at most the last 4 characters of a long value and nothing of
 * a short one. `maskSecret('sk_live_abcdef123456')` → `'****3456'`.
 */
export function maskSecret(value: unknown, visible = 4): string {
  if (typeof value !== 'string' || value.length === 0) return '****';
  const keep = value.length >= 16 ? Math.max(0, Math.min(visible, 4)) : 0;
  return keep === 0 ? '****' : '****' + value.slice(-keep);
}

/** Secret bytes from a string or byte array, or ImproperlyConfigured naming `what` (never the value). */
export function secretBytes(secret: unknown, what: string, minBytes = MIN_SECRET_BYTES): Uint8Array {
  let bytes: Uint8Array;
  if (typeof secret === 'string') bytes = utf8(secret);
  else if (secret instanceof Uint8Array) bytes = new Uint8Array(secret);
  else throw new ImproperlyConfigured(`${what} must be a string or Uint8Array`);
  if (bytes.length === 0) throw new ImproperlyConfigured(`${what} must not be empty`);
  if (bytes.length < minBytes) throw new ImproperlyConfigured(`${what} must be at least ${minBytes} bytes (got ${bytes.length})`);
  return bytes;
}
