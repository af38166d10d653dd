import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { portableBackend } from '../src/crypto/backend.js';
import { nodeBackend } from '../src/crypto/node.js';

// The signer's value codec has a native node path; it must accept and refuse exactly what the
// portable strict codec does.
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .';
const b64ish = fc.array(fc.constantFrom(...alphabet.split('')), { maxLength: 40 }).map((chars) => chars.join(''));

describe('node and portable base64url text codecs agree', () => {
  it('encode any well-formed string identically', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(nodeBackend.base64urlText(text)).toBe(portableBackend.base64urlText(text));
      }),
    );
  });

  it('decode any base64url-like string identically (canonical only)', () => {
    fc.assert(
      fc.property(b64ish, (encoded) => {
        expect(nodeBackend.textFromBase64url(encoded)).toBe(portableBackend.textFromBase64url(encoded));
      }),
      { numRuns: 2000 },
    );
  });

  it('decode the encoding of arbitrary bytes identically, invalid UTF-8 included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        const encoded = portableBackend.base64urlText('') + Buffer.from(bytes).toString('base64url');
        expect(nodeBackend.textFromBase64url(encoded)).toBe(portableBackend.textFromBase64url(encoded));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a non-canonical final character and keeps a real U+FFFD', () => {
    expect(nodeBackend.textFromBase64url('YR')).toBeNull(); // 'a' is 'YQ'
    expect(portableBackend.textFromBase64url('YR')).toBeNull();
    expect(nodeBackend.textFromBase64url('77-9')).toBe('\uFFFD');
    expect(nodeBackend.textFromBase64url('_w')).toBeNull(); // 0xFF is not UTF-8
  });
});
