import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crypto, portableBackend, type CryptoBackend } from '../src/crypto/backend.js';
import { nodeBackend } from '../src/crypto/node.js';
import { base64urlDecodeStrict } from '../src/encoding.js';

// The signer's value codec has a native node path; it must accept and refuse exactly what the
// portable strict codec does.
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Everything a lenient decoder might let through: standard base64, padding, whitespace, other
// ASCII, and code units whose low byte is a base64url character (Buffer reads code units modulo 256).
const HOSTILE = [
  '+', '/', '=', ' ', '\t', '\n', '\r', '\f', '\v', '.', ',', '\u0000', '\u007f', '\u0080', '\u00a0', '\u00e9', '\u00ff',
  '\u0100', '\u0141', '\u012d', '\u015f', '\u0130', '\u013d', '\u012b', '\u012f', '\u0161', '\u2d41', '\uff21', '\ufeff',
  '\ud800', '\udfff', '\ud83d\ude00',
];
const b64ish = fc
  .array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...BASE64URL.split('')) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) }), { maxLength: 40 })
  .map((chars) => chars.join(''));
// A canonical encoding, sometimes spoiled in one place (a hostile character, or another final character).
const nearlyCanonical = fc
  .tuple(fc.uint8Array({ maxLength: 40 }), fc.nat(), fc.constantFrom(...HOSTILE, ...BASE64URL.split('')), fc.boolean())
  .map(([bytes, at, c, spoil]) => {
    const encoded = Buffer.from(bytes).toString('base64url');
    if (!spoil || encoded === '') return encoded;
    const i = at % encoded.length;
    return encoded.slice(0, i) + c + encoded.slice(i + 1);
  });

const bytesOf = (value: Uint8Array | null): number[] | null => (value === null ? null : Array.from(value));
const DECODERS: [string, CryptoBackend][] = [
  ['node', nodeBackend],
  ['portable', portableBackend],
  ['installed', crypto()],
];

describe('strict base64url decoders accept exactly what base64urlDecodeStrict accepts', () => {
  it.each(DECODERS)('%s: on strings of base64url and hostile characters', (_name, backend) => {
    fc.assert(
      fc.property(fc.oneof(b64ish, nearlyCanonical), (encoded) => {
        expect(bytesOf(backend.base64urlDecode(encoded))).toEqual(bytesOf(base64urlDecodeStrict(encoded)));
      }),
      { numRuns: 5000 },
    );
  });

  it.each(DECODERS)('%s: on every UTF-16 code unit at every position of a full or partial group', (_name, backend) => {
    const templates = ['QUJD', 'QUI', 'QQ', 'QUJDQUJD', 'QUJDQQ'];
    let accepted = 0;
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      for (const template of templates) {
        for (let at = 0; at < template.length; at++) {
          const encoded = template.slice(0, at) + c + template.slice(at + 1);
          const expected = base64urlDecodeStrict(encoded);
          const actual = backend.base64urlDecode(encoded);
          if ((actual === null) !== (expected === null) || (actual !== null && !Buffer.from(actual).equals(Buffer.from(expected!)))) {
            expect.fail(`${JSON.stringify(encoded)}: ${String(bytesOf(actual))} instead of ${String(bytesOf(expected))}`);
          }
          if (actual !== null) accepted++;
        }
      }
    }
    // Exactly the base64url characters that keep the unused bits zero: a sanity check on the loop itself.
    expect(accepted).toBeGreaterThan(64 * 10);
  });

  it.each(DECODERS)('%s: refuses padding, the standard alphabet and a non-canonical end', (_name, backend) => {
    for (const bad of ['Zg==', 'Zm8=', '+/+/', 'Zm9v ', 'Z', 'Zm9vY', 'Zh', 'Zm9', 'Zm9\u00e9', 'Z\u0100', 'QU\u0141D', 'QUJD=QUJD']) {
      expect(backend.base64urlDecode(bad)).toBeNull();
    }
    expect(bytesOf(backend.base64urlDecode(''))).toEqual([]);
    expect(bytesOf(backend.base64urlDecode('-_-_'))).toEqual([0xfb, 0xff, 0xbf]);
  });
});

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

  it('refuse malformed UTF-8 alike and keep a byte order mark', () => {
    const cases = [
      [0xef, 0xbb, 0xbf, 0x61], // BOM, then 'a'
      [0xc3], // truncated
      [0xed, 0xa0, 0x80], // an encoded lone surrogate
      [0xc0, 0xaf], // overlong '/'
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xe2, 0x82, 0xac], // '€'
      [0xf0, 0x9f, 0x98, 0x80], // an emoji
    ];
    for (const bytes of cases) {
      const encoded = Buffer.from(bytes).toString('base64url');
      expect(nodeBackend.textFromBase64url(encoded)).toBe(portableBackend.textFromBase64url(encoded));
    }
    expect(nodeBackend.textFromBase64url('77u_YQ')).toBe('\ufeffa');
  });

  it('refuses a non-canonical final character and keeps a real U+FFFD', () => {
    expect(nodeBackend.textFromBase64url('YR')).toBeNull(); // 'a' is 'YQ'
    expect(portableBackend.textFromBase64url('YR')).toBeNull();
    expect(nodeBackend.textFromBase64url('77-9')).toBe('\uFFFD');
    expect(nodeBackend.textFromBase64url('_w')).toBeNull(); // 0xFF is not UTF-8
  });
});
