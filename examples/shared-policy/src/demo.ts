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
  const user = await mintUserToken('bob', ['user']);
  const admin = await mintUserToken('alice', ['admin']);
  const key = serviceApiKey();
  const transfer = { to: 'acct_42', amount: 100 };
  const approval = mintApprovalToken(TRANSFER, transfer);
  const base = servers[0]!.url;
  const body = `-H 'content-type: application/json' -d '${JSON.stringify(transfer)}'`;
  const tooMuch = `-H 'content-type: application/json' -d '${JSON.stringify({ ...transfer, amount: 100_000 })}'`;
  const ws = (query: string) =>
    `node --experimental-websocket -e 'const ws = new WebSocket("${base.replace('http', 'ws')}/ws${query}"); ws.onmessage = (e) => { console.log(e.data); ws.close(); }; ws.onerror = () => console.log("refused");'`;
  return [
    'shared-policy demo: one policy module (src/policy.ts) served unchanged by three frameworks',
    '',
    ...servers.map((s) => `  ${s.name.padEnd(8)} ${s.url}`),
    '',
    'Development credentials, generated at start and valid only until this process stops:',
    `  user  JWT (bob, role user)      ${user}`,
    `  admin JWT (alice, role admin)   ${admin}`,
    `  service API key                 ${key}`,
    `  approval token for POST /transfer ${JSON.stringify(transfer)} only (10 min): ${approval}`,
    '',
    `Try these (port ${new URL(base).port} is Hono; use ${servers.slice(1).map((s) => `${new URL(s.url).port} for ${s.name}`).join(', ')}: same answers):`,
    '',
    '# public: 200',
    `curl -i ${base}/health`,
    '# no credential: 401',
    `curl -i ${base}/me`,
    '# the user: 200',
    `curl -i ${base}/me -H 'authorization: Bearer ${user}'`,
    '# the service, by API key: 200',
    `curl -i ${base}/me -H 'x-api-key: ${key}'`,
    '# admins only: 403 for the user, 200 for the admin',
    `curl -i ${base}/admin -H 'authorization: Bearer ${user}'`,
    `curl -i ${base}/admin -H 'authorization: Bearer ${admin}'`,
    '# a transfer needs an approval token for its exact arguments: 409 with the action and argumentsHash',
    `curl -i -X POST ${base}/transfer -H 'authorization: Bearer ${user}' ${body}`,
    '# with the approval token: 200',
    `curl -i -X POST ${base}/transfer -H 'authorization: Bearer ${user}' -H 'x-approval-token: ${approval}' ${body}`,
    '# the same token for a different amount: 403',
    `curl -i -X POST ${base}/transfer -H 'authorization: Bearer ${user}' -H 'x-approval-token: ${approval}' ${tooMuch}`,
    '# WebSocket, token in the query string (upgrades only): "hello bob"; without it: refused',
    ws(`?token=${user}`),
    ws(''),
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
    console.error('demo: failed to start:', error);
    process.exit(1);
  }
}

await main();
