import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCompact } from '../../src/providers/jwt/segments.js';
import { MAX_JSON_DEPTH, parseJsonObject } from '../../src/providers/jwt/strict-json.js';
import { safeJson } from '../fixtures/arbitraries.js';
import { b64 } from './helpers/jwt-tokens.js';

// The former check, name by name with a Set per object: the reference the counting check must match.
function referenceUniqueNamesWithinDepth(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const stack: (Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const name = JSON.parse(text.slice(i, end + 1)) as string;
      i = end;
      if (!expectName) continue;
      const names = stack[stack.length - 1]!;
      if (names.has(name)) return false;
      names.add(name);
      expectName = false;
    } else if (c === '{' || c === '[') {
      if (stack.length >= MAX_JSON_DEPTH) return false;
      stack.push(c === '{' ? new Set() : null);
      expectName = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectName = false;
    } else if (c === ',') {
      expectName = stack[stack.length - 1] != null;
    }
  }
  return true;
}

// JSON object text that often repeats a name somewhere in the tree: a random document with one
// member, chosen by position, written a second time (sometimes with its name escaped), and with
// names and strings full of quotes, backslashes, colons and brackets.
const trickyName = fc.constantFrom('a', 'b', '__proto__', ':', '"', '\\', '{', '}', '[', ']', ',', 'a:b', '"a"', 'é', '\u2028');
const duplicateProneJson = fc
  .tuple(
    fc.dictionary(fc.oneof(trickyName, fc.string({ maxLength: 4 })), fc.oneof(safeJson, fc.dictionary(trickyName, safeJson, { maxKeys: 4 })), { maxKeys: 6 }),
    fc.nat(),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([document, pick, duplicate, escape]) => {
    const text = JSON.stringify(document);
    if (!duplicate) return text;
    // Find the members written in the text and repeat one of them right after itself.
    const members: { start: number; end: number; name: string }[] = [];
    for (let i = 0; i < text.length; i++) {
      if (text[i] !== '"') continue;
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (text[end + 1] === ':') members.push({ start: i, end, name: JSON.parse(text.slice(i, end + 1)) as string });
      i = end;
    }
    if (members.length === 0) return text;
    const member = members[pick % members.length]!;
    const name = escape ? `"${member.name.split('').map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"` : text.slice(member.start, member.end + 1);
    return `${text.slice(0, member.start)}${name}:0,${text.slice(member.start)}`;
  });

const H = b64('{"alg":"HS256"}');
const P = b64('{"sub":"u"}');
const S = b64(new Uint8Array(32).fill(7));
const GOOD = `${H}.${P}.${S}`;

describe('parseCompact', () => {
  it('splits a canonical token and keeps the exact signing input', () => {
    const parsed = parseCompact(GOOD, 8192);
    expect(parsed?.header).toEqual({ alg: 'HS256' });
    expect(parsed?.payload).toEqual({ sub: 'u' });
    expect(parsed!.signingInput).toBe(`${H}.${P}`);
    expect(parsed!.flattened.signature).toBe(S);
    expect(parsed!.signatureLength).toBe(32);
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

describe('parseCompact header memo', () => {
  const header = (json: string): string => b64(json);

  it('decodes a repeated header segment once and hands out the same frozen header', () => {
    const first = parseCompact(`${H}.${P}.${S}`, 8192)!;
    const second = parseCompact(`${H}.${b64('{"sub":"v"}')}.${S}`, 8192)!;
    expect(second.header).toBe(first.header);
    expect(Object.isFrozen(second.header)).toBe(true);
    expect(second.flattened.protected).toBe(H);
    expect(second.signingInput).toBe(`${H}.${b64('{"sub":"v"}')}`);
  });

  it('tells apart headers of the same length, and a header from its own prefix', () => {
    const a = header('{"alg":"HS256","kid":"a"}');
    const b = header('{"alg":"HS256","kid":"b"}');
    expect(a.length).toBe(b.length);
    expect(parseCompact(`${a}.${P}.${S}`, 8192)!.header).toEqual({ alg: 'HS256', kid: 'a' });
    expect(parseCompact(`${b}.${P}.${S}`, 8192)!.header).toEqual({ alg: 'HS256', kid: 'b' });
    expect(parseCompact(`${a}.${P}.${S}`, 8192)!.header).toEqual({ alg: 'HS256', kid: 'a' });
    // A segment that extends a remembered one is a different (here: not canonical) segment.
    expect(parseCompact(`${a}A.${P}.${S}`, 8192)).toBeNull();
  });

  it('stays exact while many distinct headers go through it', () => {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 12; i++) {
        const kid = `k${i}`;
        expect(parseCompact(`${header(JSON.stringify({ alg: 'HS256', kid }))}.${P}.${S}`, 8192)!.header).toEqual({ alg: 'HS256', kid });
        expect(parseCompact(`${H}.${P}.${S}`, 8192)!.header).toEqual({ alg: 'HS256' });
      }
    }
  });

  it('never remembers a header that did not parse', () => {
    const bad = header('{"alg":"HS256","alg":"none"}');
    expect(parseCompact(`${bad}.${P}.${S}`, 8192)).toBeNull();
    expect(parseCompact(`${bad}.${P}.${S}`, 8192)).toBeNull();
    expect(parseCompact(`${header('{"alg":"HS256"')}.${P}.${S}`, 8192)).toBeNull();
  });

  it('checks the rest of a token whose header it remembers', () => {
    parseCompact(GOOD, 8192);
    expect(parseCompact(`${H}.${P}=.${S}`, 8192)).toBeNull();
    expect(parseCompact(`${H}.${P}.${S}=`, 8192)).toBeNull();
    expect(parseCompact(`${H}.${b64('{"a":1,"a":2}')}.${S}`, 8192)).toBeNull();
    expect(parseCompact(`${H}.${P}.${S.slice(0, -1)}+`, 8192)).toBeNull();
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
    ['a duplicate at depth', '{"a":{"b":[1,{"c":{"d":[{"e":1,"f":2,"e":3}]}}]}}'],
    ['a duplicate in the last of many sibling objects', `{"x":[${'{"a":1},'.repeat(20)}{"a":1,"a":1}]}`],
    ['a nested duplicate __proto__', '{"a":{"__proto__":{},"__proto__":[]}}'],
    ['a __proto__ duplicated by an escape', '{"__proto__":1,"\\u005f_proto__":2}'],
    ['a nested duplicate spelled with an escape', '{"x":{"a":1,"\\u0061":2}}'],
    ['a duplicate after a value holding colons and braces', '{"a":"{\\":\\"}:[:","a":1}'],
    ['a duplicate after an escaped quote in a name', '{"a\\"":1,"b":{},"a\\"":2}'],
    ['a duplicate after a string ending in two escaped backslashes', '{"a":"\\\\\\\\","a":1}'],
    ['a duplicate next to an empty name', '{"":1,"":2}'],
  ])('refuses %s', (_label, text) => {
    expect(parseJsonObject(text)).toBeNull();
    expect(parseJsonObject(text, true)).toBeNull();
  });

  it.each([
    ['colons and braces inside strings', '{"a":"x:y","b:c":"{\\"d\\":1}","e":["}:{"]}', { a: 'x:y', 'b:c': '{"d":1}', e: ['}:{'] }],
    ['names that differ only by an escape that does not decode to the same name', '{"a":1,"\\u0062":2}', { a: 1, b: 2 }],
    ['escaped quotes and backslashes in names and values', '{"a\\"":"\\\\","a":"\\""}', { 'a"': '\\', a: '"' }],
    ['the same name in sibling and nested objects', '{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}', { a: { a: { a: 1 } }, b: [{ a: 1 }, { a: 2 }] }],
    ['a single __proto__ next to its look-alikes', '{"__proto__":1,"__proto_":2,"_proto__":3}', null],
    ['colons in a string inside an array', '{"a":[":",":::"]}', { a: [':', ':::'] }],
  ])('accepts %s', (_label, text, expected) => {
    const parsed = parseJsonObject(text);
    expect(parsed).not.toBeNull();
    if (expected !== null) expect(parsed).toEqual(expected);
    expect(Object.keys(parsed!)).toEqual(Object.keys(JSON.parse(text) as object));
  });

  it('agrees with a name-by-name duplicate check on random documents, repeated names included', () => {
    fc.assert(
      fc.property(duplicateProneJson, (text) => {
        const expected = referenceUniqueNamesWithinDepth(text);
        expect(parseJsonObject(text) !== null).toBe(expected);
        expect(parseJsonObject(text, true) !== null).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('freezes the whole tree when asked, and nothing when not', () => {
    const text = '{"a":{"b":[{"c":1}]},"__proto__":{"d":[]}}';
    const frozen = parseJsonObject(text, true)! as { a: { b: { c: number }[] }; ['__proto__']: { d: unknown[] } };
    expect([frozen, frozen.a, frozen.a.b, frozen.a.b[0], Object.getOwnPropertyDescriptor(frozen, '__proto__')!.value].every(Object.isFrozen)).toBe(true);
    expect(Object.isFrozen(parseJsonObject(text))).toBe(false);
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
