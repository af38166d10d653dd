// Runs the shared checks (checks.mjs) under every runtime installed from the registry: Node, Deno
// and Bun once per built entry (portable and node, through smoke.mjs), and workerd, the runtime of
// Cloudflare Workers, on the portable entry a Workers bundler picks (through workerd.mjs). On CI a
// missing runtime is a failure; elsewhere (another platform) it is reported and skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const smoke = join(here, 'smoke.mjs');
const require = createRequire(join(here, '../../../../package.json'));

function locate(resolve) {
  try {
    const path = resolve();
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}
const runtimes = [
  ['node', process.execPath, [smoke]],
  ['deno', locate(() => join(dirname(require.resolve('deno/package.json')), 'bin.cjs')), ['run', '--allow-read', '--allow-env', smoke]],
  ['bun', locate(() => join(dirname(require.resolve('@oven/bun-linux-x64/package.json')), 'bin', 'bun')), [smoke]],
];
const workerd = locate(() => join(dirname(require.resolve('@cloudflare/workerd-linux-64/package.json')), 'bin', 'workerd'));
let failed = 0;
for (const [name, binary, args] of runtimes) {
  if (binary === null) {
    console.log(`${name}: not installed on this platform`);
    if (process.env.CI) failed++;
    continue;
  }
  const command = binary.endsWith('.cjs') ? process.execPath : binary;
  for (const entry of ['portable', 'node']) {
    const result = spawnSync(command, binary.endsWith('.cjs') ? [binary, ...args, entry] : [...args, entry], { stdio: 'inherit', timeout: 120_000 });
    if (result.status !== 0) failed++;
  }
}
if (workerd === null) {
  console.log('workerd: not installed on this platform');
  if (process.env.CI) failed++;
} else if (spawnSync(process.execPath, [join(here, 'workerd.mjs'), workerd], { stdio: 'inherit', timeout: 120_000 }).status !== 0) {
  failed++;
}
process.exit(failed === 0 ? 0 : 1);
