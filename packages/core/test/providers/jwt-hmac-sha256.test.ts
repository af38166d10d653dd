// HS256 on the node backend MACs in JS (key pad blocks hashed once, no OpenSSL context per token):
// it must give exactly node:crypto's HMAC-SHA-256, at every message length around the block and
// padding boundaries and for keys shorter than, equal to and longer than a block.
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha256 } from '../../src/crypto/hmac-sha256.js';
import { nodeJwsKey } from '../../src/crypto/node-jws.js';

const ascii = (length: number, seed: number): string => {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode((seed + i * 31) & 0x7f);
  return out;
};
const reference = (key: Uint8Array, text: string): number[] => Array.from(createHmac('sha256', key).update(text, 'utf8').digest());
const mac = (key: Uint8Array, text: string): number[] | null => {
  const out = new Uint8Array(32);
  return new HmacSha256(key).macAscii(text, out) ? Array.from(out) : null;
};

describe('HmacSha256', () => {
  it('matches node:crypto for every message length up to three blocks, with keys around the block size', () => {
    for (const keyLength of [0, 1, 31, 32, 48, 63, 64, 65, 100, 128, 200]) {
      const key = randomBytes(keyLength);
      const hmac = new HmacSha256(key);
      const out = new Uint8Array(32);
      for (let length = 0; length <= 200; length++) {
        const text = ascii(length, keyLength + length);
        expect(hmac.macAscii(text, out)).toBe(true);
        expect(Array.from(out), `key ${keyLength} bytes, message ${length} bytes`).toEqual(reference(key, text));
      }
    }
  });

  it('matches node:crypto on random keys and ASCII messages (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 400 }), (key, text) => {
        expect(mac(key, text)).toEqual(reference(key, text));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches node:crypto on a long message (many blocks)', () => {
    const key = randomBytes(48);
    const text = ascii(70_000, 5);
    expect(mac(key, text)).toEqual(reference(key, text));
  });

  it('declines text that is not ASCII, whose UTF-8 bytes are not its char codes', () => {
    const key = randomBytes(32);
    for (const text of ['\u0080', 'abc\u00e9', '\u0141', '\ud800', 'x'.repeat(100) + '\u{1f600}']) expect(mac(key, text)).toBeNull();
  });

  it('keeps each key to itself when several are in use', () => {
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    const [h1, h2] = [new HmacSha256(k1), new HmacSha256(k2)];
    const out = new Uint8Array(32);
    h1.macAscii('a.b', out);
    h2.macAscii('c.d', out);
    h1.macAscii('e.f', out);
    expect(Array.from(out)).toEqual(reference(k1, 'e.f'));
  });
});

describe('node HS256 verifier', () => {
  const key = randomBytes(48);
  const verify = nodeJwsKey({ type: 'secret', bytes: key }).verifier('HS256');
  const parts = (signingInput: string, signature: Uint8Array) => ({ flattened: { protected: '', payload: '', signature: '' }, signingInput, signature });

  it('accepts the right MAC and refuses any other', () => {
    const input = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0';
    const good = createHmac('sha256', key).update(input).digest();
    expect(verify(parts(input, good))).toBe(true);
    for (let i = 0; i < good.length; i++) {
      const bad = Uint8Array.from(good);
      bad[i]! ^= 1 << (i % 8);
      expect(verify(parts(input, bad))).toBe(false);
    }
    expect(verify(parts(input, good.subarray(0, 31)))).toBe(false);
    expect(verify(parts(`${input}x`, good))).toBe(false);
  });

  it('MACs a signing input that is not ASCII through node:crypto, as UTF-8', () => {
    const input = 'h\u00e9.p\u0141';
    expect(verify(parts(input, createHmac('sha256', key).update(input, 'utf8').digest()))).toBe(true);
    expect(verify(parts(input, createHmac('sha256', key).update(input, 'latin1').digest()))).toBe(false);
  });

  it('gives the HS384 and HS512 verifiers node:crypto as before', () => {
    const input = 'a.b';
    const jwsKey = nodeJwsKey({ type: 'secret', bytes: key });
    expect(jwsKey.verifier('HS384')(parts(input, createHmac('sha384', key).update(input).digest()))).toBe(true);
    expect(jwsKey.verifier('HS512')(parts(input, createHmac('sha512', key).update(input).digest()))).toBe(true);
  });
});
