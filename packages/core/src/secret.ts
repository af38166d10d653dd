import { utf8 } from './encoding.js';
import { ImproperlyConfigured } from './errors.js';

/** Minimum length of an HMAC or signing secret, in bytes (256 bits). */
export const MIN_SECRET_BYTES = 32;

/** Node's `util.inspect` hook, reached by its registered symbol so core needs no node: import. */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as typeof INSPECT;

// Below this length even a 4-character tail is too large a share of the secret to show.
const MIN_LENGTH_TO_SHOW_TAIL = 16;

/**
 * Masks a secret for display: shows at most the last 4 characters of a value of 16 or more
 * characters, and nothing of a shorter one or of a non-string.
 *
 * @example
 * maskSecret('sk_live_abcdef123456'); // '****3456'
 * maskSecret('sk_live_abcdef123456', 0); // '****'
 * maskSecret('short'); // '****'
 */
export function maskSecret(value: unknown, visible = 4): string {
  if (typeof value !== 'string' || value.length < MIN_LENGTH_TO_SHOW_TAIL) return '****';
  // A NaN or fractional `visible` must never turn into `slice(0)`, which would show everything.
  const keep = Number.isInteger(visible) ? Math.max(0, Math.min(visible, 4)) : 0;
  if (keep === 0) return '****';
  const tail = Array.from(value).slice(-keep).join('');
  return '****' + tail;
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

/**
 * Internal: gives `target` a secret-free face for `util.inspect`, `JSON.stringify` and `String()`.
 * The properties are non-enumerable, so they do not show up in spreads or `Object.keys`.
 */
export function redact<T extends object>(target: T, label: string, view: () => Readonly<Record<string, unknown>>): T {
  const describe = (): string => {
    const fields = Object.entries(view()).map(([key, value]) => `${key}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
    return fields.length === 0 ? label : `${label} { ${fields.join(', ')} }`;
  };
  Object.defineProperties(target, {
    [INSPECT]: { value: describe, enumerable: false },
    toJSON: { value: () => ({ type: label, ...view() }), enumerable: false },
    toString: { value: describe, enumerable: false },
  });
  return target;
}
