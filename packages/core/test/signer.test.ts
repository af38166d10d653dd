import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ImproperlyConfigured } from '../src/errors.js';
import { DEFAULT_SIGNER_SALT, MAX_CLOCK_SKEW_SECONDS, SignedCookieSigner } from '../src/signer.js';

const SECRET = 'current-secret-0123456789abcdef-xyz';
const OLD = 'previous-secret-0123456789abcdef-xyz';
const OTHER = 'unrelated-secret-0123456789abcdef-xyz';

// Independent reference implementation of Quater's format, on node:crypto.
function b64u(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64url');
}
function quaterSign(secret: string, value: string | Uint8Array, salt = 'quater.cookie'): string {
  const payload = b64u(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
  return payload + '.' + createHmac('sha256', secret).update(`${salt}:${payload}`).digest('base64url');
}
function timedSign(secret: string, value: string, issuedAt: string, salt = 'quater.cookie'): string {
  const payload = b64u(Buffer.from(value, 'utf8')) + '.' + issuedAt;
  return payload + '.' + createHmac('sha256', secret).update(`${salt}:${payload}`).digest('base64url');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SignedCookieSigner wire format', () => {
  it('matches an HMAC computed independently with node:crypto (Quater-compatible)', () => {
    const signer = new SignedCookieSigner(SECRET);
    expect(signer.sign('user_123')).toBe(quaterSign(SECRET, 'user_123'));
  });

  it('uses quater.cookie as the default salt', () => {
    expect(DEFAULT_SIGNER_SALT).toBe('quater.cookie');
  });

  it('verifies a value signed by the reference implementation', () => {
    const signer = new SignedCookieSigner(SECRET);
    expect(signer.verify(quaterSign(SECRET, 'caf\u00e9 \u{1F431}'))).toBe('caf\u00e9 \u{1F431}');
  });

  it('mixes a custom salt into the MAC', () => {
    const signer = new SignedCookieSigner(SECRET, { salt: 'flash' });
    expect(signer.sign('x')).toBe(quaterSign(SECRET, 'x', 'flash'));
    expect(new SignedCookieSigner(SECRET).verify(signer.sign('x'))).toBeNull();
  });

  it('accepts a Uint8Array secret', () => {
    const bytes = new Uint8Array(32).fill(7);
    const signer = new SignedCookieSigner(bytes);
    const expected = 'eA.' + createHmac('sha256', bytes).update('quater.cookie:eA').digest('base64url');
    expect(signer.sign('x')).toBe(expected);
  });
});

describe('SignedCookieSigner round trips', () => {
  it('round-trips a value', () => {
    const signer = new SignedCookieSigner(SECRET);
    expect(signer.verify(signer.sign('user_123'))).toBe('user_123');
  });

  it('round-trips the empty string', () => {
    const signer = new SignedCookieSigner(SECRET);
    const signed = signer.sign('');
    expect(signed.startsWith('.')).toBe(true);
    expect(signer.verify(signed)).toBe('');
  });

  it('round-trips any well-formed string (property)', () => {
    const signer = new SignedCookieSigner(SECRET);
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (value) => signer.verify(signer.sign(value)) === value), { numRuns: 300 });
  });

  it('round-trips any well-formed string with maxAge (property)', () => {
    const signer = new SignedCookieSigner(SECRET, { maxAge: 60 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 32 }), (value) => signer.verify(signer.sign(value)) === value), { numRuns: 100 });
  });

  it('refuses to sign a lone surrogate with a TypeError', () => {
    const signer = new SignedCookieSigner(SECRET);
    expect(() => signer.sign('a\uD800b')).toThrow(TypeError);
    expect(() => signer.sign('\uDC00')).toThrow(TypeError);
  });

  it('signs or refuses (never corrupts) any string of UTF-16 code units (property)', () => {
    const signer = new SignedCookieSigner(SECRET);
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.string({ unit: codeUnit, maxLength: 16 }), (value) => {
        let signed: string;
        try {
          signed = signer.sign(value);
        } catch (error) {
          return error instanceof TypeError && /\p{Cs}/u.test(value);
        }
        return signer.verify(signed) === value;
      }),
      { numRuns: 300 },
    );
  });

  it('refuses to sign a non-string with a TypeError', () => {
    const signer = new SignedCookieSigner(SECRET);
    expect(() => signer.sign(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('SignedCookieSigner rotation', () => {
  it('verifies a value signed with a fallback secret and reports the fallback', () => {
    const old = new SignedCookieSigner(OLD);
    const rotated = new SignedCookieSigner(SECRET, { fallbackSecrets: [OLD] });
    const signed = old.sign('user_123');
    expect(rotated.verify(signed)).toBe('user_123');
    expect(rotated.verifyDetailed(signed)).toEqual({ value: 'user_123', fallback: true });
  });

  it('reports fallback false for a value signed with the current secret', () => {
    const rotated = new SignedCookieSigner(SECRET, { fallbackSecrets: [OLD] });
    expect(rotated.verifyDetailed(rotated.sign('v'))).toEqual({ value: 'v', fallback: false });
  });

  it('signs with the current secret only', () => {
    const rotated = new SignedCookieSigner(SECRET, { fallbackSecrets: [OLD] });
    expect(new SignedCookieSigner(OLD).verify(rotated.sign('v'))).toBeNull();
    expect(new SignedCookieSigner(SECRET).verify(rotated.sign('v'))).toBe('v');
  });

  it('checks every fallback secret in turn', () => {
    const rotated = new SignedCookieSigner(SECRET, { fallbackSecrets: [OTHER, OLD] });
    expect(rotated.verifyDetailed(new SignedCookieSigner(OLD).sign('v'))?.fallback).toBe(true);
  });

  it('rejects a value signed with a secret it does not know', () => {
    const rotated = new SignedCookieSigner(SECRET, { fallbackSecrets: [OLD] });
    expect(rotated.verify(new SignedCookieSigner(OTHER).sign('v'))).toBeNull();
  });

  it('returns a frozen result', () => {
    const signer = new SignedCookieSigner(SECRET);
    expect(Object.isFrozen(signer.verifyDetailed(signer.sign('v')))).toBe(true);
  });
});

describe('SignedCookieSigner rejects malformed and forged input', () => {
  const signer = new SignedCookieSigner(SECRET);
  const good = signer.sign('user_123');
  const [payload, mac] = good.split('.') as [string, string];

  it.each([
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { toString: () => good }],
    ['an array', [good]],
  ])('returns null for %s', (_label, input) => {
    expect(signer.verify(input)).toBeNull();
    expect(signer.verifyDetailed(input)).toBeNull();
  });

  it('returns null for the empty string', () => {
    expect(signer.verify('')).toBeNull();
  });

  it('returns null for a value without a dot', () => {
    expect(signer.verify(payload + mac)).toBeNull();
  });

  it('returns null for a lone dot', () => {
    expect(signer.verify('.')).toBeNull();
  });

  it('returns null for several dots', () => {
    expect(signer.verify(`${payload}.${mac}.`)).toBeNull();
    expect(signer.verify(`${payload}..${mac}`)).toBeNull();
  });

  it('returns null when the signature is missing', () => {
    expect(signer.verify(`${payload}.`)).toBeNull();
  });

  it('returns null for a tampered payload', () => {
    expect(signer.verify(`${b64u('user_124')}.${mac}`)).toBeNull();
  });

  it('returns null when the first byte of the MAC differs', () => {
    const flipped = (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1);
    expect(signer.verify(`${payload}.${flipped}`)).toBeNull();
  });

  it('returns null when the last character of the MAC differs', () => {
    const flipped = mac.slice(0, -1) + (mac.at(-1) === 'A' ? 'E' : 'A');
    expect(signer.verify(`${payload}.${flipped}`)).toBeNull();
  });

  it('returns null for a truncated MAC', () => {
    expect(signer.verify(`${payload}.${mac.slice(0, -1)}`)).toBeNull();
  });

  it('returns null for an over-long MAC', () => {
    expect(signer.verify(`${payload}.${mac}AA`)).toBeNull();
  });

  it('returns null for a padded MAC', () => {
    expect(signer.verify(`${payload}.${mac}=`)).toBeNull();
  });

  it('returns null for a MAC in standard base64 characters', () => {
    // Find a value whose MAC uses '-' or '_', which standard base64 writes as '+' or '/'.
    let i = 0;
    while (!/[-_]/.test(signer.sign(`v${i}`).split('.')[1]!)) i++;
    const [p, m] = signer.sign(`v${i}`).split('.') as [string, string];
    const std = m.replaceAll('-', '+').replaceAll('_', '/');
    expect(signer.verify(`${p}.${m}`)).toBe(`v${i}`);
    expect(signer.verify(`${p}.${std}`)).toBeNull();
  });

  it('returns null for a MAC whose unused trailing bits are set (non-canonical base64url)', () => {
    // The 43rd character carries 2 unused bits; setting them keeps the decoded bytes identical.
    const last = mac.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const variant = alphabet[alphabet.indexOf(last) | 1]!;
    expect(Buffer.from(mac.slice(0, -1) + variant, 'base64url')).toEqual(Buffer.from(mac, 'base64url'));
    expect(signer.verify(`${payload}.${mac.slice(0, -1)}${variant}`)).toBeNull();
  });

  it('returns null for a correctly MACed payload with bad base64url characters', () => {
    const bad = '%%%%';
    const forged = bad + '.' + createHmac('sha256', SECRET).update(`quater.cookie:${bad}`).digest('base64url');
    expect(signer.verify(forged)).toBeNull();
  });

  it('returns null for a correctly MACed payload that is non-canonical base64url', () => {
    // 'eQ' is canonical for 'y'; 'eR' decodes to the same byte with a stray bit set.
    const forged = 'eR.' + createHmac('sha256', SECRET).update('quater.cookie:eR').digest('base64url');
    expect(signer.verify(quaterSign(SECRET, 'y'))).toBe('y');
    expect(signer.verify(forged)).toBeNull();
  });

  it('returns null for a correctly MACed payload that is not valid UTF-8', () => {
    const forged = quaterSign(SECRET, new Uint8Array([0x66, 0xc3, 0x28]));
    expect(signer.verify(forged)).toBeNull();
  });

  it('returns null for a correctly MACed payload holding non-ASCII characters', () => {
    const bad = 'caf\u00e9';
    const forged = bad + '.' + createHmac('sha256', SECRET).update(`quater.cookie:${bad}`).digest('base64url');
    expect(signer.verify(forged)).toBeNull();
  });

  it('never throws on any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (input) => {
        signer.verify(input);
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('never accepts a mutation of a valid value (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: good.length - 1 }), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }), (index, ch) => {
        const mutated = good.slice(0, index) + ch + good.slice(index + 1);
        fc.pre(mutated !== good);
        return signer.verify(mutated) === null;
      }),
      { numRuns: 500 },
    );
  });
});

describe('SignedCookieSigner maxAge', () => {
  it('embeds the signing time in the documented format', () => {
    vi.useFakeTimers({ now: 1_700_000_000_500 });
    const signer = new SignedCookieSigner(SECRET, { maxAge: 60 });
    expect(signer.sign('v')).toBe(timedSign(SECRET, 'v', '1700000000'));
    expect(signer.verifyDetailed(signer.sign('v'))).toEqual({ value: 'v', fallback: false, issuedAt: 1_700_000_000 });
  });

  it('accepts a value exactly maxAge seconds old', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const signer = new SignedCookieSigner(SECRET, { maxAge: 60 });
    const signed = signer.sign('v');
    vi.setSystemTime(1_700_000_060_999);
    expect(signer.verify(signed)).toBe('v');
  });

  it('rejects a value older than maxAge', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const signer = new SignedCookieSigner(SECRET, { maxAge: 60 });
    const signed = signer.sign('v');
    vi.setSystemTime(1_700_000_061_000);
    expect(signer.verify(signed)).toBeNull();
  });

  it('rejects a signing time further in the future than the allowed skew', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const signer = new SignedCookieSigner(SECRET, { maxAge: 60 });
    expect(signer.verify(timedSign(SECRET, 'v', String(1_700_000_000 + MAX_CLOCK_SKEW_SECONDS + 1)))).toBeNull();
  });

  it('accepts a signing time slightly in the future (clock skew)', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const signer = new SignedCookieSigner(SECRET, { maxAge: 60 });
    expect(signer.verify(timedSign(SECRET, 'v', String(1_700_000_000 + MAX_CLOCK_SKEW_SECONDS)))).toBe('v');
  });

  it('rejects an untimed value when maxAge is set', () => {
    const signer = new SignedCookieSigner(SECRET, { maxAge: 60 });
    expect(signer.verify(new SignedCookieSigner(SECRET).sign('v'))).toBeNull();
  });

  it('rejects a timed value when maxAge is not set', () => {
    const timed = new SignedCookieSigner(SECRET, { maxAge: 60 });
    expect(new SignedCookieSigner(SECRET).verify(timed.sign('v'))).toBeNull();
  });

  it.each(['01700000000', '+1700000000', '1.7e9', '', ' 1700000000', '99999999999999999'])(
    'rejects a correctly MACed non-canonical or impossible signing time %j',
    (issuedAt) => {
      vi.useFakeTimers({ now: 1_700_000_000_000 });
      const signer = new SignedCookieSigner(SECRET, { maxAge: 60 });
      expect(signer.verify(timedSign(SECRET, 'v', issuedAt))).toBeNull();
    },
  );

  it('reports a fallback match for timed values', () => {
    const old = new SignedCookieSigner(OLD, { maxAge: 60 });
    const rotated = new SignedCookieSigner(SECRET, { fallbackSecrets: [OLD], maxAge: 60 });
    expect(rotated.verifyDetailed(old.sign('v'))?.fallback).toBe(true);
  });

  it('exposes maxAge', () => {
    expect(new SignedCookieSigner(SECRET, { maxAge: 60 }).maxAge).toBe(60);
    expect(new SignedCookieSigner(SECRET).maxAge).toBeUndefined();
  });
});

describe('SignedCookieSigner configuration', () => {
  it('rejects an empty secret', () => {
    expect(() => new SignedCookieSigner('')).toThrow(ImproperlyConfigured);
    expect(() => new SignedCookieSigner(new Uint8Array())).toThrow(/must not be empty/);
  });

  it('rejects a secret shorter than 32 bytes', () => {
    expect(() => new SignedCookieSigner('x'.repeat(31))).toThrow(/at least 32 bytes/);
  });

  it('counts secret length in UTF-8 bytes', () => {
    expect(() => new SignedCookieSigner('\u00e9'.repeat(16))).not.toThrow();
  });

  it('rejects a secret that is neither string nor bytes', () => {
    expect(() => new SignedCookieSigner(123 as unknown as string)).toThrow(ImproperlyConfigured);
  });

  it('rejects fallbackSecrets that is not an array', () => {
    expect(() => new SignedCookieSigner(SECRET, { fallbackSecrets: OLD as unknown as string[] })).toThrow(/fallbackSecrets/);
    expect(() => new SignedCookieSigner(SECRET, { fallbackSecrets: new Set([OLD]) as unknown as string[] })).toThrow(ImproperlyConfigured);
  });

  it('rejects an empty fallback secret, naming its index', () => {
    expect(() => new SignedCookieSigner(SECRET, { fallbackSecrets: [OLD, ''] })).toThrow(/fallbackSecrets\[1\] must not be empty/);
  });

  it('rejects a short fallback secret', () => {
    expect(() => new SignedCookieSigner(SECRET, { fallbackSecrets: ['short'] })).toThrow(/fallbackSecrets\[0\].*32 bytes/);
  });

  it('rejects a fallback secret of the wrong type', () => {
    expect(() => new SignedCookieSigner(SECRET, { fallbackSecrets: [null as unknown as string] })).toThrow(ImproperlyConfigured);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 10 ** 12])('rejects maxAge %s', (maxAge) => {
    expect(() => new SignedCookieSigner(SECRET, { maxAge })).toThrow(/maxAge/);
  });

  it('rejects a salt that is not a string', () => {
    expect(() => new SignedCookieSigner(SECRET, { salt: 5 as unknown as string })).toThrow(/salt/);
  });

  it('rejects a salt holding a lone surrogate', () => {
    expect(() => new SignedCookieSigner(SECRET, { salt: '\uD800' })).toThrow(/salt/);
  });

  it('rejects unknown options', () => {
    expect(() => new SignedCookieSigner(SECRET, { fallback: [OLD] } as unknown as object)).toThrow(/unknown key/);
  });

  it('rejects options that are not an object', () => {
    expect(() => new SignedCookieSigner(SECRET, 'salt' as unknown as object)).toThrow(ImproperlyConfigured);
  });

  it('never puts a secret in an error message', () => {
    const short = 'SHORT-SECRET-VALUE';
    for (const build of [() => new SignedCookieSigner(short), () => new SignedCookieSigner(SECRET, { fallbackSecrets: [short] })]) {
      try {
        build();
        expect.unreachable();
      } catch (error) {
        expect(String((error as Error).message)).not.toContain(short);
      }
    }
  });
});

describe('SignedCookieSigner keeps secrets out of output', () => {
  const signer = new SignedCookieSigner(SECRET, { fallbackSecrets: [OLD], maxAge: 60 });

  it('masks secrets in util.inspect', () => {
    const shown = inspect(signer, { showHidden: true, depth: 5 });
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain(OLD);
    expect(shown).toContain('[redacted]');
  });

  it('masks secrets in JSON.stringify', () => {
    const json = JSON.stringify({ signer });
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain(OLD);
    expect(JSON.parse(json)).toEqual({ signer: { type: 'SignedCookieSigner', secrets: '[redacted]', fallbackSecrets: 1, salt: 'quater.cookie', maxAge: 60 } });
  });

  it('masks secrets in String()', () => {
    expect(String(signer)).not.toContain(SECRET);
  });

  it('has no enumerable state to spread', () => {
    expect(Object.keys(signer)).toEqual([]);
    expect(JSON.stringify({ ...signer })).toBe('{}');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(signer)).toBe(true);
  });
});
