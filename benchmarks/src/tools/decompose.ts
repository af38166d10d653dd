// Server CPU per request for each step of decompose-server.ts, 5 alternating rounds, median:
//   node --import tsx src/tools/decompose.ts none noop authreq provider policy-const policy-jwt pj-weakmap pj-cset pj-layers adapter-const adapter-jwt
// Steps: none, noop (async middleware), authreq (+ new AuthRequest), provider (+ jwt() provider),
// policy-const / policy-jwt (+ policy.authenticate with a constant hook / jwt()), pj-weakmap, pj-cset,
// pj-layers, pj-url (policy-jwt plus one adapter ingredient each), adapter-const / adapter-jwt (@auth/hono auth()).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fixturesToEnv, generateFixtures, mintTokens } from '../fixtures.js';
import { runLoad } from '../http/load.js';
import { processCpuMs } from '../http/server-process.js';
import { median } from '../stats.js';

const steps = process.argv.slice(2);
const f = generateFixtures();
const tokens = mintTokens(f, 'HS256', 2);
const bearer = `Bearer ${tokens[0]}`;
const creds = { apiKey: f.apiKey, apiKeyId: f.apiKeyId, tokens: () => tokens, bearers: () => [bearer], reusedHeaders: () => ({ authorization: bearer }) };
const results = new Map<string, number[]>();
const rps = new Map<string, number[]>();
for (let r = 0; r < 5; r++) {
  for (const step of r % 2 ? [...steps].reverse() : steps) {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./decompose-server.ts', import.meta.url)), step], { env: { ...process.env, ...fixturesToEnv(f) }, stdio: ['pipe', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve) => child.stdout.on('data', (d: Buffer) => { const m = /ready (\d+)/.exec(d.toString()); if (m) resolve(Number(m[1])); }));
    await runLoad({ port, shape: 'reused', credential: 'hs256', creds, durationSec: 0.5, connections: 10, pipelining: 1 });
    const c0 = processCpuMs(child.pid!)!;
    const res = await runLoad({ port, shape: 'reused', credential: 'hs256', creds, durationSec: 2, connections: 10, pipelining: 1 });
    const c1 = processCpuMs(child.pid!)!;
    if (res.non2xx > 0) console.log('non2xx', step);
    const cpu = ((c1 - c0) * 1000) / res.ok;
    (results.get(step) ?? results.set(step, []).get(step)!).push(cpu);
    (rps.get(step) ?? rps.set(step, []).get(step)!).push(res.rps);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}
for (const step of steps) console.log(step.padEnd(14), 'CPU µs/req', median(results.get(step)!).toFixed(1), ' rps', Math.round(median(rps.get(step)!)), results.get(step)!.map((x) => x.toFixed(0)).join(' '));
