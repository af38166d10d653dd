// VerdictCache evicts the least recently used entry, also under heavy churn (it keeps one iterator
// over its map across evictions rather than starting a new one each time).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../src/context.js';
import { VerdictCache, type Verdict } from '../src/providers/jwt/cache.js';

const lease = { retired: false, validUntil: Infinity };
const verdict = (): Verdict => ({ context: {} as AuthContext, claims: {}, header: { alg: 'HS256' } as Verdict['header'], times: {} as Verdict['times'], lease });

describe('VerdictCache eviction', () => {
  it('evicts in least-recently-used order while hits move entries to the back', () => {
    const cache = new VerdictCache(3, 1_000_000);
    for (const t of ['a', 'b', 'c']) cache.set(t, verdict());
    expect(cache.get('a', 0)).toBeDefined(); // order now b, c, a
    cache.set('d', verdict()); // evicts b
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('c', 0)).toBeDefined(); // order a, d, c
    cache.set('e', verdict()); // evicts a
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.get('d', 0)).toBeDefined();
    expect(cache.get('c', 0)).toBeDefined();
    expect(cache.get('e', 0)).toBeDefined();
    expect(cache.size).toBe(3);
  });

  it('matches a reference LRU over a long random run, emptied and refilled on the way', () => {
    const cache = new VerdictCache(50, 1_000_000);
    const reference: string[] = [];
    let seed = 7;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let step = 0; step < 20_000; step++) {
      const token = `t${rand(120)}`;
      const op = rand(10);
      if (op < 5) {
        const hit = cache.get(token, 0) !== undefined;
        const at = reference.indexOf(token);
        expect(hit).toBe(at !== -1);
        if (at !== -1) reference.push(...reference.splice(at, 1));
      } else if (op < 9) {
        cache.set(token, verdict());
        const at = reference.indexOf(token);
        if (at !== -1) reference.splice(at, 1);
        reference.push(token);
        if (reference.length > 50) reference.shift();
      } else {
        for (const t of [...reference]) cache.delete(t);
        reference.length = 0;
      }
      expect(cache.size).toBe(reference.length);
    }
  });

  it('answers the newest entry without a lookup, yet still drops it when deleted, retired or stale', () => {
    const cache = new VerdictCache(10, 1_000_000);
    const own = { retired: false, validUntil: 100 };
    const v: Verdict = { ...verdict(), lease: own };
    cache.set('a', v);
    expect(cache.get('a', 0)).toBe(v);
    expect(cache.get('a'.repeat(1), 0)).toBe(v);
    cache.delete('a');
    expect(cache.get('a', 0)).toBeUndefined();
    cache.set('a', v);
    expect(cache.get('a', 100)).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set('a', v);
    own.retired = true;
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe('VerdictCache admission (offer)', () => {
  // Distinct tokens whose final characters (what the doorkeeper fingerprints) differ pseudo-randomly.
  let counter = 0;
  const fresh = (): string => `h.p.${createHash('sha256').update(String(counter++)).digest('base64url')}`;

  it('admits at once while there is room, then only on a second sighting', () => {
    const cache = new VerdictCache(3, 1_000_000);
    const [a, b, c, d] = [fresh(), fresh(), fresh(), fresh()];
    for (const t of [a, b, c]) expect(cache.offer(t, verdict())).toBe(true);
    expect(cache.offer(d, verdict())).toBe(false); // full: a first sighting is not admitted
    expect(cache.get(d, 0)).toBeUndefined();
    expect(cache.size).toBe(3);
    expect(cache.offer(d, verdict())).toBe(true); // second sighting: admitted, evicting the oldest
    expect(cache.get(d, 0)).toBeDefined();
    expect(cache.get(a, 0)).toBeUndefined();
    expect(cache.size).toBe(3);
  });

  it('counts room by characters as well as by entries', () => {
    const a = fresh();
    const cache = new VerdictCache(100, a.length * 2);
    expect(cache.offer(a, verdict())).toBe(true);
    expect(cache.offer(fresh(), verdict())).toBe(true);
    const c = fresh();
    expect(cache.offer(c, verdict())).toBe(false);
    expect(cache.offer(c, verdict())).toBe(true);
    expect(cache.size).toBe(2);
  });

  it('replaces a token already cached without a second sighting', () => {
    const cache = new VerdictCache(1, 1_000_000);
    const a = fresh();
    cache.offer(a, verdict());
    const replacement = verdict();
    expect(cache.offer(a, replacement)).toBe(true);
    expect(cache.get(a, 0)).toBe(replacement);
  });

  it('keeps hot entries through a flood of one-off tokens, and forgets old first sightings', () => {
    const cache = new VerdictCache(100, 1_000_000);
    const hot = Array.from({ length: 100 }, fresh);
    for (const t of hot) cache.offer(t, verdict());
    const early = fresh();
    expect(cache.offer(early, verdict())).toBe(false);
    let admitted = 0;
    for (let i = 0; i < 60_000; i++) if (cache.offer(fresh(), verdict())) admitted++;
    expect(admitted).toBe(0);
    for (const t of hot) expect(cache.get(t, 0)).toBeDefined();
    // Sixty thousand first sightings later, the doorkeeper no longer remembers this one.
    expect(cache.offer(early, verdict())).toBe(false);
  });

  it('never admits a token longer than the character bound', () => {
    const cache = new VerdictCache(10, 8);
    expect(cache.offer('x'.repeat(9), verdict())).toBe(false);
    expect(cache.offer('x'.repeat(9), verdict())).toBe(false);
    expect(cache.size).toBe(0);
  });
});

describe('VerdictCache presence filter', () => {
  it('never misses a cached token, with many tokens sharing a fingerprint (last characters)', () => {
    const cache = new VerdictCache(1000, 1_000_000);
    const present = new Set<string>();
    let seed = 11;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    // Few distinct endings, so fingerprint slots are shared and their counts go up and down.
    const tokenOf = (i: number): string => `${i}.${['tail-one', 'tail-two', 'tail-333'][i % 3]}`;
    for (let step = 0; step < 20_000; step++) {
      const token = tokenOf(rand(200));
      const op = rand(3);
      if (op === 0) {
        cache.set(token, verdict());
        present.add(token);
      } else if (op === 1) {
        cache.delete(token);
        present.delete(token);
      } else {
        expect(cache.get(token, 0) !== undefined).toBe(present.has(token));
      }
      expect(cache.size).toBe(present.size);
    }
    for (let i = 0; i < 200; i++) expect(cache.get(tokenOf(i), 0) !== undefined).toBe(present.has(tokenOf(i)));
  });

  it('keeps answering for a slot whose count saturated', () => {
    const cache = new VerdictCache(1000, 1_000_000);
    const tokens = Array.from({ length: 300 }, (_, i) => `${i}.same-end`);
    for (const t of tokens) cache.set(t, verdict());
    // As many deletions as the count could hold: a count that kept going down would now read zero.
    for (const t of tokens.slice(0, 255)) cache.delete(t);
    expect(cache.size).toBe(45);
    for (const t of tokens.slice(255)) expect(cache.get(t, 0)).toBeDefined();
    for (const t of tokens.slice(0, 255)) expect(cache.get(t, 0)).toBeUndefined();
    cache.set(tokens[5]!, verdict());
    expect(cache.get(tokens[5]!, 0)).toBeDefined();
  });
});
