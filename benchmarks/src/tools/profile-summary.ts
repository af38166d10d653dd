// Summarises a V8 .cpuprofile (from `--profile` or `node --cpu-prof`): the functions with the most
// self time, and self time per file, so "where does our time go" has a concrete answer.
//   node --import tsx src/tools/profile-summary.ts results/profiles/<file>.cpuprofile [--top 30] [--filter packages/]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '30' }, filter: { type: 'string' } }, allowPositionals: true });
const top = Number(values.top);

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const short = (url: string): string => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^\/work\/main\//, '');
  const key = (f: CallFrame): string => `${f.functionName || '(anonymous)'} ${short(f.url)}:${f.lineNumber + 1}`;

  const selfByFn = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const k = key(byId.get(n)!.callFrame);
      if (!seen.has(k)) {
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
      }
    }
  });
  for (const [id, t] of self) {
    const f = byId.get(id)!.callFrame;
    selfByFn.set(key(f), (selfByFn.get(key(f)) ?? 0) + t);
    const fileKey = short(f.url) || `(${f.functionName || 'native'})`;
    selfByFile.set(fileKey, (selfByFile.get(fileKey) ?? 0) + t);
  }
  const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const show = (title: string, map: Map<string, number>): void => {
    console.log(`\n${title}`);
    [...map]
      .filter(([k]) => values.filter === undefined || k.includes(values.filter))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .forEach(([k, t]) => console.log(`  ${pct(t)}  ${k}`));
  };
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
  show('self time by function', selfByFn);
  show('self time by file', selfByFile);
  show('inclusive time by function', inclusive);
}
