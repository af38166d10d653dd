import { z } from 'zod';
import { crypto } from '../../crypto/backend.js';
import { parseOptions } from '../../options.js';
import { INSPECT } from '../../secret.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// 43 base62 characters carry 43 × log2(62) ≈ 256.03 bits.
const SECRET_CHARS = 43;
// Bytes below 248 (= 4 × 62) map uniformly onto the alphabet; the rest are redrawn.
const UNBIASED_LIMIT = 248;

/** Letters and digits, optionally joined by single underscores, e.g. `sk`, `sk_live`, `cat_ws`. */
export const API_KEY_PREFIX = /^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$/;

export interface GenerateApiKeyOptions {
  /** Public, loggable part of the key, e.g. `sk_live`. Default `sk`. At most 32 characters. */
  readonly prefix?: string;
}

const optionsSchema = z
  .object({ prefix: z.string().min(1).max(32).regex(API_KEY_PREFIX, 'must be letters and digits joined by single underscores').optional() })
  .strict();

/**
 * `'sha256:'` + lowercase hex SHA-256 of the key: the form to store instead of the key itself, and
 * to pass to `apiKey({ keys: [{ hash, subject }] })`.
 *
 * @example
 * hashApiKey('sk_3fJ…'); // 'sha256:9f86d0…'
 */
export function hashApiKey(key: string): string {
  if (typeof key !== 'string' || key === '') throw new TypeError('hashApiKey: key must be a non-empty string');
  return 'sha256:' + crypto().sha256Hex(key);
}

/**
 * A freshly generated API key. `key` is the secret to hand to the client once; `prefix` and
 * `hash` are safe to log and store. Printing, logging or serialising the object shows only the
 * prefix: `String(k)` is `'sk_live_****'`.
 */
export class GeneratedApiKey {
  readonly #key: string;
  readonly prefix: string;
  readonly hash: string;

  constructor(prefix: string, key: string) {
    this.#key = key;
    this.prefix = prefix;
    this.hash = hashApiKey(key);
    Object.freeze(this);
  }

  /** The full key. Show it to its owner once; store {@link hash} instead. */
  get key(): string {
    return this.#key;
  }

  toString(): string {
    return `${this.prefix}_****`;
  }

  toJSON(): { prefix: string; hash: string } {
    return { prefix: this.prefix, hash: this.hash };
  }

  [INSPECT](): string {
    return `GeneratedApiKey { prefix: ${JSON.stringify(this.prefix)}, key: '${this.prefix}_****', hash: ${JSON.stringify(this.hash)} }`;
  }
}

/**
 * Generates `<prefix>_<43 base62 characters>`: at least 256 bits from `crypto.getRandomValues`,
 * in an alphabet that survives copy-paste, URLs and headers unchanged.
 *
 * @example
 * const generated = generateApiKey({ prefix: 'sk_live' });
 * sendToOwnerOnce(generated.key);      // 'sk_live_4Gq…'
 * await db.saveKey(generated.hash);    // 'sha256:…'
 * console.log(generated);              // GeneratedApiKey { prefix: 'sk_live', key: 'sk_live_****', … }
 */
export function generateApiKey(options: GenerateApiKeyOptions = {}): GeneratedApiKey {
  const prefix = parseOptions(optionsSchema, options, 'generateApiKey').prefix ?? 'sk';
  let secret = '';
  const pool = new Uint8Array(64);
  while (secret.length < SECRET_CHARS) {
    globalThis.crypto.getRandomValues(pool);
    for (let i = 0; i < pool.length && secret.length < SECRET_CHARS; i++) {
      const byte = pool[i]!;
      if (byte < UNBIASED_LIMIT) secret += BASE62[byte % 62]!;
    }
  }
  return new GeneratedApiKey(prefix, `${prefix}_${secret}`);
}
