import fc from 'fast-check';
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../src/crypto/node.js';
import { hashOnce, hmacBase64url, type HmacDigest } from '../src/crypto/node-hmac.js';

// The node backend's HMAC is RFC 2104 on the one-shot hash; it must give createHmac's answer for
// every key and message, including keys longer than a block, lone surrogates and long messages.
const reference = (digest: HmacDigest, key: Uint8Array, text: string): string => createHmac(digest, key).update(text, 'utf8').digest('base64url');
const DIGESTS: HmacDigest[] = ['sha256', 'sha384', 'sha512'];
const message = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom('a', '\u00e9', '\u4e2d', '\ud800', '\udfff', '\ud83d\ude00'), maxLength: 200 }),
);

describe('hmacBase64url', () => {
  it.each(DIGESTS)('%s: agrees with createHmac for any key and message', (digest) => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.array(message, { minLength: 1, maxLength: 4 }), (key, texts) => {
        const mac = hmacBase64url(digest, key);
        for (const text of texts) expect(mac(text)).toBe(reference(digest, key, text));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps agreeing as messages grow past its scratch space, and past the one-shot limit', () => {
    const key = new Uint8Array(48).fill(7);
    const mac = hmacBase64url('sha256', key);
    for (const size of [0, 10, 600, 5_000, 30_000, 70_000, 12]) {
      const text = 'x\u00e9'.repeat(size);
      expect(mac(text)).toBe(reference('sha256', key, text));
    }
  });

  it('takes the one-shot path on this Node (createHmac only as the fallback)', () => {
    expect(hmacBase64url('sha256', new Uint8Array(32)).name).toBe('viaHash');
  });

  it('matches RFC 4231 test case 2', () => {
    const mac = hmacBase64url('sha256', new TextEncoder().encode('Jefe'));
    expect(Buffer.from(mac('what do ya want for nothing?'), 'base64url').toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe('node backend digests', () => {
  it('take the one-shot hash on this Node', () => {
    expect(hashOnce).toBeTypeOf('function');
  });

  it('agree with createHash for any text (UTF-8, lone surrogates as U+FFFD) and any bytes', () => {
    fc.assert(
      fc.property(message, fc.uint8Array({ maxLength: 300 }), (text, bytes) => {
        expect(nodeBackend.sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
        expect(Buffer.from(nodeBackend.sha256(bytes)).equals(createHash('sha256').update(bytes).digest())).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
