import { createHmac, createSecretKey, randomBytes, hash } from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
const kb = randomBytes(32);
const key = createSecretKey(kb);
const msg = process.argv[2] === 'jwt' ? 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' + randomBytes(120).toString('base64url') : 'quater.cookie:' + randomBytes(51).toString('base64url');
const ipad = Buffer.alloc(64, 0x36), opad = Buffer.alloc(64, 0x5c);
for (let i = 0; i < kb.length; i++) { ipad[i] ^= kb[i]; opad[i] ^= kb[i]; }
let scratch = Buffer.allocUnsafe(1024); ipad.copy(scratch, 0);
const outer = Buffer.allocUnsafe(96); opad.copy(outer, 0);
function oneShot(m) {
  const n = scratch.write(m, 64, 'utf8');
  const inner = hash('sha256', scratch.subarray(0, 64 + n), 'buffer');
  inner.copy(outer, 64);
  return hash('sha256', outer, 'base64url');
}
const nob = hmac.create(sha256, kb);
const enc = new TextEncoder();
let sink;
const cands = {
  keyobj: () => createHmac('sha256', key).update(msg, 'utf8').digest('base64url'),
  oneShot: () => oneShot(msg),
  noble: () => Buffer.from(nob.clone().update(enc.encode(msg)).digest()).toString('base64url'),
};
if (oneShot(msg) !== cands.keyobj()) throw new Error('mismatch');
const names = Object.keys(cands);
function batch(fn, n) { const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) sink = fn(); return Number(process.hrtime.bigint() - t) / n; }
for (const n of names) for (let i = 0; i < 20000; i++) cands[n]();
const res = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < 300; r++) { const order = r % 2 ? names : [...names].reverse(); for (const n of order) res[n].push(batch(cands[n], 200)); }
const med = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
for (const n of names) console.log(n.padEnd(12), med(res[n]).toFixed(0), 'ns');
console.log(String(sink).length, msg.length);
