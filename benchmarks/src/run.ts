// `pnpm bench` / `pnpm bench:smoke`: HTTP benchmarks (autocannon against one server process at a
// time on 127.0.0.1) and micro benchmarks (mitata), a table on the terminal and a JSON results file.
//
//   node --import tsx src/run.ts                 full run (~10 min on 2 cores), writes results/<date>-<host>.json and results/latest.json
//   node --import tsx src/run.ts --smoke         seconds; every variant and micro bench once; exit 1 on any wrong answer
//   node --import tsx src/run.ts --profile hono:auth-jwt-hs256   one server under --cpu-prof (results/profiles/)
//   node --import tsx src/run.ts --render results/latest.json    print the README tables (Markdown)
// Other flags: --rounds N --duration S --warmup S --connections N --tokens N --frameworks a,b
//   --variants a,b --shapes reused,distinct --micro-rounds N --micro-time MS --micro-pairs N --micro-batch MS --skip-http --skip-micro --out FILE --no-write
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fixturesToEnv, generateFixtures, mintTokens } from './fixtures.js';
import type { Credentials } from './http/load.js';
import { stopLoad } from './http/load.js';
import { killAllServersSync, stopAllServers } from './http/server-process.js';
import { runHttp, type HttpResults, type HttpSettings } from './http/suite.js';
import { collectTargets, renderMarkdown, renderText, roundLoad, type Environment, type Results, type Settings } from './report.js';
import { FRAMEWORKS, isFramework, isShape, isVariant, SHAPES, VARIANTS } from './variants.js';
import type { MicroResults, MicroSettings } from './micro/suite.js';

const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
const RESULTS_DIR = `${BENCH_DIR}results`;

const { values: flags } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    tokens: { type: 'string' },
    frameworks: { type: 'string' },
    variants: { type: 'string' },
    shapes: { type: 'string' },
    'micro-rounds': { type: 'string' },
    'micro-time': { type: 'string' },
    'micro-pairs': { type: 'string' },
    'micro-batch': { type: 'string' },
    'skip-http': { type: 'boolean', default: false },
    'skip-micro': { type: 'boolean', default: false },
    profile: { type: 'string' },
    render: { type: 'string' },
    out: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});

function num(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in [${min}, ${max}], got ${JSON.stringify(value)}`);
  return n;
}

function list<T extends string>(name: string, value: string | undefined, all: readonly T[], is: (v: string) => v is T): T[] {
  if (value === undefined) return [...all];
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const item of items) if (!is(item)) throw new Error(`--${name}: unknown ${JSON.stringify(item)} (one of ${all.join(', ')})`);
  return all.filter((x) => items.includes(x));
}

function packageVersions(): Record<string, string> {
  const names = ['@auth/core', 'autocannon', 'mitata', 'hono', '@hono/node-server', 'fastify', '@fastify/jwt', 'fast-jwt', 'express', 'express-jwt', 'jose', 'cookie-signature', 'canonicalize'];
  const out: Record<string, string> = {};
  for (const name of names) {
    try {
      out[name] = (JSON.parse(readFileSync(`${BENCH_DIR}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
    } catch {
      out[name] = 'unknown';
    }
  }
  return out;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: BENCH_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

async function main(): Promise<number> {
  if (flags.render !== undefined) {
    console.log(renderMarkdown(JSON.parse(readFileSync(flags.render, 'utf8')) as Results));
    return 0;
  }
  const smoke = flags.smoke === true;
  const profile = flags.profile;
  let frameworks = list('frameworks', flags.frameworks, FRAMEWORKS, isFramework);
  let variants = list('variants', flags.variants, VARIANTS, isVariant);
  if (profile !== undefined) {
    const [fw = '', variant = ''] = profile.split(':');
    if (!isFramework(fw) || !isVariant(variant)) throw new Error(`--profile expects <framework>:<variant>, e.g. hono:auth-jwt-hs256`);
    frameworks = [fw];
    variants = [variant];
  }
  const mode: Settings['mode'] = profile !== undefined ? 'profile' : smoke ? 'smoke' : 'full';
  // Enough that no server sees a token twice (warm-up + measured run at up to ~40k req/s); a run
  // that runs out fails rather than let a token cache answer repeats.
  const distinctTokens = Math.round(num('tokens', flags.tokens, smoke ? 200 : 120_000, 10, 1_000_000));
  const profileDir = `${RESULTS_DIR}/profiles`;
  const httpSettings: HttpSettings = {
    rounds: Math.round(num('rounds', flags.rounds, smoke || profile !== undefined ? 1 : 8, 1, 20)),
    durationSec: num('duration', flags.duration, smoke ? 0.3 : profile !== undefined ? 10 : 2, 0.1, 120),
    warmupSec: num('warmup', flags.warmup, smoke ? 0 : 1, 0, 60),
    connections: Math.round(num('connections', flags.connections, smoke ? 2 : 10, 1, 1000)),
    pipelining: 1,
    frameworks,
    variants,
    shapes: list('shapes', flags.shapes, SHAPES, isShape),
    checkBodies: smoke,
    failOnRepeatedTokens: !smoke,
    ...(profile === undefined ? {} : { nodeFlags: () => ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] }),
  };
  const microSettings: MicroSettings = smoke
    ? { rounds: 1, minCpuTimeMs: num('micro-time', flags['micro-time'], 5, 1, 10_000), batchSamples: 16, minSamples: 2, pairs: 4, batchMs: 0.2 }
    : {
        rounds: Math.round(num('micro-rounds', flags['micro-rounds'], 10, 1, 200)),
        minCpuTimeMs: num('micro-time', flags['micro-time'], 50, 1, 10_000),
        batchSamples: 256,
        minSamples: 12,
        pairs: Math.round(num('micro-pairs', flags['micro-pairs'], 40, 1, 10_000)),
        batchMs: num('micro-batch', flags['micro-batch'], 1, 0.05, 1000),
      };
  const doHttp = flags['skip-http'] !== true;
  const doMicro = flags['skip-micro'] !== true && profile === undefined;

  const started = Date.now();
  const environment: Environment = {
    date: new Date().toISOString(),
    host: os.hostname(),
    node: process.versions.node,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
    loadavgStart: roundLoad(os.loadavg()),
    gitCommit: gitCommit(),
    packages: packageVersions(),
  };
  const log = (line: string): void => console.log(line);
  log(`@auth benchmarks (${mode}) · node ${environment.node} · ${environment.cpus} CPU · load ${environment.loadavgStart.join(' ')}`);

  const fixtures = generateFixtures();
  const needTokens = doHttp ? distinctTokens : 2;
  const t0 = Date.now();
  const tokens = { hs256: mintTokens(fixtures, 'HS256', needTokens), es256: mintTokens(fixtures, 'ES256', needTokens) };
  const bearers = { hs256: tokens.hs256.map((t) => `Bearer ${t}`), es256: tokens.es256.map((t) => `Bearer ${t}`) };
  log(`minted ${needTokens} HS256 and ${needTokens} ES256 tokens in ${Date.now() - t0} ms`);
  const creds: Credentials = {
    apiKey: fixtures.apiKey,
    apiKeyId: fixtures.apiKeyId,
    tokens: (alg) => tokens[alg],
    bearers: (alg) => bearers[alg],
    reusedHeaders: (credential) => (credential === 'apikey' ? { 'x-api-key': fixtures.apiKey } : { authorization: bearers[credential][0]! }),
  };

  const failures: string[] = [];
  const notes: string[] = [];
  let micro: MicroResults | null = null;
  let http: HttpResults | null = null;

  if (doMicro) {
    log('\nmicro benchmarks');
    // Imported here so a broken @auth/core build shows up as a failure of this part, not a crash.
    try {
      const { runMicro } = await import('./micro/suite.js');
      const { argumentsHashGroups, signerGroup } = await import('./micro/groups.js');
      const { jwtGroup } = await import('./micro/jwt.js');
      const groups = [signerGroup(), ...argumentsHashGroups(), await jwtGroup('HS256', fixtures, tokens.hs256[0]!), await jwtGroup('ES256', fixtures, tokens.es256[0]!)];
      micro = await runMicro(groups, microSettings, log, () => aborted);
      failures.push(...micro.failures);
    } catch (error) {
      failures.push(`micro benchmarks could not run: ${(error as Error).stack ?? String(error)}`);
      log(`  FAIL micro benchmarks: ${(error as Error).message}`);
    }
  }

  if (doHttp && !aborted) {
    log(`\nHTTP benchmarks (${frameworks.join(', ')}; ${variants.join(', ')})`);
    http = await runHttp(httpSettings, { fixtures, env: fixturesToEnv(fixtures), creds, log, aborted: () => aborted });
    failures.push(...http.failures);
  }
  if (aborted) failures.push('interrupted');
  if (smoke) notes.push('smoke run: the numbers only show that every path works; ratios from it mean nothing.');
  if (mode === 'profile') notes.push(`CPU profile of the server written to ${profileDir} (open in Chrome DevTools or speedscope).`);

  const results: Results = {
    schema: 1,
    environment: { ...environment, loadavgEnd: roundLoad(os.loadavg()) },
    settings: {
      mode,
      http: doHttp
        ? {
            rounds: httpSettings.rounds,
            durationSec: httpSettings.durationSec,
            warmupSec: httpSettings.warmupSec,
            connections: httpSettings.connections,
            pipelining: httpSettings.pipelining,
            distinctTokens,
            frameworks,
            variants,
            shapes: httpSettings.shapes,
          }
        : null,
      micro: doMicro ? microSettings : null,
    },
    elapsedSec: Math.round((Date.now() - started) / 100) / 10,
    http,
    micro,
    targets: collectTargets(http, micro),
    failures,
    notes,
  };

  log('');
  log(renderText(results));
  if (flags['no-write'] !== true && mode !== 'profile') {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const json = JSON.stringify(results, null, 2) + '\n';
    const files =
      flags.out !== undefined
        ? [flags.out]
        : smoke
          ? [`${RESULTS_DIR}/smoke.json`]
          : [`${RESULTS_DIR}/${environment.date.slice(0, 10)}-${environment.host.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`, `${RESULTS_DIR}/latest.json`];
    for (const file of files) writeFileSync(file, json);
    log(`\nresults written to ${files.join(' and ')} (${results.elapsedSec} s)`);
  }
  if (failures.length > 0) {
    console.error(`\n${failures.length} failure(s); exit 1`);
    return 1;
  }
  return 0;
}

let aborted = false;
function onSignal(signal: NodeJS.Signals): void {
  if (aborted) {
    killAllServersSync();
    process.exit(130);
  }
  aborted = true;
  console.error(`\n${signal}: stopping the load and every server…`);
  stopLoad();
  void stopAllServers().then(() => process.exit(130));
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('exit', killAllServersSync);

main().then(
  async (code) => {
    await stopAllServers();
    process.exit(code);
  },
  async (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    await stopAllServers();
    process.exit(1);
  },
);
