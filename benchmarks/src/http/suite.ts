// The HTTP part: every framework × variant, one server process at a time, several rounds with the
// variant order reversed every other round, and ratios computed between runs of the same round.
import { subjectOf, type Fixtures } from '../fixtures.js';
import { median, round, verdict, type Verdict } from '../stats.js';
import { RUN_ORDER, VARIANT_INFO, variantLabel, type Framework, type Shape, type Variant } from '../variants.js';
import { checkVariant } from './check.js';
import { runLoad, type Credentials, type LoadResult } from './load.js';
import { startServer, type ServerHandle } from './server-process.js';

export interface HttpSettings {
  readonly rounds: number;
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly connections: number;
  readonly pipelining: number;
  readonly frameworks: readonly Framework[];
  readonly variants: readonly Variant[];
  readonly shapes: readonly Shape[];
  /** Smoke mode: also check every response body of the reused shape during the load. */
  readonly checkBodies: boolean;
  /** A distinct-shape run in which a server saw a token twice (the list was too short) is a failure. */
  readonly failOnRepeatedTokens: boolean;
  readonly nodeFlags?: (fw: Framework, variant: Variant) => readonly string[];
}

export interface HttpRun extends LoadResult {
  /** Server CPU time per 2xx response during the measured run, in µs (null without /proc). */
  readonly serverCpuUsPerReq: number | null;
  readonly round: number;
  readonly framework: Framework;
  readonly variant: Variant;
  readonly shape: Shape;
}

export interface HttpSummaryRow {
  readonly framework: Framework;
  readonly variant: Variant;
  readonly label: string;
  readonly shape: Shape;
  readonly rounds: number;
  readonly rpsMedian: number;
  readonly p99MedianMs: number;
  /** Median server CPU µs per response (lower is better); NaN without /proc. */
  readonly cpuUsPerReqMedian: number;
  readonly rpsPerRound: readonly number[];
}

export interface Comparison {
  readonly id: string;
  readonly label: string;
  /** What the ratio divides: ours / baseline (higher is better for ours). */
  readonly numerator: string;
  readonly denominator: string;
  readonly perRound: readonly number[];
  readonly median: number;
  readonly target?: number;
  readonly verdict?: Verdict;
  /** Median over rounds of (our p99 / baseline p99), HTTP only. */
  readonly p99RatioMedian?: number;
  /**
   * HTTP only: median over rounds of (baseline server CPU per request / ours). What the req/s ratio
   * would be if the server had a core to itself; less sensitive to the load generator and to noise.
   */
  readonly cpuRatioMedian?: number;
}

export interface HttpResults {
  readonly runs: readonly HttpRun[];
  readonly summary: readonly HttpSummaryRow[];
  readonly comparisons: readonly Comparison[];
  readonly failures: readonly string[];
}

interface HttpComparisonDef {
  readonly id: string;
  readonly framework: Framework;
  readonly shape: Shape;
  readonly ours: Variant;
  readonly base: Variant;
  readonly target?: number;
}

/** Targets from issue 5, plus informative ratios (no target). */
export function httpComparisonDefs(frameworks: readonly Framework[]): HttpComparisonDef[] {
  const defs: HttpComparisonDef[] = [];
  for (const fw of frameworks) {
    const add = (shape: Shape, ours: Variant, base: Variant, target?: number): void => {
      defs.push({ id: `http.${fw}.${shape}.${ours}/${base}`, framework: fw, shape, ours, base, ...(target === undefined ? {} : { target }) });
    };
    add('reused', 'auth-jwt-hs256', 'none', 0.85);
    add('reused', 'noop', 'none');
    add('reused', 'auth-jwt-hs256', 'noop');
    add('reused', 'auth-jwt-es256', 'none');
    add('reused', 'auth-apikey', 'none');
    add('reused', 'eco-hs256', 'none');
    add('reused', 'eco-es256', 'none');
    add('reused', 'auth-jwt-hs256', 'eco-hs256');
    add('reused', 'auth-jwt-es256', 'eco-es256');
    add('distinct', 'auth-jwt-hs256', 'eco-hs256', 1.2);
    add('distinct', 'auth-jwt-es256', 'eco-es256', 1.2);
  }
  return defs;
}

export interface HttpContext {
  readonly fixtures: Fixtures;
  readonly env: Readonly<Record<string, string>>;
  readonly creds: Credentials;
  readonly log: (line: string) => void;
  readonly aborted: () => boolean;
}

export async function runHttp(settings: HttpSettings, ctx: HttpContext): Promise<HttpResults> {
  const runs: HttpRun[] = [];
  const failures: string[] = [];
  const broken = new Set<string>();

  for (let r = 1; r <= settings.rounds; r++) {
    const frameworks = r % 2 === 1 ? settings.frameworks : [...settings.frameworks].reverse();
    for (const fw of frameworks) {
      const ordered = RUN_ORDER.filter((v) => settings.variants.includes(v));
      const variants = r % 2 === 1 ? ordered : ordered.reverse();
      for (const variant of variants) {
        if (ctx.aborted()) return finish();
        const key = `${fw}/${variant}`;
        if (broken.has(key)) continue;
        const problem = await measureVariant(r, fw, variant, r % 2 === 1);
        if (problem !== null) {
          broken.add(key);
          failures.push(`${key} (round ${r}): ${problem}`);
          ctx.log(`  FAIL ${key}: ${problem}`);
        }
      }
    }
  }
  return finish();

  function finish(): HttpResults {
    return { runs, failures, ...summarize(runs, settings) };
  }

  async function measureVariant(r: number, fw: Framework, variant: Variant, forward: boolean): Promise<string | null> {
    const info = VARIANT_INFO[variant];
    let server: ServerHandle;
    try {
      server = await startServer(fw, variant, { env: ctx.env, nodeFlags: settings.nodeFlags?.(fw, variant) ?? [] });
    } catch (error) {
      return `did not start: ${(error as Error).message}`;
    }
    try {
      const problems = await checkVariant(server.port, variant, ctx.creds);
      if (problems.length > 0) return `answered wrongly: ${problems.join('; ')}`;
      for (const shape of forward ? info.shapes : [...info.shapes].reverse()) {
        if (ctx.aborted()) return null;
        if (!settings.shapes.includes(shape)) continue;
        const load = (durationSec: number): Promise<LoadResult> =>
          runLoad({
            port: server.port,
            shape,
            credential: info.credential,
            creds: ctx.creds,
            durationSec,
            connections: settings.connections,
            pipelining: settings.pipelining,
            ...(settings.checkBodies && shape === 'reused'
              ? { expectBody: JSON.stringify({ sub: info.credential === 'apikey' ? ctx.creds.apiKeyId : subjectOf(0) }) }
              : {}),
          });
        if (settings.warmupSec > 0) await load(settings.warmupSec);
        const cpuBefore = server.cpuMs();
        const result = await load(settings.durationSec);
        const cpuAfter = server.cpuMs();
        const serverCpuUsPerReq =
          cpuBefore === null || cpuAfter === null || result.ok === 0 ? null : round(((cpuAfter - cpuBefore) * 1000) / result.ok, 2);
        if (!server.alive()) return `the server died during the ${shape} run${server.stderr() ? `: ${server.stderr().trim()}` : ''}`;
        const wrong =
          loadProblem(result) ??
          (settings.failOnRepeatedTokens && result.tokensRepeated
            ? `the ${shape} token list ran out and tokens repeated, so a cache could answer them: raise --tokens`
            : null);
        if (wrong !== null) return `${shape} run: ${wrong}`;
        runs.push({ round: r, framework: fw, variant, shape, ...result, serverCpuUsPerReq });
        ctx.log(
          `  r${r} ${variantLabel(fw, variant).padEnd(32)} ${shape.padEnd(8)} ${Math.round(result.rps).toString().padStart(7)} req/s  p99 ${result.latencyP99} ms  server CPU ${serverCpuUsPerReq ?? '—'} µs/req`,
        );
      }
      return null;
    } catch (error) {
      return `error: ${(error as Error).message}`;
    } finally {
      await server.stop();
    }
  }
}

function loadProblem(result: LoadResult): string | null {
  if (result.ok === 0) return `no 2xx response (non-2xx ${result.non2xx}, errors ${result.errors})`;
  if (result.non2xx > 0) return `${result.non2xx} non-2xx responses`;
  if (result.mismatches > 0) return `${result.mismatches} responses with the wrong body`;
  // A few connection errors at the very end of a run can happen on a loaded machine; many cannot.
  if (result.errors > Math.max(10, result.ok * 0.001)) return `${result.errors} connection errors (${result.timeouts} timeouts)`;
  return null;
}

function summarize(runs: readonly HttpRun[], settings: HttpSettings): Pick<HttpResults, 'summary' | 'comparisons'> {
  const summary: HttpSummaryRow[] = [];
  for (const fw of settings.frameworks) {
    for (const variant of settings.variants) {
      for (const shape of VARIANT_INFO[variant].shapes) {
        if (!settings.shapes.includes(shape)) continue;
        const mine = runs.filter((x) => x.framework === fw && x.variant === variant && x.shape === shape).sort((a, b) => a.round - b.round);
        if (mine.length === 0) continue;
        summary.push({
          framework: fw,
          variant,
          label: variantLabel(fw, variant),
          shape,
          rounds: mine.length,
          rpsMedian: round(median(mine.map((x) => x.rps)), 1),
          p99MedianMs: median(mine.map((x) => x.latencyP99)),
          cpuUsPerReqMedian: round(median(mine.map((x) => x.serverCpuUsPerReq ?? Number.NaN)), 1),
          rpsPerRound: mine.map((x) => round(x.rps, 1)),
        });
      }
    }
  }

  const comparisons: Comparison[] = [];
  for (const def of httpComparisonDefs(settings.frameworks)) {
    if (!settings.variants.includes(def.ours) || !settings.variants.includes(def.base)) continue;
    const perRound: number[] = [];
    const p99Ratios: number[] = [];
    const cpuRatios: number[] = [];
    for (let r = 1; r <= settings.rounds; r++) {
      const find = (variant: Variant): HttpRun | undefined =>
        runs.find((x) => x.round === r && x.framework === def.framework && x.variant === variant && x.shape === def.shape);
      const ours = find(def.ours);
      const base = find(def.base);
      if (ours === undefined || base === undefined || base.rps <= 0) continue;
      perRound.push(round(ours.rps / base.rps, 3));
      if (base.latencyP99 > 0) p99Ratios.push(ours.latencyP99 / base.latencyP99);
      if (ours.serverCpuUsPerReq !== null && base.serverCpuUsPerReq !== null && ours.serverCpuUsPerReq > 0) {
        cpuRatios.push(base.serverCpuUsPerReq / ours.serverCpuUsPerReq);
      }
    }
    const med = round(median(perRound), 3);
    comparisons.push({
      id: def.id,
      label: `${def.shape === 'reused' ? 'reused token' : 'distinct tokens'}: ${variantLabel(def.framework, def.ours)} / ${variantLabel(def.framework, def.base)}`,
      numerator: variantLabel(def.framework, def.ours),
      denominator: variantLabel(def.framework, def.base),
      perRound,
      median: med,
      ...(def.target === undefined ? {} : { target: def.target, verdict: verdict(med, def.target) }),
      p99RatioMedian: round(median(p99Ratios), 3),
      cpuRatioMedian: round(median(cpuRatios), 3),
    });
  }
  return { summary, comparisons };
}
