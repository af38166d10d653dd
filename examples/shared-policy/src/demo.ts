// `pnpm demo`: starts the Hono, Fastify and Express servers on 127.0.0.1:3001-3003, all serving the
// one policy in policy.ts, and prints curl commands with freshly minted credentials; Ctrl-C stops it.
// `pnpm demo:check` (`--check`): the same servers on free ports, a scripted tour against all three,
// a side-by-side table of status codes, and a non-zero exit on any difference.
import { startExpress } from './express.js';
import { startFastify } from './fastify.js';
import { startHono } from './hono.js';
import { HOST, PortInUse, type RunningServer } from './listen.js';
import { mintApprovalToken, mintUserToken, serviceApiKey, TRANSFER } from './policy.js';
import { formatTable, runTour, tourSteps } from './tour.js';

const STARTERS = [startHono, startFastify, startExpress] as const;
const DEMO_PORTS = [3001, 3002, 3003] as const;
const CHECK_DEADLINE_MS = 30_000;

async function startAll(ports: readonly number[]): Promise<RunningServer[]> {
  const started: RunningServer[] = [];
  try {
    for (const [i, start] of STARTERS.entries()) started.push(await start(ports[i] ?? 0));
  } catch (error) {
    await closeAll(started);
    throw error;
  }
  return started;
}

async function closeAll(servers: readonly RunningServer[]): Promise<void> {
  await Promise.allSettled(servers.map((server) => server.close()));
}

async function check(): Promise<number> {
  // CI must never hang on this: whatever happens, the process ends.
  setTimeout(() => {
    console.error(`demo:check: not finished after ${CHECK_DEADLINE_MS / 1000} s, giving up`);
    process.exit(1);
  }, CHECK_DEADLINE_MS).unref();
  const servers = await startAll(STARTERS.map(() => 0));
  try {
    const started = Date.now();
    const results = await runTour(servers, await tourSteps());
    console.log('shared-policy demo:check: one policy module, three frameworks\n');
    console.log(formatTable(servers, results));
    const failed = results.filter((r) => r.problems.length > 0);
    const requests = results.length * servers.length;
    if (failed.length === 0) {
      console.log(`\nall ${results.length} steps gave the expected answer, identically on ${servers.map((s) => s.name).join(', ')} (${requests} requests, ${Date.now() - started} ms)`);
      return 0;
    }
    console.error(`\n${failed.length} of ${results.length} steps failed:`);
    for (const { step, problems } of failed) for (const problem of problems) console.error(`  ${step.name}: ${problem}`);
    return 1;
  } finally {
    await closeAll(servers);
  }
}

async function demo(): Promise<void> {
  const servers = await startAll(DEMO_PORTS);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: closing the servers`);
    void closeAll(servers).then(() => {
      console.log('stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(await instructions(servers));
}

async function instructions(servers: readonly RunningServer[]): Promise<string> {
  const transfer = { to: 'acct_42', amount: 100 };
  const credentials = {
    USER_JWT: await mintUserToken('bob', ['user']),
    ADMIN_JWT: await mintUserToken('alice', ['admin']),
    API_KEY: serviceApiKey(),
    APPROVAL: mintApprovalToken(TRANSFER, transfer),
  };
  const base = servers[0]!.url;
  const json = (body: unknown) => `-H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
  const user = `-H "authorization: Bearer $USER_JWT"`;
  // Double quotes so the shell fills in $USER_JWT; Node 20 needs the flag for its WebSocket client.
  const ws = (query: string) =>
    `node --experimental-websocket -e "const ws = new WebSocket('${base.replace('http', 'ws')}/ws${query}'); ws.onmessage = (e) => { console.log(e.data); ws.close(); }; ws.onerror = () => console.log('refused');"`;
  const tries: ReadonlyArray<readonly [string, string]> = [
    ['200: public', `curl -i ${base}/health`],
    ['401: no credential', `curl -i ${base}/me`],
    ['200: bob, role user', `curl -i ${base}/me ${user}`],
    ['200: billing-service, by API key', `curl -i ${base}/me -H "x-api-key: $API_KEY"`],
    ['403: bob is no admin', `curl -i ${base}/admin ${user}`],
    ['200: alice is', `curl -i ${base}/admin -H "authorization: Bearer $ADMIN_JWT"`],
    ['409: a transfer needs approval; the body names the action and its argumentsHash', `curl -i -X POST ${base}/transfer ${user} ${json(transfer)}`],
    ['200: approved', `curl -i -X POST ${base}/transfer ${user} -H "x-approval-token: $APPROVAL" ${json(transfer)}`],
    ['403: that token approves this exact transfer only', `curl -i -X POST ${base}/transfer ${user} -H "x-approval-token: $APPROVAL" ${json({ ...transfer, amount: 100_000 })}`],
    ['WebSocket with ?token= (upgrades only): hello bob', ws('?token=$USER_JWT')],
    ['WebSocket without a credential: refused (401)', ws('')],
  ];
  return [
    'shared-policy demo: one policy module (src/policy.ts) served unchanged by three frameworks',
    '',
    ...servers.map((s) => `  ${s.name.padEnd(8)} ${s.url}`),
    '',
    'Development credentials, generated now (JWTs last 1 h, the approval 10 min; all die with this process). Paste these into another shell first:',
    '',
    ...Object.entries(credentials).map(([name, value]) => `export ${name}='${value}'`),
    '',
    `Then try these (${new URL(base).port} is Hono; ${servers.slice(1).map((s) => `${new URL(s.url).port} ${s.name}`).join(', ')} give the same answers):`,
    '',
    ...tries.flatMap(([comment, command]) => [`# ${comment}`, command]),
    '',
    `Listening on ${HOST} only. Press Ctrl-C to stop.`,
  ].join('\n');
}

async function main(): Promise<void> {
  try {
    if (process.argv.includes('--check')) process.exit(await check());
    await demo();
  } catch (error) {
    if (error instanceof PortInUse) {
      console.error(`demo: ${error.message}`);
      process.exit(1);
    }
    console.error('demo: failed:', error);
    process.exit(1);
  }
}

await main();
