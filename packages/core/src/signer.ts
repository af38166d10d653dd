import { z } from 'zod';
import { crypto, timingSafeEqualText, type HmacKey } from './crypto/backend.js';
import { isWellFormed } from './encoding.js';
import { parseOptions } from './options.js';
import { INSPECT, secretBytes } from './secret.js';

export interface SignedCookieSignerOptions {
  /** Old secrets still accepted by `verify` during rotation; each at least 32 bytes. Never used to sign. */
  readonly fallbackSecrets?: readonly (string | Uint8Array)[];
  /** Purpose-specific salt, so one secret can sign several kinds of value. Default `quater.cookie`. */
  readonly salt?: string;
  /** Reject values signed longer ago than this many seconds (embeds the signing time; see the class docs). */
  readonly maxAge?: number;
}

/** What {@link SignedCookieSigner.verifyDetailed} learns about a valid signed value. */
export interface VerifiedValue {
  readonly value: string;
  /** True when a fallback secret matched: re-sign the value with `sign()` so rotation can finish. */
  readonly fallback: boolean;
  /** Signing time in Unix seconds, present only when the signer has a `maxAge`. */
  readonly issuedAt?: number;
}

/** Quater's default, kept for wire compatibility. */
export const DEFAULT_SIGNER_SALT = 'quater.cookie';
/** How far in the future a signing time may lie (clock skew between servers), in seconds. */
export const MAX_CLOCK_SKEW_SECONDS = 30;
// Ten years: larger values are almost certainly milliseconds passed by mistake.
const MAX_AGE_LIMIT = 315_360_000;

const optionsSchema = z
  .object({
    fallbackSecrets: z.array(z.unknown()).readonly().optional(),
    salt: z.string().refine(isWellFormed, 'must not contain lone surrogates').optional(),
    maxAge: z.number().int().min(1).max(MAX_AGE_LIMIT).optional(),
  })
  .strict();

const MAC_LENGTH = 43; // unpadded base64url of 32 bytes
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const ISSUED_AT = /^(?:0|[1-9][0-9]{0,15})$/;

/**
 * HMAC-SHA256 signer for small cookie values. It signs; it does not encrypt.
 *
 * Wire format, without `maxAge` (byte-for-byte Quater's):
 * `base64url(utf8(value)) + '.' + base64url(HMAC-SHA256(secret, utf8(salt) + ':' + payload))`,
 * where `payload` is the first part and base64url is unpadded.
 *
 * With `maxAge`, the signing time (whole Unix seconds, canonical decimal) joins the payload:
 * `payload = base64url(utf8(value)) + '.' + issuedAt`, so the value is `payload + '.' + mac` with
 * the MAC over `utf8(salt) + ':' + payload`. Such a signer refuses values without a time, values
 * older than `maxAge`, and values more than {@link MAX_CLOCK_SKEW_SECONDS} in the future; a signer
 * without `maxAge` refuses timed values. The two formats therefore never verify as each other.
 *
 * The current secret signs; it and every fallback verify. `verifyDetailed` says whether a fallback
 * matched, so the caller can re-sign and finish a rotation without logging anyone out.
 *
 * @example
 * const signer = new SignedCookieSigner(process.env.COOKIE_SECRET!, { fallbackSecrets: [process.env.OLD_COOKIE_SECRET!] });
 * const cookie = signer.sign('user_123');
 * signer.verify(cookie); // 'user_123'
 * const result = signer.verifyDetailed(cookieFromRequest);
 * if (result?.fallback) setCookie(signer.sign(result.value)); // rotation
 */
export class SignedCookieSigner {
  readonly #keys: readonly HmacKey[];
  // utf8(salt) + ':' prefixes every MAC input.
  readonly #prefix: string;
  readonly #saltText: string;
  readonly #maxAge: number | undefined;

  constructor(secret: string | Uint8Array, options: SignedCookieSignerOptions = {}) {
    const current = secretBytes(secret, 'SignedCookieSigner: secret');
    const opts = parseOptions(optionsSchema, options, 'SignedCookieSigner');
    const fallbacks = (opts.fallbackSecrets ?? []).map((s, i) => secretBytes(s, `SignedCookieSigner: fallbackSecrets[${i}]`));
    // Imported once: the backend prepares each key's HMAC state and reuses it for every MAC.
    this.#keys = Object.freeze([current, ...fallbacks].map((bytes) => crypto().hmacKey(bytes)));
    this.#saltText = opts.salt ?? DEFAULT_SIGNER_SALT;
    this.#prefix = this.#saltText + ':';
    this.#maxAge = opts.maxAge;
    Object.freeze(this);
  }

  /** Seconds a signed value stays valid, or undefined when values never expire. */
  get maxAge(): number | undefined {
    return this.#maxAge;
  }

  /**
   * Signs `value` with the current secret (and the current time when the signer has a `maxAge`).
   *
   * @throws TypeError when `value` is not a string or holds a lone surrogate (not encodable as UTF-8,
   *   so it could not round-trip).
   * @example
   * signer.sign('user_123'); // 'dXNlcl8xMjM.…'
   */
  sign(value: string): string {
    if (typeof value !== 'string') throw new TypeError('SignedCookieSigner.sign: value must be a string');
    if (!isWellFormed(value)) throw new TypeError('SignedCookieSigner.sign: value holds a lone surrogate and cannot be encoded as UTF-8');
    let payload = crypto().base64urlText(value);
    if (this.#maxAge !== undefined) payload += '.' + String(nowSeconds());
    return payload + '.' + this.#keys[0]!.macBase64url(this.#prefix + payload);
  }

  /**
   * The original value when `signed` carries a valid signature (and is fresh enough), else null.
   * Never throws: anything malformed, including non-strings, is null.
   *
   * @example
   * signer.verify(request.cookies.get('flash') ?? ''); // string | null
   */
  verify(signed: unknown): string | null {
    return this.#read(signed, false) as string | null;
  }

  /**
   * Like {@link verify}, but also reports whether a fallback secret matched (re-sign then) and,
   * for a timed signer, when the value was signed. Null for anything invalid; never throws.
   *
   * @example
   * const result = signer.verifyDetailed(cookie);
   * if (result === null) return null;
   * if (result.fallback) res.setHeader('set-cookie', serialize(signer.sign(result.value)));
   */
  verifyDetailed(signed: unknown): VerifiedValue | null {
    return this.#read(signed, true) as VerifiedValue | null;
  }

  // verify() and verifyDetailed() in one: the bare value, or (detailed) the frozen VerifiedValue.
  #read(signed: unknown, detailed: boolean): string | VerifiedValue | null {
    if (typeof signed !== 'string') return null;
    const timed = this.#maxAge !== undefined;
    // payload[.issuedAt].mac, located without splitting (no array per call).
    const first = signed.indexOf('.');
    const last = signed.lastIndexOf('.');
    if (first < 0 || (timed ? first === last || signed.indexOf('.', first + 1) !== last : first !== last)) return null;
    const encoded = signed.slice(0, first);
    const issuedText = timed ? signed.slice(first + 1, last) : '';
    const mac = signed.slice(last + 1);
    // Structure first (no secret involved), so only well-formed ASCII payloads reach the MAC. The
    // MAC itself needs no alphabet check: it is compared with a canonical MAC of the same length.
    if (mac.length !== MAC_LENGTH || !BASE64URL.test(encoded)) return null;
    if (timed && !ISSUED_AT.test(issuedText)) return null;
    const matched = this.#match(signed.slice(0, last), mac);
    if (matched < 0) return null;
    // Strict decoding still runs: a fallback secret may have signed a non-canonical payload.
    const value = crypto().textFromBase64url(encoded);
    if (value === null) return null;
    const issuedAt = timed ? freshIssuedAt(issuedText, this.#maxAge!) : undefined;
    if (issuedAt === null) return null;
    if (!detailed) return value;
    return Object.freeze(issuedAt === undefined ? { value, fallback: matched > 0 } : { value, fallback: matched > 0, issuedAt });
  }

  // Index of the first secret whose MAC matches; every secret is tried so timing does not say which.
  // MACs are compared as base64url text: one canonical encoding per MAC, compared in constant time.
  #match(payload: string, given: string): number {
    let matched = -1;
    const input = this.#prefix + payload;
    for (let i = 0; i < this.#keys.length; i++) {
      if (timingSafeEqualText(this.#keys[i]!.macBase64url(input), given) && matched < 0) matched = i;
    }
    return matched;
  }

  toJSON(): Record<string, unknown> {
    return { type: 'SignedCookieSigner', secrets: '[redacted]', fallbackSecrets: this.#keys.length - 1, salt: this.#saltText, maxAge: this.#maxAge ?? null };
  }

  toString(): string {
    return `SignedCookieSigner { secrets: [redacted], fallbackSecrets: ${this.#keys.length - 1}, salt: ${JSON.stringify(this.#saltText)}${this.#maxAge === undefined ? '' : `, maxAge: ${this.#maxAge}`} }`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

function freshIssuedAt(text: string, maxAge: number): number | null {
  const issuedAt = Number(text);
  if (!Number.isSafeInteger(issuedAt)) return null;
  const now = nowSeconds();
  if (issuedAt > now + MAX_CLOCK_SKEW_SECONDS) return null;
  if (now - issuedAt > maxAge) return null;
  return issuedAt;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
