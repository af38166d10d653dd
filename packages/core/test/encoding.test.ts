import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64url, base64urlDecodedLength, base64urlDecodeStrict, base64urlEndIsCanonical, hex, isCanonicalBase64url, utf8, utf8DecodeStrict } from '../src/encoding.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

// RFC 4648 §10 test vectors, in the unpadded URL-safe alphabet.
const RFC_4648: Array<[string, string]> = [
  ['', ''],
  ['f', 'Zg'],
  ['fo', 'Zm8'],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg'],
  ['fooba', 'Zm9vYmE'],
  ['foobar', 'Zm9vYmFy'],
];

// Mostly alphabet characters, so that many generated strings decode, plus the usual intruders.
const ALMOST_BASE64URL = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')) },
  { weight: 1, arbitrary: fc.constantFrom('=', '+', '/', ' ', '\n', '.', '\u00e9', '\ud83d\ude00', '\u0000') },
);

describe('base64url', () => {
  for (const [plain, encoded] of RFC_4648) {
    it(`encodes RFC 4648 "${plain}" as "${encoded}" and decodes it back`, () => {
      expect(base64url(bytes(plain))).toBe(encoded);
      expect(base64urlDecodeStrict(encoded)).toEqual(bytes(plain));
    });
  }

  it("uses '-' and '_' where base64 has '+' and '/'", () => {
    expect(base64url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
    expect(base64urlDecodeStrict('-_-_')).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
  });

  it('round-trips any byte string (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        expect(base64urlDecodeStrict(base64url(data))).toEqual(data);
        expect(base64url(data)).toBe(Buffer.from(data).toString('base64url'));
      }),
    );
  });

  it('rejects padding', () => {
    expect(base64urlDecodeStrict('Zg==')).toBeNull();
    expect(base64urlDecodeStrict('Zm8=')).toBeNull();
  });

  it('rejects the standard alphabet and whitespace', () => {
    expect(base64urlDecodeStrict('+/+/')).toBeNull();
    expect(base64urlDecodeStrict('Zm9v ')).toBeNull();
    expect(base64urlDecodeStrict(' Zm9v')).toBeNull();
    expect(base64urlDecodeStrict('Zm\n9v')).toBeNull();
  });

  it('rejects an impossible length', () => {
    expect(base64urlDecodeStrict('Z')).toBeNull();
    expect(base64urlDecodeStrict('Zm9vY')).toBeNull();
  });

  it('rejects non-zero unused trailing bits, so each byte string has one encoding', () => {
    expect(base64urlDecodeStrict('Zg')).toEqual(bytes('f'));
    expect(base64urlDecodeStrict('Zh')).toBeNull();
    expect(base64urlDecodeStrict('Zm8')).toEqual(bytes('fo'));
    expect(base64urlDecodeStrict('Zm9')).toBeNull();
  });

  it('rejects characters outside ASCII', () => {
    expect(base64urlDecodeStrict('Zm9\u00e9')).toBeNull();
    expect(base64urlDecodeStrict('Z\u0100')).toBeNull();
  });

  it('never throws on any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: ALMOST_BASE64URL, maxLength: 40 }), (text) => {
        const decoded = base64urlDecodeStrict(text);
        if (decoded !== null) expect(base64url(decoded)).toBe(text);
      }),
    );
  });
});

describe('base64url length and final character (the checks a native decoder is wrapped in)', () => {
  it('gives the decoded length of every possible length, and -1 for the impossible ones', () => {
    for (let bytesLength = 0; bytesLength < 100; bytesLength++) {
      const encoded = base64url(new Uint8Array(bytesLength));
      expect(base64urlDecodedLength(encoded.length)).toBe(bytesLength);
    }
    for (const n of [1, 5, 9, 4001]) expect(base64urlDecodedLength(n)).toBe(-1);
  });

  it('accepts a final character exactly when the strict decoder does, for alphabet text', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const prefix of ['', 'Q', 'QU', 'QUJD', 'QUJDQ', 'QUJDQU']) {
      for (const c of alphabet) {
        const text = prefix + c;
        if (base64urlDecodedLength(text.length) < 0) continue;
        expect(base64urlEndIsCanonical(text), text).toBe(base64urlDecodeStrict(text) !== null);
      }
    }
  });
});

describe('isCanonicalBase64url (a JWS signature segment, checked without decoding)', () => {
  it('accepts exactly what the strict decoder decodes (property, near-base64url text)', () => {
    fc.assert(
      fc.property(fc.string({ unit: ALMOST_BASE64URL, maxLength: 48 }), (text) => {
        expect(isCanonicalBase64url(text)).toBe(base64urlDecodeStrict(text) !== null);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts the encoding of any bytes and refuses it with one character changed to each non-alphabet ASCII character', () => {
    const encoded = base64url(new Uint8Array(32).map((_, i) => i * 7));
    expect(isCanonicalBase64url(encoded)).toBe(true);
    for (let code = 0; code < 256; code++) {
      const c = String.fromCharCode(code);
      if (/[A-Za-z0-9_-]/.test(c)) continue;
      for (const at of [0, 17, encoded.length - 1]) expect(isCanonicalBase64url(encoded.slice(0, at) + c + encoded.slice(at + 1)), `${code} at ${at}`).toBe(false);
    }
    expect(isCanonicalBase64url(`${encoded}=`)).toBe(false);
    expect(isCanonicalBase64url(`${encoded.slice(0, -1)}Ł`)).toBe(false);
  });
});

describe('utf8', () => {
  it('encodes text as UTF-8', () => {
    expect(utf8('€')).toEqual(new Uint8Array([0xe2, 0x82, 0xac]));
  });

  it('decodes valid UTF-8, keeping a leading BOM', () => {
    expect(utf8DecodeStrict(new Uint8Array([0xe2, 0x82, 0xac]))).toBe('€');
    expect(utf8DecodeStrict(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe('\ufeffa');
  });

  it('returns null for malformed UTF-8 instead of inserting U+FFFD', () => {
    expect(utf8DecodeStrict(new Uint8Array([0xc3]))).toBeNull();
    expect(utf8DecodeStrict(new Uint8Array([0xed, 0xa0, 0x80]))).toBeNull(); // an encoded lone surrogate
    expect(utf8DecodeStrict(new Uint8Array([0xc0, 0xaf]))).toBeNull(); // overlong '/'
  });
});

describe('hex', () => {
  it('writes lowercase, two digits per byte', () => {
    expect(hex(new Uint8Array([0, 1, 0xab, 0xff]))).toBe('0001abff');
    expect(hex(new Uint8Array())).toBe('');
  });
});
