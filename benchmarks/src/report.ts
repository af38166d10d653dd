// The results file and the tables printed from it (terminal, or Markdown for the README).
import type { Comparison, HttpResults } from './http/suite.js';
import { fmtNs, type MicroResults } from './micro/suite.js';
import { round, verdict } from './stats.js';

export interface Environment {
  readonly date: string;
  readonly host: string;
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly totalMemMiB: number;
  readonly loadavgStart: readonly number[];
  readonly loadavgEnd?: readonly number[];
  readonly gitCommit: string | null;
  readonly packages: Readonly<Record<string, string>>;
}

export interface Settings {
  readonly mode: 'full' | 'smoke' | 'profile';
  readonly http: {
    readonly rounds: number;
    readonly durationSec: number;
    readonly warmupSec: number;
    readonly connections: number;
    readonly pipelining: number;
    readonly distinctTokens: number;
    readonly frameworks: readonly string[];
    readonly variants: readonly string[];
    readonly shapes: readonly string[];
  } | null;
  readonly micro: {
    readonly rounds: number;
    readonly minCpuTimeMs: number;
    readonly batchSamples: number;
    readonly minSamples: number;
    /** Absent from results written before ratios came from paired batches. */
    readonly pairs?: number;
    readonly batchMs?: number;
  } | null;
}

export interface Target {
  readonly id: string;
  readonly label: string;
  readonly median: number;
  readonly target: number;
  /** On the median req/s (or speed) ratio: the verdict issue 5 asks for. */
  readonly verdict: string;
  /** HTTP only: the same target judged on server CPU per request (corroboration on a noisy machine). */
  readonly cpuRatioMedian?: number;
  readonly cpuVerdict?: string;
}

export interface Results {
  readonly schema: 1;
  readonly environment: Environment;
  readonly settings: Settings;
  readonly elapsedSec: number;
  readonly http: HttpResults | null;
  readonly micro: MicroResults | null;
  readonly targets: readonly Target[];
  readonly failures: readonly string[];
  readonly notes: readonly string[];
}

export function collectTargets(http: HttpResults | null, micro: MicroResults | null): Target[] {
  const all: Comparison[] = [...(http?.comparisons ?? []), ...(micro?.comparisons ?? [])];
  return all
    .filter((c) => c.target !== undefined)
    .map((c) => ({
      id: c.id,
      label: c.label,
      median: c.median,
      target: c.target!,
      verdict: c.verdict ?? 'n/a',
      ...(c.cpuRatioMedian === undefined ? {} : { cpuRatioMedian: c.cpuRatioMedian, cpuVerdict: verdict(c.cpuRatioMedian, c.target!) }),
    }));
}

type Row = readonly string[];

function textTable(head: Row, rows: readonly Row[], right: readonly number[] = []): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: Row): string =>
    r.map((cell, i) => (right.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function mdTable(head: Row, rows: readonly Row[], right: readonly number[] = []): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `| ${head.map((_, i) => (right.includes(i) ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

const fmtRps = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const fmtRatio = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '—');

interface Tables {
  readonly http: { head: Row; rows: Row[]; right: number[] } | null;
  readonly httpRatios: { head: Row; rows: Row[]; right: number[] } | null;
  readonly micro: { head: Row; rows: Row[]; right: number[] } | null;
  readonly microRatios: { head: Row; rows: Row[]; right: number[] } | null;
  readonly targets: { head: Row; rows: Row[]; right: number[] };
}

function tables(results: Results): Tables {
  const opt = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(2));
  const ratioRows = (list: readonly Comparison[], withP99: boolean): Row[] =>
    list.map((c) => [
      c.label,
      c.perRound.length <= 5
        ? c.perRound.map((x) => x.toFixed(2)).join(' ')
        : `${Math.min(...c.perRound).toFixed(2)}–${Math.max(...c.perRound).toFixed(2)} (${c.perRound.length})`,
      fmtRatio(c.median),
      ...(withP99 ? [opt(c.cpuRatioMedian), opt(c.p99RatioMedian)] : []),
      c.target === undefined ? '' : `≥ ${c.target.toFixed(2)}`,
      c.verdict ?? '',
    ]);
  const http = results.http;
  const micro = results.micro;
  return {
    http:
      http === null || http.summary.length === 0
        ? null
        : {
            head: ['server', 'traffic', 'req/s (median)', 'p99 ms', 'server CPU µs/req', 'req/s per round'],
            rows: http.summary.map((s) => [
              s.label,
              s.shape === 'reused' ? 'reused token' : 'distinct tokens',
              fmtRps(s.rpsMedian),
              String(s.p99MedianMs),
              Number.isFinite(s.cpuUsPerReqMedian) ? s.cpuUsPerReqMedian.toFixed(1) : '—',
              s.rpsPerRound.map((x) => Math.round(x)).join(' '),
            ]),
            right: [2, 3, 4],
          },
    httpRatios:
      http === null || http.comparisons.length === 0
        ? null
        : {
            head: ['comparison (req/s ratio, same round)', 'per round', 'median', 'CPU/req ratio', 'p99 ratio', 'target', ''],
            rows: ratioRows(http.comparisons, true),
            right: [2, 3, 4],
          },
    micro:
      micro === null || micro.summary.length === 0
        ? null
        : {
            head: ['micro benchmark', 'candidate', 'time/op (median p50)', 'ops/s'],
            rows: micro.summary.map((s) => [s.group, s.candidate, fmtNs(s.p50NsMedian), fmtRps(s.opsPerSec)]),
            right: [2, 3],
          },
    microRatios:
      micro === null || micro.comparisons.length === 0
        ? null
        : { head: ['comparison (speed ratio = their time / ours, same round)', 'per round (range)', 'median', 'target', ''], rows: ratioRows(micro.comparisons, false), right: [2] },
    targets: {
      head: ['target (issue 5)', 'median', 'needed', 'verdict', 'CPU/req ratio', 'on CPU/req'],
      rows: results.targets.map((t) => [
        t.label,
        fmtRatio(t.median),
        `≥ ${t.target.toFixed(2)}`,
        t.verdict,
        t.cpuRatioMedian === undefined ? '' : fmtRatio(t.cpuRatioMedian),
        t.cpuVerdict ?? '',
      ]),
      right: [1, 4],
    },
  };
}

const pairsText = (m: NonNullable<Settings['micro']>): string =>
  m.pairs === undefined ? '' : `, ratios from ${m.pairs} paired batches of ~${m.batchMs} ms per comparison and round`;

export function renderText(results: Results): string {
  const t = tables(results);
  const env = results.environment;
  const out: string[] = [];
  out.push(
    `node ${env.node} · ${env.cpus} CPU (${env.cpuModel}) · ${env.platform}/${env.arch} · load ${env.loadavgStart.map((x) => x.toFixed(2)).join(' ')} · mode ${results.settings.mode}`,
  );
  const h = results.settings.http;
  if (h !== null) {
    out.push(
      `HTTP: ${h.rounds} round(s) × ${h.durationSec} s per variant and shape (+${h.warmupSec} s warm-up), ${h.connections} connections, pipelining ${h.pipelining}, ${h.distinctTokens} distinct tokens`,
    );
  }
  const m = results.settings.micro;
  if (m !== null) out.push(`micro: ${m.rounds} round(s) × ${m.minCpuTimeMs} ms per candidate (mitata measure)${pairsText(m)}`);
  for (const part of [t.http, t.httpRatios, t.micro, t.microRatios]) {
    if (part !== null) out.push('', textTable(part.head, part.rows, part.right));
  }
  if (t.targets.rows.length > 0) out.push('', textTable(t.targets.head, t.targets.rows, t.targets.right));
  for (const note of results.notes) out.push(`note: ${note}`);
  if (results.failures.length > 0) out.push('', 'FAILURES:', ...results.failures.map((f) => `  - ${f}`));
  return out.join('\n');
}

export function renderMarkdown(results: Results): string {
  const t = tables(results);
  const env = results.environment;
  const h = results.settings.http;
  const m = results.settings.micro;
  const out: string[] = [];
  out.push(
    `Measured ${env.date.slice(0, 10)} on ${env.cpus} × ${env.cpuModel}, Node ${env.node}` +
      (h === null ? '' : `; HTTP ${h.rounds} rounds × ${h.durationSec} s per variant (+${h.warmupSec} s warm-up), ${h.connections} connections`) +
      (m === null ? '' : `; micro ${m.rounds} rounds × ${m.minCpuTimeMs} ms per candidate${pairsText(m)}`) +
      `. Load average at start ${env.loadavgStart.map((x) => x.toFixed(2)).join(' ')}.`,
  );
  if (t.targets.rows.length > 0) out.push('', mdTable(t.targets.head, t.targets.rows, t.targets.right));
  for (const part of [t.http, t.httpRatios, t.micro, t.microRatios]) {
    if (part !== null) out.push('', mdTable(part.head, part.rows, part.right));
  }
  return out.join('\n');
}

export function roundLoad(values: readonly number[]): number[] {
  return values.map((v) => round(v, 2));
}
