import { describe, expect, it } from 'vitest';
import { parseCompact } from '../../src/providers/jwt/segments.js';
import { parseJsonObject } from '../../src/providers/jwt/strict-json.js';
import { b64 } from './helpers/jwt-tokens.js';

const H = b64('{"alg":"HS256"}');
const P = b64('{"sub":"u"}');
const S = b64(new Uint8Array(32).fill(7));
const GOOD = `${H}.${P}.${S}`;

describe('parseCompact', () => {
  it('splits a canonical token and keeps the exact signing input', () => {
    const parsed = parseCompact(GOOD, 8192);
    expect(parsed?.header).toEqual({ alg: 'HS256' });
    expect(parsed?.payload).toEqual({ sub: 'u' });
    expect(new TextDecoder().decode(parsed!.signingInput)).toBe(`${H}.${P}`);
    expect(parsed?.signature).toEqual(new Uint8Array(32).fill(7));
  });

  it.each([
    ['a leading space', ` ${GOOD}`],
    ['a trailing space', `${GOOD} `],
    ['a trailing newline', `${GOOD}\n`],
    ['a tab inside a segment', `${H}.${P.slice(0, 2)}\t${P.slice(2)}.${S}`],
    ['a CRLF between segments', `${H}.\r\n${P}.${S}`],
    ['padding on the header', `${H}=.${P}.${S}`],
    ['padding on the signature', `${GOOD}=`],
    ['a + character', `${H}.${P}.${S.slice(0, -1)}+`],
    ['a non-ASCII character', `${H}.${P}.${S.slice(0, -1)}é`],
  ])('refuses %s', (_label, token) => {
    expect(parseCompact(token, 8192)).toBeNull();
  });

  it.each([
    ['one segment', H],
    ['two segments', `${H}.${P}`],
    ['four segments', `${GOOD}.${S}`],
    ['an empty header', `.${P}.${S}`],
    ['an empty payload', `${H}..${S}`],
    ['an empty signature', `${H}.${P}.`],
    ['only dots', '..'],
  ])('refuses %s', (_label, token) => {
    expect(parseCompact(token, 8192)).toBeNull();
  });

  it('refuses a token one character over the size cap and accepts one at it', () => {
    expect(parseCompact(GOOD, GOOD.length)).not.toBeNull();
    expect(parseCompact(GOOD, GOOD.length - 1)).toBeNull();
  });

  it('freezes the decoded header and payload deeply', () => {
    const parsed = parseCompact(`${H}.${b64('{"a":{"b":[1]}}')}.${S}`, 8192)!;
    const a = parsed.payload['a'] as { b: number[] };
    expect(Object.isFrozen(parsed.payload) && Object.isFrozen(a) && Object.isFrozen(a.b)).toBe(true);
  });
});

describe('parseJsonObject', () => {
  it('parses a plain object', () => {
    expect(parseJsonObject('{"a":1,"b":[{"a":2}],"c":{"a":3}}')).toEqual({ a: 1, b: [{ a: 2 }], c: { a: 3 } });
  });

  it.each([
    ['a top-level duplicate', '{"a":1,"a":2}'],
    ['a nested duplicate', '{"x":{"a":1,"a":2}}'],
    ['a duplicate inside an array element', '{"x":[{"a":1,"a":2}]}'],
    ['a duplicate spelled with an escape', '{"a":1,"\\u0061":2}'],
    ['a duplicate __proto__', '{"__proto__":1,"__proto__":2}'],
    ['a duplicate after whitespace', '{ "a" : 1 ,\n "a" : 2 }'],
    ['a duplicate name ending in an escaped backslash', '{"a\\\\":1,"a\\\\":2}'],
    ['a duplicate after a value ending in an escaped backslash', '{"x":"\\\\","x":1}'],
    ['a duplicate after a value holding an escaped quote', '{"x":"\\"","x":1}'],
    ['a duplicate escaped differently', '{"\\u00e9":1,"\u00e9":2}'],
  ])('refuses %s', (_label, text) => {
    expect(parseJsonObject(text)).toBeNull();
  });

  it('handles many members in linear time', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `"k${i}":${i}`).join(',');
    expect(parseJsonObject(`{${names}}`)).not.toBeNull();
    expect(parseJsonObject(`{${names},"k0":1}`)).toBeNull();
  });

  it('is not fooled by names inside string values', () => {
    expect(parseJsonObject('{"a":"\\",\\"a\\":","b":"{\\"a\\":1}"}')).toEqual({ a: '","a":', b: '{"a":1}' });
  });

  it('keeps a single __proto__ member as data, not as a prototype', () => {
    const value = parseJsonObject('{"__proto__":{"admin":true}}')!;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect((value as { admin?: unknown }).admin).toBeUndefined();
  });

  it.each([
    ['an array', '[]'],
    ['a number', '1'],
    ['a string', '"a"'],
    ['null', 'null'],
    ['invalid JSON', '{a:1}'],
    ['trailing garbage', '{"a":1} x'],
    ['nesting of 33 levels', `{"a":${'['.repeat(32)}${']'.repeat(32)}}`],
  ])('refuses %s', (_label, text) => {
    expect(parseJsonObject(text)).toBeNull();
  });

  it('accepts nesting of 32 levels', () => {
    expect(parseJsonObject(`{"a":${'['.repeat(31)}${']'.repeat(31)}}`)).not.toBeNull();
  });
});
