import type { AuthContext } from '../../context.js';
import type { TimeClaims } from './claims.js';
import type { JwtClaims, JwtHeader } from './types.js';
import type { KeyLease } from './verification-key.js';

/** A token whose signature and claims were verified, and what it mapped to. */
export interface Verdict {
  readonly context: AuthContext;
  readonly claims: JwtClaims;
  readonly header: JwtHeader;
  readonly times: TimeClaims;
  readonly lease: KeyLease;
}

// Doorkeeper slots (a power of two): how many recent first sightings are remembered, at most.
const DOORKEEPER_SLOTS = 4096;
// Most presence-filter slots (one byte each), however large the cache.
const PRESENCE_MAX_SLOTS = 1 << 20;

/**
 * Verified tokens by their exact string, least recently used first out. Bounded by entry count
 * and by total token length. A hit is returned only while the key that verified it is still
 * current; time claims are the caller's to re-check on every hit.
 *
 * Admission ({@link offer}): while the cache has room a verified token goes straight in; once it
 * is full, only a token seen verified before, within a recent window, displaces another (the
 * doorkeeper of W-TinyLFU). A stream of one-off tokens then neither evicts the tokens clients
 * keep reusing nor keeps promoting verdicts that die soon after into the old generation.
 */
export class VerdictCache {
  readonly #entries = new Map<string, Verdict>();
  // Fingerprints of tokens verified once while the cache was full, one per slot (0: none). Lossy
  // on purpose: a slot is overwritten by the next token that maps to it, and a false match only
  // admits a token that was verified anyway.
  readonly #seen = new Int32Array(DOORKEEPER_SLOTS);
  // Cached tokens counted by fingerprint slot: a token whose slot counts none is certainly not
  // cached, so most misses are answered without hashing the whole token for a map lookup. A
  // count that reaches 255 stays there (the slot then always answers "maybe").
  readonly #present: Uint8Array;
  readonly #presentMask: number;
  readonly #maxEntries: number;
  readonly #maxChars: number;
  #chars = 0;
  // Kept across evictions: every live entry lies ahead of it (entries only ever go in at the end),
  // so its next value is the least recently used. A fresh `keys().next()` per eviction would scan
  // past every entry deleted since the map last compacted: microseconds per eviction under churn.
  #oldest: IterableIterator<string> = this.#entries.keys();
  // The most recently set or used token, which is last in the map.
  #newest: string | undefined;
  #newestVerdict: Verdict | undefined;

  constructor(maxEntries: number, maxChars: number) {
    this.#maxEntries = maxEntries;
    this.#maxChars = maxChars;
    // About two slots per entry, a power of two: 32 KiB for the default 10 000 entries.
    let slots = 64;
    while (slots < 2 * maxEntries && slots < PRESENCE_MAX_SLOTS) slots *= 2;
    this.#present = new Uint8Array(slots);
    this.#presentMask = slots - 1;
  }

  get(token: string, now: number): Verdict | undefined {
    // The newest entry is answered without hashing the token for a map lookup, and so is a
    // token whose fingerprint no cached token has.
    const newest = token === this.#newest;
    let verdict: Verdict | undefined;
    if (newest) verdict = this.#newestVerdict;
    else if (this.#present[fingerprintOf(token) & this.#presentMask] !== 0) verdict = this.#entries.get(token);
    if (verdict === undefined) return undefined;
    if (verdict.lease.retired || now >= verdict.lease.validUntil) {
      this.delete(token);
      return undefined;
    }
    // Moved to the back unless it is there already: one token reused by every request (the
    // common case) then costs no map writes, which would pile up deleted slots to compact.
    if (!newest) {
      this.#entries.delete(token);
      this.#entries.set(token, verdict);
      this.#newest = token;
      this.#newestVerdict = verdict;
    }
    return verdict;
  }

  /**
   * Offers a just-verified token: cached at once while there is room, otherwise on its second
   * sighting within the doorkeeper's window. True when it was cached.
   */
  offer(token: string, verdict: Verdict): boolean {
    const full = this.#entries.size >= this.#maxEntries || this.#chars + token.length > this.#maxChars;
    if (full && !this.#has(token)) {
      const fingerprint = fingerprintOf(token);
      const slot = fingerprint & (DOORKEEPER_SLOTS - 1);
      if (this.#seen[slot] !== fingerprint) {
        this.#seen[slot] = fingerprint;
        return false;
      }
      this.#seen[slot] = 0;
    }
    this.set(token, verdict);
    return this.#newest === token;
  }

  /** Caches `token` unconditionally (evicting the least recently used beyond the bounds). */
  set(token: string, verdict: Verdict): void {
    if (token.length > this.#maxChars) return;
    this.delete(token);
    this.#entries.set(token, verdict);
    const slot = fingerprintOf(token) & this.#presentMask;
    if (this.#present[slot]! < 255) this.#present[slot]!++;
    this.#newest = token;
    this.#newestVerdict = verdict;
    this.#chars += token.length;
    while (this.#entries.size > this.#maxEntries || this.#chars > this.#maxChars) {
      let next = this.#oldest.next();
      if (next.done === true) {
        this.#oldest = this.#entries.keys();
        next = this.#oldest.next();
      }
      this.delete(next.value as string);
    }
  }

  delete(token: string): void {
    if (this.#entries.delete(token)) {
      this.#chars -= token.length;
      const slot = fingerprintOf(token) & this.#presentMask;
      if (this.#present[slot]! < 255) this.#present[slot]!--;
    }
    if (token === this.#newest) {
      this.#newest = undefined;
      this.#newestVerdict = undefined;
    }
  }

  // Map membership, skipping the map (and hashing the token) when the presence filter rules it out.
  #has(token: string): boolean {
    return this.#present[fingerprintOf(token) & this.#presentMask] !== 0 && this.#entries.has(token);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * A non-zero 32-bit fingerprint of a token from its last eight characters: the end of the
 * signature segment, pseudo-random for a verified token (the only kind cached or offered). A
 * token made up to share a cached token's fingerprint only costs itself a map lookup.
 */
function fingerprintOf(token: string): number {
  let h = 0x811c9dc5;
  for (let i = Math.max(0, token.length - 8); i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  return h === 0 ? 1 : h;
}
