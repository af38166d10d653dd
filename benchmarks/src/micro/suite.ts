// Micro benchmarks, in this process. Each group holds our implementation and what users would
// otherwise use. Every round measures each candidate once with mitata's `measure` (its time/op),
// in an order reversed every other round; then each comparison's ratio for the round is the median
// over paired batches, ours and the baseline run alternately (~1 ms each), so both meet the same
// machine: on a shared machine, mitata's back-to-back 100 ms runs differ by 2x in either direction.
import { measure } from 'mitata';
import { median, round, verdict } from '../stats.js';
import type { Comparison } from '../http/suite.js';

export interface Candidate {
  readonly name: string;
  /** One operation; may return a promise. */
  readonly fn: () => unknown;
}

export interface MicroComparisonDef {
  readonly ours: string;
  readonly base: string;
  readonly target?: number;
}

export interface MicroGroup {
  readonly id: string;
  readonly title: string;
  readonly candidates: readonly Candidate[];
  readonly comparisons: readonly MicroComparisonDef[];
  /** Runs before measuring: every candidate must compute the right thing. Returns problems. */
  verify(): Promise<string[]>;
}

export interface MicroSettings {
  readonly rounds: number;
  /** Time mitata spends per measurement, in ms. */
  readonly minCpuTimeMs: number;
  readonly batchSamples: number;
  readonly minSamples: number;
  /** Paired batches per comparison and round (ours and the baseline, alternately; order swapped every pair). */
  readonly pairs: number;
  /** Wall time each batch aims at, in ms. */
  readonly batchMs: number;
}

export interface MicroRun {
  readonly round: number;
  readonly group: string;
  readonly candidate: string;
  readonly p50Ns: number;
  readonly avgNs: number;
  readonly p99Ns: number;
  readonly samples: number;
}

export interface MicroSummaryRow {
  readonly group: string;
  readonly candidate: string;
  readonly p50NsMedian: number;
  readonly opsPerSec: number;
}

export interface MicroResults {
  readonly runs: readonly MicroRun[];
  readonly summary: readonly MicroSummaryRow[];
  readonly comparisons: readonly Comparison[];
  readonly failures: readonly string[];
}

export async function runMicro(
  groups: readonly MicroGroup[],
  settings: MicroSettings,
  log: (line: string) => void,
  aborted: () => boolean,
): Promise<MicroResults> {
  const runs: MicroRun[] = [];
  const failures: string[] = [];
  // Per comparison (group, ours, base): one ratio per round, each the median over its paired batches.
  const pairRatios = new Map<string, number[]>();
  const usable: MicroGroup[] = [];
  for (const group of groups) {
    let problems: string[];
    try {
      problems = await group.verify();
    } catch (error) {
      problems = [`verification threw: ${(error as Error).message}`];
    }
    if (problems.length > 0) {
      failures.push(`micro ${group.id}: ${problems.join('; ')}`);
      log(`  FAIL micro ${group.id}: ${problems.join('; ')}`);
    } else usable.push(group);
  }

  // An unrecorded pass first, so round 1 does not pay for JIT warm-up.
  for (const group of usable) {
    for (const candidate of group.candidates) {
      if (aborted()) break;
      try {
        await measure(candidate.fn, { min_cpu_time: (settings.minCpuTimeMs * 1e6) / 4, batch_samples: settings.batchSamples, min_samples: 1 });
      } catch {
        // reported by the measured rounds
      }
    }
  }

  for (let r = 1; r <= settings.rounds && !aborted(); r++) {
    for (const group of usable) {
      const candidates = r % 2 === 1 ? group.candidates : [...group.candidates].reverse();
      for (const candidate of candidates) {
        if (aborted()) break;
        try {
          const stats = await measure(candidate.fn, {
            min_cpu_time: settings.minCpuTimeMs * 1e6,
            batch_samples: settings.batchSamples,
            min_samples: settings.minSamples,
          });
          runs.push({ round: r, group: group.id, candidate: candidate.name, p50Ns: stats.p50, avgNs: stats.avg, p99Ns: stats.p99, samples: stats.samples.length });
        } catch (error) {
          failures.push(`micro ${group.id} / ${candidate.name}: ${(error as Error).message}`);
        }
      }
      const ratios: string[] = [];
      for (const def of group.comparisons) {
        if (aborted()) break;
        const ours = group.candidates.find((c) => c.name === def.ours);
        const base = group.candidates.find((c) => c.name === def.base);
        if (ours === undefined || base === undefined) continue;
        const key = `${group.id}\u0000${def.ours}\u0000${def.base}`;
        try {
          const ratio = round(await pairedRatio(ours.fn, base.fn, settings.pairs, settings.batchMs), 3);
          pairRatios.set(key, [...(pairRatios.get(key) ?? []), ratio]);
          ratios.push(`${def.ours} / ${def.base} ${ratio.toFixed(2)}x`);
        } catch (error) {
          failures.push(`micro ${group.id} / ${def.ours} vs ${def.base}: ${(error as Error).message}`);
        }
      }
      log(
        `  r${r} ${group.title}: ${group.candidates.map((c) => `${c.name} ${fmtNs(runs.find((x) => x.round === r && x.group === group.id && x.candidate === c.name)?.p50Ns)}`).join(', ')}` +
          (ratios.length === 0 ? '' : `; paired: ${ratios.join(', ')}`),
      );
    }
  }

  const summary: MicroSummaryRow[] = [];
  const comparisons: Comparison[] = [];
  for (const group of usable) {
    for (const c of group.candidates) {
      const p50 = median(runs.filter((x) => x.group === group.id && x.candidate === c.name).map((x) => x.p50Ns));
      summary.push({ group: group.id, candidate: c.name, p50NsMedian: round(p50, 1), opsPerSec: round(1e9 / p50, 0) });
    }
    for (const def of group.comparisons) {
      const perRound = pairRatios.get(`${group.id}\u0000${def.ours}\u0000${def.base}`) ?? [];
      const med = round(median(perRound), 3);
      comparisons.push({
        id: `micro.${group.id}.${def.ours}/${def.base}`,
        label: `${group.title}: ${def.ours} / ${def.base}`,
        numerator: def.ours,
        denominator: def.base,
        perRound,
        median: med,
        ...(def.target === undefined ? {} : { target: def.target, verdict: verdict(med, def.target) }),
      });
    }
  }
  return { runs, summary, comparisons, failures };
}

// Results are stored here, so the optimiser cannot drop a call whose result is unused.
export let sink: unknown;

/** Mean time per call over `n` calls, in ns; awaits each call only when the candidate is async. */
async function timeBatch(fn: () => unknown, n: number, isAsync: boolean): Promise<number> {
  const start = process.hrtime.bigint();
  if (isAsync) for (let i = 0; i < n; i++) sink = await fn();
  else for (let i = 0; i < n; i++) sink = fn();
  return Number(process.hrtime.bigint() - start) / n;
}

/** Calls per batch so that a batch takes about `batchMs`. */
async function batchSize(fn: () => unknown, isAsync: boolean, batchMs: number): Promise<number> {
  const target = batchMs * 1e6;
  for (let n = 1; ; n *= 4) {
    const perCall = await timeBatch(fn, n, isAsync);
    if (perCall * n >= target / 4 || n >= 1 << 22) return Math.max(1, Math.round(target / Math.max(perCall, 1)));
  }
}

/**
 * Their time per call over ours, as the median over `pairs` adjacent batches (which of the two runs
 * first alternates), so that whatever else the machine does hits both sides of most pairs alike.
 */
async function pairedRatio(ours: () => unknown, base: () => unknown, pairs: number, batchMs: number): Promise<number> {
  const isAsync = async (fn: () => unknown): Promise<boolean> => {
    const result = fn();
    const thenable = typeof (result as { then?: unknown } | null)?.then === 'function';
    if (thenable) await result;
    return thenable;
  };
  const oursAsync = await isAsync(ours);
  const baseAsync = await isAsync(base);
  const nOurs = await batchSize(ours, oursAsync, batchMs);
  const nBase = await batchSize(base, baseAsync, batchMs);
  const ratios: number[] = [];
  for (let p = 0; p < pairs; p++) {
    let o: number;
    let b: number;
    if (p % 2 === 0) {
      o = await timeBatch(ours, nOurs, oursAsync);
      b = await timeBatch(base, nBase, baseAsync);
    } else {
      b = await timeBatch(base, nBase, baseAsync);
      o = await timeBatch(ours, nOurs, oursAsync);
    }
    ratios.push(b / o);
  }
  return median(ratios);
}

export function fmtNs(ns: number | undefined): string {
  if (ns === undefined || !Number.isFinite(ns)) return '—';
  if (ns < 1000) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1000).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}
