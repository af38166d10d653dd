// Where the per-request time of an @auth adapter goes, step by step, measured in-process with the
// CPU clock (a diagnostic for owners; not part of `pnpm bench`).
//   node --import tsx src/tools/overhead.ts
import { AuthRequest, createAuth, jwt } from '@auth/core';
import { measure } from 'mitata';
import { generateFixtures, mintTokens } from '../fixtures.js';

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

const f = generateFixtures();
const [token] = mintTokens(f, 'HS256', 1);
// What autocannon sends, as Node's rawHeaders.
const rawHeaders = ['Host', '127.0.0.1:3000', 'Connection', 'keep-alive', 'authorization', `Bearer ${token}`];
const pairs = (raw: readonly string[]): Array<[string, string]> => {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
};
const provider = jwt({ algorithms: ['HS256'], secret: f.hsSecret });
const policy = createAuth({ authenticate: provider, logger: false });
const build = (requestId?: string): AuthRequest =>
  new AuthRequest({
    method: 'GET',
    path: '/me',
    headers: pairs(rawHeaders),
    context: requestId === undefined ? { source: 'http', entrypoint: 'server' } : { source: 'http', entrypoint: 'server', requestId },
    query: '',
  });
const req = build();

const steps: Array<[string, () => unknown]> = [
  ['rawHeaders -> pairs', () => pairs(rawHeaders)],
  ['new AuthRequest (hono/express shape)', () => build()],
  ['new AuthRequest with requestId (fastify shape)', () => build('req-1')],
  ['jwt() provider, cache hit', () => provider(req)],
  ['policy.authenticate (jwt cache hit)', () => policy.authenticate(req, { optional: false })],
  ['AuthRequest + policy.authenticate', () => policy.authenticate(build(), { optional: false })],
  ['setTimeout + clearTimeout', () => clearTimeout(setTimeout(() => undefined, 5000))],
  ['new Promise + resolve', () => new Promise<void>((resolve) => resolve())],
];

for (const [name, fn] of steps) {
  await measure(fn, { min_cpu_time: 50e6, now: cpuNow, batch_samples: 256 });
  const stats = await measure(fn, { min_cpu_time: 300e6, now: cpuNow, batch_samples: 256 });
  console.log(`${name.padEnd(48)} ${(stats.p50 / 1000).toFixed(2).padStart(7)} µs`);
}
