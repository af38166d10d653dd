import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ImproperlyConfigured } from '../src/errors.js';
import { INSPECT, maskSecret, MIN_SECRET_BYTES, redact, secretBytes } from '../src/secret.js';

describe('maskSecret', () => {
  it('keeps the last 4 characters of a long secret', () => {
    expect(maskSecret('my-secret-key-12345')).toBe('****2345');
  });

  it('shows nothing of a secret shorter than 16 characters', () => {
    expect(maskSecret('short-secret')).toBe('****');
  });

  it('shows fewer characters when asked', () => {
    expect(maskSecret('sk_live_abcdef123456', 2)).toBe('****56');
    expect(maskSecret('sk_live_abcdef123456', 0)).toBe('****');
  });

  it('never shows more than 4 characters', () => {
    expect(maskSecret('sk_live_abcdef123456', 100)).toBe('****3456');
  });

  it.each([Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY])('shows nothing for a nonsensical visible count %s', (visible) => {
    expect(maskSecret('sk_live_abcdef123456', visible)).toBe('****');
  });

  it.each([undefined, null, 42, {}, ''])('masks a non-string or empty value %j', (value) => {
    expect(maskSecret(value)).toBe('****');
  });

  it('counts visible characters by code point, never splitting a surrogate pair', () => {
    expect(maskSecret('abcdefghijklmnopqr\u{1F431}')).toBe('****pqr\u{1F431}');
  });
});

describe('secretBytes', () => {
  it('encodes a string secret as UTF-8', () => {
    expect(secretBytes('\u00e9'.repeat(16), 'x')).toHaveLength(32);
  });

  it('copies a byte secret so later changes have no effect', () => {
    const input = new Uint8Array(32).fill(1);
    const bytes = secretBytes(input, 'x');
    input[0] = 9;
    expect(bytes[0]).toBe(1);
  });

  it('rejects an empty secret', () => {
    expect(() => secretBytes('', 'mySecret')).toThrow(new ImproperlyConfigured('mySecret must not be empty'));
  });

  it('rejects a secret below the minimum', () => {
    expect(() => secretBytes('x'.repeat(MIN_SECRET_BYTES - 1), 'mySecret')).toThrow(/mySecret must be at least 32 bytes/);
  });

  it('rejects a non-secret type without echoing it', () => {
    expect(() => secretBytes(12345678, 'mySecret')).toThrow(/mySecret must be a string or Uint8Array/);
  });
});

describe('redact', () => {
  it('gives an object a secret-free inspect, JSON and String face', () => {
    const target = redact({ secret: 'hunter2-hunter2-hunter2' }, 'Thing', () => ({ keys: 2 }));
    expect(inspect(target)).toBe('Thing { keys: 2 }');
    expect(JSON.stringify(target)).toBe('{"type":"Thing","keys":2}');
    expect(String(target)).toBe('Thing { keys: 2 }');
    expect(typeof (target as unknown as Record<symbol, unknown>)[INSPECT]).toBe('function');
  });

  it('adds nothing enumerable', () => {
    const fn = redact(async () => null, 'provider', () => ({}));
    expect(Object.keys(fn)).toEqual([]);
    expect(inspect(fn)).toBe('provider');
  });
});
