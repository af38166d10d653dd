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

/**
 * Verified tokens by their exact string, least recently used first out. Bounded by entry count
 * and by total token length. A hit is returned only while the key that verified it is still
 * current; time claims are the caller's to re-check on every hit.
 */
export class VerdictCache {
  readonly #entries = new Map<string, Verdict>();
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
  }

  get(token: string, now: number): Verdict | undefined {
    // The newest entry is answered without hashing the token for a map lookup.
    const newest = token === this.#newest;
    const verdict = newest ? this.#newestVerdict : this.#entries.get(token);
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

  set(token: string, verdict: Verdict): void {
    if (token.length > this.#maxChars) return;
    this.delete(token);
    this.#entries.set(token, verdict);
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
    if (this.#entries.delete(token)) this.#chars -= token.length;
    if (token === this.#newest) {
      this.#newest = undefined;
      this.#newestVerdict = undefined;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
