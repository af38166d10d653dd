export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

export function round(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A verdict for a median ratio against a minimum; `n/a` when the ratio could not be measured. */
export type Verdict = 'PASS' | 'MISS' | 'n/a';

export function verdict(ratio: number, target: number): Verdict {
  if (!Number.isFinite(ratio)) return 'n/a';
  return ratio >= target ? 'PASS' : 'MISS';
}
