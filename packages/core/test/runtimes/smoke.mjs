// Runs under Node, Deno and Bun: imports one built entry and runs the shared checks (checks.mjs).
//   smoke.mjs portable: dist/index.js (the `default` condition: WebCrypto, jose, @noble/hashes)
//   smoke.mjs node: dist/index.node.js (the `node` condition, which Deno and Bun also match)
// Prints "N passed, N failed" and exits 1 on any failure.
import { runChecks } from './checks.mjs';

const entry = (typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2))[0] ?? 'portable';
if (entry !== 'portable' && entry !== 'node') throw new Error(`smoke.mjs: unknown entry ${entry}`);
const core = await import(entry === 'node' ? '../../dist/index.node.js' : '../../dist/index.js');
const runtime =
  (typeof Deno !== 'undefined' ? `deno ${Deno.version.deno}` : typeof Bun !== 'undefined' ? `bun ${Bun.version}` : `node ${process.version}`) + ` (${entry} entry)`;
const { passed, failed, failures } = await runChecks(core);
for (const failure of failures) console.error(`FAIL ${failure}`);
console.log(`${runtime}: ${passed} passed, ${failed} failed`);
if (failed > 0) (typeof Deno !== 'undefined' ? Deno : process).exit(1);
