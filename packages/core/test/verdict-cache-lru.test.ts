// VerdictCache evicts the least recently used entry, also under heavy churn (it keeps one iterator
// over its map across evictions rather than starting a new one each time).
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
