// Runs one micro-benchmark candidate in a loop for a few seconds, to profile it:
//   node --cpu-prof --cpu-prof-dir=results/profiles --import tsx src/tools/hot-loop.ts <group> <candidate> [seconds]
// e.g. `signer SignedCookieSigner`, `argumentsHash.nested argumentsHash`, `jwt.HS256 '@auth jwt() no cache'`.
import { generateFixtures, mintTokens } from '../fixtures.js';
import { argumentsHashGroups, signerGroup } from '../micro/groups.js';
import { jwtGroup } from '../micro/jwt.js';

const [groupId = '', candidateName = '', secondsArg = '5'] = process.argv.slice(2);
const f = generateFixtures();
const groups = [signerGroup(), ...argumentsHashGroups(), await jwtGroup('HS256', f, mintTokens(f, 'HS256', 1)[0]!), await jwtGroup('ES256', f, mintTokens(f, 'ES256', 1)[0]!)];
const group = groups.find((g) => g.id === groupId);
const candidate = group?.candidates.find((c) => c.name === candidateName);
if (group === undefined || candidate === undefined) {
  console.error(`unknown; one of:\n${groups.map((g) => `  ${g.id}: ${g.candidates.map((c) => JSON.stringify(c.name)).join(', ')}`).join('\n')}`);
  process.exit(2);
}
const until = Date.now() + Number(secondsArg) * 1000;
let n = 0;
while (Date.now() < until) {
  for (let i = 0; i < 1000; i++) {
    const r = candidate.fn();
    if (r instanceof Promise) await r;
  }
  n += 1000;
}
console.log(`${group.id} / ${candidate.name}: ${n} calls, ${((Number(secondsArg) * 1e6) / n).toFixed(2)} µs/call (wall)`);
