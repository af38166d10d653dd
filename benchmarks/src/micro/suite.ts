// Micro benchmarks on mitata's `measure` (one function at a time, in this process). Each group
// holds our implementation and what users would otherwise use; every round measures each candidate
// once, in an order reversed every other round, and ratios are taken between runs of one round.
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

/**
 * `cpu`: this process's CPU time (user + system, all threads), so a sync function's time is not
 * inflated when the shared machine preempts us; `wall`: elapsed time, for async candidates whose
 * cost includes waiting on other threads (WebCrypto's hand-off).
 */
export type Clock = 'cpu' | 'wall';

const cpuNow = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
};

export interface MicroGroup {
  readonly id: string;
  readonly title: string;
  readonly clock: Clock;
  readonly candidates: readonly Candidate[];
  readonly comparisons: readonly MicroComparisonDef[];
  /** Runs before measuring: every candidate must compute the right thing. Returns problems. */
  verify(): Promise<string[]>;
}

export interface MicroSettings {
  readonly rounds: number;
  /** CPU time mitata spends per measurement, in ms. */
  readonly minCpuTimeMs: number;
  readonly batchSamples: number;
  readonly minSamples: number;
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
  readonly clock: Clock;
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
            ...(group.clock === 'cpu' ? { now: cpuNow } : {}),
          });
          runs.push({ round: r, group: group.id, candidate: candidate.name, p50Ns: stats.p50, avgNs: stats.avg, p99Ns: stats.p99, samples: stats.samples.length });
        } catch (error) {
          failures.push(`micro ${group.id} / ${candidate.name}: ${(error as Error).message}`);
        }
      }
      log(`  r${r} ${group.title}: ${group.candidates.map((c) => `${c.name} ${fmtNs(runs.find((x) => x.round === r && x.group === group.id && x.candidate === c.name)?.p50Ns)}`).join(', ')}`);
    }
  }

  const summary: MicroSummaryRow[] = [];
  const comparisons: Comparison[] = [];
  for (const group of usable) {
    for (const c of group.candidates) {
      const p50 = median(runs.filter((x) => x.group === group.id && x.candidate === c.name).map((x) => x.p50Ns));
      summary.push({ group: group.id, clock: group.clock, candidate: c.name, p50NsMedian: round(p50, 1), opsPerSec: round(1e9 / p50, 0) });
    }
    for (const def of group.comparisons) {
      const perRound: number[] = [];
      for (let r = 1; r <= settings.rounds; r++) {
        const ours = runs.find((x) => x.round === r && x.group === group.id && x.candidate === def.ours);
        const base = runs.find((x) => x.round === r && x.group === group.id && x.candidate === def.base);
        if (ours !== undefined && base !== undefined && ours.p50Ns > 0) perRound.push(round(base.p50Ns / ours.p50Ns, 3));
      }
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

export function fmtNs(ns: number | undefined): string {
  if (ns === undefined || !Number.isFinite(ns)) return '—';
  if (ns < 1000) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1000).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}
