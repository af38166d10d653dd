// HMAC-SHA-256 (RFC 2104 over FIPS 180-4 SHA-256) for HS256 verification on the node backend.
//
// node:crypto spends several microseconds per createHmac setting up an OpenSSL context (digest
// fetch, key schedule, a native object to collect later): several times the hashing of a
// token-sized input. Here the key's inner and outer pad blocks are hashed once, when the key is
// imported, and each MAC costs only the compressions of its message plus one, with no
// allocation. Only additions, rotations and bitwise operations touch the key-derived state: no
// branch or memory index depends on the key or the message content (only on the length).

const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);
const IV = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

// The message schedule, shared: every use fills W[0..15] and compresses before returning.
const W = new Int32Array(64);

// One SHA-256 compression of the block in W[0..15] into `state`. Four rounds per iteration, each
// writing the two working variables that change (FIPS 180-4 §6.2.2: `e = d + T1`, `a = T1 + T2`),
// so the other six are renamed rather than moved; Ch(e,f,g) = g ^ (e & (f ^ g)) and
// Maj(a,b,c) = (a & b) | (c & (a | b)), the usual equivalent forms with fewer operations.
function compress(state: Int32Array): void {
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (s1 + W[t - 7]! + s0 + W[t - 16]!) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!;
  let e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let t = 0; t < 64; t += 4) {
    // Round t: (a..h) as named.
    let t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K[t]! + W[t]!) | 0;
    let t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0;
    h = (d + t1) | 0;
    d = (t1 + t2) | 0;
    // Round t + 1: a..h are now d, a, b, c, h, e, f, g.
    t1 = (g + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + (f ^ (h & (e ^ f))) + K[t + 1]! + W[t + 1]!) | 0;
    t2 = ((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & a) | (b & (d | a)))) | 0;
    g = (c + t1) | 0;
    c = (t1 + t2) | 0;
    // Round t + 2: a..h are now c, d, a, b, g, h, e, f.
    t1 = (f + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (e ^ (g & (h ^ e))) + K[t + 2]! + W[t + 2]!) | 0;
    t2 = ((((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) | (a & (c | d)))) | 0;
    f = (b + t1) | 0;
    b = (t1 + t2) | 0;
    // Round t + 3: a..h are now b, c, d, a, f, g, h, e; after it, back to a..h as named.
    t1 = (e + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + K[t + 3]! + W[t + 3]!) | 0;
    t2 = ((((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) | (d & (b | c)))) | 0;
    e = (a + t1) | 0;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

// Pads and compresses the last bytes of a message: `tail` of them are in W already (big-endian,
// the rest of W[0..15] zero), `total` bytes were hashed in all, the blocks before included.
function finish(state: Int32Array, tail: number, total: number): void {
  W[tail >> 2]! |= 0x80 << (24 - 8 * (tail & 3));
  if (tail >= 56) {
    compress(state);
    W.fill(0, 0, 16);
  }
  const bits = total * 8;
  W[14] = Math.floor(bits / 0x100000000);
  W[15] = bits | 0;
  compress(state);
}

/** SHA-256 of bytes (used once per key, for keys longer than a block). */
function sha256(bytes: Uint8Array): Uint8Array {
  const state = IV.slice();
  const n = bytes.length;
  let i = 0;
  for (; i + 64 <= n; i += 64) {
    for (let j = 0; j < 16; j++) {
      const p = i + 4 * j;
      W[j] = (bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!;
    }
    compress(state);
  }
  W.fill(0, 0, 16);
  for (let j = 0; i + j < n; j++) W[j >> 2]! |= bytes[i + j]! << (24 - 8 * (j & 3));
  finish(state, n - i, n);
  return wordsToBytes(state, new Uint8Array(32));
}

function wordsToBytes(state: Int32Array, out: Uint8Array): Uint8Array {
  for (let j = 0; j < 8; j++) {
    const w = state[j]!;
    out[4 * j] = w >>> 24;
    out[4 * j + 1] = (w >>> 16) & 255;
    out[4 * j + 2] = (w >>> 8) & 255;
    out[4 * j + 3] = w & 255;
  }
  return out;
}

// The state after hashing one block of the (hashed if longer than a block, then zero-padded) key XOR pad.
function padState(key: Uint8Array, pad: number): Int32Array {
  for (let j = 0; j < 16; j++) {
    const p = 4 * j;
    W[j] = (((key[p] ?? 0) ^ pad) << 24) | (((key[p + 1] ?? 0) ^ pad) << 16) | (((key[p + 2] ?? 0) ^ pad) << 8) | ((key[p + 3] ?? 0) ^ pad);
  }
  const state = IV.slice();
  compress(state);
  return state;
}

/** An HMAC-SHA-256 key with its pad blocks hashed once; MACs of ASCII text without allocating. */
export class HmacSha256 {
  readonly #inner: Int32Array;
  readonly #outer: Int32Array;
  readonly #state = new Int32Array(8);

  constructor(secret: Uint8Array) {
    const key = secret.length > 64 ? sha256(secret) : secret;
    this.#inner = padState(key, 0x36);
    this.#outer = padState(key, 0x5c);
  }

  /**
   * Writes the MAC of `text`'s bytes into `out` (32 bytes) and returns true, when every character
   * of `text` is ASCII (its UTF-8 bytes are then its char codes). Returns false otherwise, with
   * `out` holding nothing meaningful: the caller MACs such text some other way.
   */
  macAscii(text: string, out: Uint8Array): boolean {
    const state = this.#state;
    state.set(this.#inner);
    const n = text.length;
    let seen = 0;
    let i = 0;
    for (; i + 64 <= n; i += 64) {
      for (let j = 0; j < 16; j++) {
        const p = i + 4 * j;
        const c0 = text.charCodeAt(p), c1 = text.charCodeAt(p + 1), c2 = text.charCodeAt(p + 2), c3 = text.charCodeAt(p + 3);
        seen |= c0 | c1 | c2 | c3;
        W[j] = (c0 << 24) | (c1 << 16) | (c2 << 8) | c3;
      }
      compress(state);
    }
    W.fill(0, 0, 16);
    for (let j = 0; i + j < n; j++) {
      const c = text.charCodeAt(i + j);
      seen |= c;
      W[j >> 2]! |= c << (24 - 8 * (j & 3));
    }
    // The inner hash covers the pad block and the message.
    finish(state, n - i, 64 + n);
    for (let j = 0; j < 8; j++) W[j] = state[j]!;
    W[8] = 0x80000000;
    W.fill(0, 9, 15);
    W[15] = (64 + 32) * 8;
    state.set(this.#outer);
    compress(state);
    wordsToBytes(state, out);
    return seen <= 0x7f;
  }
}
