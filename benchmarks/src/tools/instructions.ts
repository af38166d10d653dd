// Instructions per request of one benchmark server, counted by valgrind's callgrind: about the
// same count for the same code and requests whatever else the machine is doing (within a few
// percent, as JIT and GC timing vary; compare counts taken with the same --warmup and --requests).
// A diagnostic for owners on a noisy machine; not part of `pnpm bench`. The server runs
// uninstrumented through a warm-up, then callgrind counts every thread (JIT and GC included) over
// the measured requests.
//   node --import tsx src/tools/instructions.ts fastify:none:reused fastify:auth-jwt-hs256:distinct [--warmup 4000] [--requests 4000]
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fixturesToEnv, generateFixtures, mintTokens } from '../fixtures.js';
import { isFramework, isShape, isVariant, VARIANT_INFO } from '../variants.js';

const { values, positionals } = parseArgs({ options: { warmup: { type: 'string', default: '4000' }, requests: { type: 'string', default: '4000' } }, allowPositionals: true });
const warmup = Number(values.warmup);
const requests = Number(values.requests);
const SERVERS = fileURLToPath(new URL('../servers/', import.meta.url));
const OUT = '/tmp/auth-bench-callgrind';

const f = generateFixtures();
const total = warmup + requests + 10;
const tokens = { hs256: mintTokens(f, 'HS256', total), es256: mintTokens(f, 'ES256', total) };

async function load(port: number, amount: number, headers: () => Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}/me`,
        connections: 4,
        amount,
        timeout: 120,
        requests: [{ method: 'GET', path: '/me', setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...headers() } }) }],
      },
      (error, result) => (error ? reject(error) : resolve(result['2xx'])),
    );
  });
}

async function measure(spec: string): Promise<number> {
  const [fw = '', variant = '', shape = 'reused'] = spec.split(':');
  if (!isFramework(fw) || !isVariant(variant) || !isShape(shape)) throw new Error(`expected <framework>:<variant>:<shape>, got ${spec}`);
  const credential = VARIANT_INFO[variant].credential;
  let next = 1;
  const headers = (): Record<string, string> => {
    if (credential === 'apikey') return { 'x-api-key': f.apiKey };
    const list = tokens[credential];
    return { authorization: `Bearer ${list[shape === 'reused' ? 0 : next++]!}` };
  };
  rmSync(OUT, { recursive: true, force: true });
  execFileSync('mkdir', ['-p', OUT]);
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${OUT}/cg.%p`, process.execPath, '--import', 'tsx', `${SERVERS}${fw}.ts`, variant],
    { env: { ...process.env, ...fixturesToEnv(f), NODE_ENV: 'production' }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  try {
    const warm = await load(port, warmup, headers);
    execFileSync('callgrind_control', ['-i', 'on', String(child.pid)], { stdio: 'ignore' });
    const ok = await load(port, requests, headers);
    execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
    if (warm !== warmup || ok !== requests) throw new Error(`${spec}: ${warm}/${warmup} and ${ok}/${requests} answered 2xx`);
    let instructions = 0;
    for (const file of readdirSync(OUT)) {
      const m = /^(?:summary|totals): (\d+)/m.exec(readFileSync(`${OUT}/${file}`, 'utf8'));
      if (m) instructions += Number(m[1]);
    }
    return instructions / requests;
  } finally {
    child.kill('SIGKILL');
  }
}

for (const spec of positionals) {
  const perRequest = await measure(spec);
  console.log(`${spec.padEnd(40)} ${Math.round(perRequest).toLocaleString('en-US').padStart(12)} instructions/request`);
}
