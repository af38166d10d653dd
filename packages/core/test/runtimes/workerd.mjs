// Runs the shared checks (checks.mjs) under workerd, the runtime of Cloudflare Workers:
//   node workerd.mjs <path to the workerd binary>
// worker.mjs is bundled as a Workers bundler would (esbuild, conditions workerd/worker/browser; an
// import of a node:* built-in fails the bundle), served by workerd on 127.0.0.1 with a
// port of its choosing, fetched once, and stopped. Prints "N passed, N failed"; exits 1 on any failure.
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const binary = process.argv[2];
if (binary === undefined) throw new Error('workerd.mjs: pass the workerd binary');
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'auth-core-workerd-'));
const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
let child;
let timer;
try {
  await build({
    entryPoints: [join(here, 'worker.mjs')],
    outfile: join(dir, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    logLevel: 'error',
    // esbuild would leave `node:*` imports to the runtime, and workerd may provide some: the
    // portable entry must need none.
    plugins: [
      {
        name: 'no-node-builtins',
        setup(bundle) {
          bundle.onResolve({ filter: /^node:/ }, ({ path, importer }) => ({ errors: [{ text: `${path} imported by ${importer}: the portable entry must not need Node built-ins` }] }));
        },
      },
    ],
  });
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .smoke)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const smoke :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-11-01",
);
`,
  );
  // workerd reports the port it listens on as JSON lines on the control descriptor (fd 3).
  child = spawn(binary, ['serve', join(dir, 'config.capnp'), '--control-fd=3'], { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
  const port = await new Promise((resolve, reject) => {
    let control = '';
    timer = setTimeout(() => reject(new Error('workerd did not listen within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`workerd exited with ${code}`)));
    child.stdio[3].on('data', (chunk) => {
      control += chunk;
      const listening = /"event":"listen","socket":"http","port":(\d+)/.exec(control);
      if (listening) resolve(Number(listening[1]));
    });
  });
  const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(60_000) });
  if (response.status !== 200) throw new Error(`the worker answered ${response.status}: ${await response.text()}`);
  const { passed, failed, failures } = await response.json();
  for (const failure of failures) console.error(`FAIL ${failure}`);
  console.log(`${version} (portable entry): ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
} catch (error) {
  console.error(`workerd: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
