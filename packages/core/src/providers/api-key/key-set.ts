import { z } from 'zod';
import type { MetadataValue } from '../../context.js';
import { crypto, timingSafeEqualText } from '../../crypto/backend.js';
import { ImproperlyConfigured } from '../../errors.js';

/** Shortest plain-text key accepted in configuration (guessable keys are refused at start-up). */
export const MIN_API_KEY_LENGTH = 16;
/** Longest key read from a request; anything longer is refused before hashing. */
export const MAX_API_KEY_LENGTH = 1024;

// Visible ASCII: what a key in a header can hold without quoting or encoding surprises.
const KEY_CHARS = /^[\x21-\x7e]+$/;
const HASH = /^sha256:([0-9a-f]{64})$/;

/** Who a configured key stands for. */
export interface ApiKeyIdentity {
  /** The AuthContext subject (unless public users are enabled). */
  readonly subject: string;
  /** A loggable name for the key; defaults to `subject`. Lands in `metadata.apiKeyId`. */
  readonly id?: string;
  readonly roles?: readonly string[];
  readonly permissions?: readonly string[];
  readonly scopes?: readonly string[];
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
}

/** A configured key: the key in plain text (hashed at once) or its stored `hashApiKey()` form. */
export type ApiKeyEntry = ApiKeyIdentity & ({ readonly key: string; readonly hash?: never } | { readonly hash: string; readonly key?: never });

const names = z.array(z.string().min(1)).readonly().optional();
export const entrySchema = z
  .object({
    key: z
      .string()
      .min(MIN_API_KEY_LENGTH, `must be at least ${MIN_API_KEY_LENGTH} characters`)
      .max(MAX_API_KEY_LENGTH)
      .regex(KEY_CHARS, 'must be visible ASCII without spaces')
      .optional(),
    hash: z.string().regex(HASH, "must be 'sha256:' and 64 lowercase hex digits").optional(),
    subject: z.string().min(1),
    id: z.string().min(1).optional(),
    roles: names,
    permissions: names,
    scopes: names,
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((e) => (e.key === undefined) !== (e.hash === undefined), 'needs exactly one of key or hash');

export type ParsedEntry = z.output<typeof entrySchema>;

/** A compiled key: its digest, its loggable id, and what it grants. */
export interface KeyRecord<T> {
  /** Lowercase hex SHA-256 of the key. */
  readonly digestHex: string;
  readonly id: string;
  readonly value: T;
}

/** Keys by the hex of their SHA-256; lookups finish with a constant-time compare of the digests. */
export class KeySet<T> {
  readonly #byDigest: ReadonlyMap<string, KeyRecord<T>>;

  /** `compile` runs now, once per entry, so a bad entry fails at start-up. */
  constructor(entries: readonly ParsedEntry[], where: string, compile: (entry: ParsedEntry, id: string) => T) {
    const map = new Map<string, KeyRecord<T>>();
    entries.forEach((entry, i) => {
      const digestHex = entry.key !== undefined ? crypto().sha256Hex(entry.key) : HASH.exec(entry.hash!)![1]!;
      // The index, never the key: error messages must not leak secrets.
      if (map.has(digestHex)) throw new ImproperlyConfigured(`${where}[${i}] repeats a key configured earlier`);
      const id = entry.id ?? entry.subject;
      map.set(digestHex, Object.freeze({ digestHex, id, value: compile(entry, id) }));
    });
    this.#byDigest = map;
  }

  get size(): number {
    return this.#byDigest.size;
  }

  /** The record for `key`, or null. */
  find(key: string): KeyRecord<T> | null {
    const digestHex = crypto().sha256Hex(key);
    const record = this.#byDigest.get(digestHex);
    // The map lookup is by a hash the caller cannot steer; the compare is constant-time anyway.
    if (record === undefined || !timingSafeEqualText(record.digestHex, digestHex)) return null;
    return record;
  }
}

/** A presented key worth hashing: visible ASCII of sane length. */
export function isPlausibleKey(key: string): boolean {
  return key.length <= MAX_API_KEY_LENGTH && KEY_CHARS.test(key);
}
