import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJSON, InvalidRequest, MAX_CANONICAL_DEPTH } from '../src/index.js';
import { jsonObject, safeJson } from './fixtures/arbitraries.js';

const FIXTURES = new URL('./fixtures/jcs/', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, FIXTURES), 'utf8');

function double(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

function utf8Hex(text: string): string {
  return [...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

function rejection(value: unknown): InvalidRequest {
  try {
    canonicalJSON(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequest);
    return error as InvalidRequest;
  }
  throw new Error('canonicalJSON accepted a value with no canonical form');
}

function nested(levels: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { v: value };
  return value;
}

// RFC 8785 Appendix B: IEEE 754 bit patterns and the JSON numbers JCS writes for them.
const APPENDIX_B_ACCEPTED: ReadonlyArray<readonly [hex: string, json: string, comment: string]> = [
  ['0000000000000000', '0', 'zero'],
  ['8000000000000000', '0', 'minus zero'],
  ['0000000000000001', '5e-324', 'min pos number'],
  ['8000000000000001', '-5e-324', 'min neg number'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7', 'just below 1e-6, exponent form'],
  ['3eb0c6f7a0b5ed8d', '0.000001', '1e-6, decimal form'],
  ['41b3de4355555553', '333333333.3333332', 'shortest round trip'],
  ['41b3de4355555554', '333333333.33333325', 'shortest round trip'],
  ['41b3de4355555555', '333333333.3333333', 'shortest round trip'],
  ['41b3de4355555556', '333333333.3333334', 'shortest round trip'],
  ['41b3de4355555557', '333333333.33333343', 'shortest round trip'],
  ['becbf647612f3696', '-0.0000033333333333333333', 'negative, small'],
  ['43143ff3c1cb0959', '1424953923781206.2', 'round to even'],
];

// Appendix B rows that are integers of magnitude 2^53 or more: plain JCS writes them, argumentsHash refuses them.
const APPENDIX_B_UNSAFE_INTEGERS: ReadonlyArray<readonly [hex: string, json: string]> = [
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
];

// RFC 8785 §3.2.2 input, and §3.2.4's UTF-8 bytes of its canonical form.
const RFC_EXAMPLE_INPUT = String.raw`{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`;
const RFC_EXAMPLE_HEX = [
  '7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72',
  '75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a',
  '5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31',
  '65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37',
  '5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30',
  '30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d',
].join(' ');

describe('canonicalJSON: RFC 8785 Appendix B numbers', () => {
  for (const [hex, json, comment] of APPENDIX_B_ACCEPTED) {
    it(`writes ${hex} (${comment}) as ${json}`, () => {
      expect(canonicalJSON(double(hex))).toBe(json);
      expect(canonicalJSON([double(hex)])).toBe(`[${json}]`);
    });
  }

  for (const [hex, json] of APPENDIX_B_UNSAFE_INTEGERS) {
    it(`refuses ${hex} (plain JCS: ${json}) because it is an integer beyond ±(2^53−1)`, () => {
      const value = double(hex);
      // The RFC's text is still what ECMAScript would write; only our safe-integer rule refuses it.
      expect(String(value)).toBe(json);
      expect(rejection(value).detail).toContain('integer beyond');
    });
  }

  it('refuses the Appendix B NaN and Infinity rows (7fffffffffffffff, 7ff0000000000000)', () => {
    expect(rejection(double('7fffffffffffffff')).detail).toContain('not a finite number');
    expect(rejection(double('7ff0000000000000')).detail).toContain('not a finite number');
  });
});

describe('canonicalJSON: RFC 8785 §3.2 examples', () => {
  it('sorts properties by UTF-16 code units (§3.2.3 sorting example)', () => {
    const input = JSON.parse(
      String.raw`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`,
    ) as unknown;
    const output = canonicalJSON(input);
    // Values are read from the text: JSON.parse would move the integer-like key "1" first again.
    const order = [...output.matchAll(/:"([^"]*)"/g)].map((m) => m[1]);
    expect(order).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    expect(output).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('refuses the §3.2.2 example because its 1E30 is an integer beyond ±(2^53−1)', () => {
    expect(rejection(JSON.parse(RFC_EXAMPLE_INPUT)).detail).toContain('$.numbers[1] is an integer beyond');
  });

  it('writes the §3.2.4 UTF-8 bytes for the §3.2.2 example once its unsafe 1E30 is removed', () => {
    const input = JSON.parse(RFC_EXAMPLE_INPUT) as { numbers: number[] };
    input.numbers.splice(1, 1);
    const expected = RFC_EXAMPLE_HEX.replace(' 31 65 2b 33 30 2c', ''); // the bytes of "1e+30,"
    expect(utf8Hex(canonicalJSON(input))).toBe(expected);
  });

  it('escapes only what §3.2.2.2 requires, with lowercase hex', () => {
    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');
    expect(canonicalJSON(controls)).toBe(
      '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f' +
        '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"',
    );
    expect(canonicalJSON('"\\/\u007f\u2028\u2029\ud83d\ude00')).toBe('"\\"\\\\/\u007f\u2028\u2029\ud83d\ude00"');
  });

  it('writes literals and empty structures without whitespace', () => {
    expect(canonicalJSON({ a: [true, false, null], b: {}, c: [] })).toBe('{"a":[true,false,null],"b":{},"c":[]}');
  });
});

describe('canonicalJSON: cyberphone/json-canonicalization test data', () => {
  const names = readdirSync(new URL('input/', FIXTURES)).filter((name) => name.endsWith('.json'));

  it('has every published input vendored', () => {
    expect(names.sort()).toEqual(['arrays.json', 'french.json', 'simpleString.json', 'structures.json', 'unicode.json', 'values.json', 'weird.json']);
  });

  for (const name of names.filter((n) => n !== 'values.json')) {
    it(`canonicalises input/${name} to exactly output/${name}`, () => {
      expect(canonicalJSON(JSON.parse(read(`input/${name}`)))).toBe(read(`output/${name}`));
    });
  }

  it('refuses input/values.json because its 1E30 is an integer beyond ±(2^53−1) (plain JCS writes 1e+30)', () => {
    expect(read('output/values.json')).toContain('[1e+30,');
    expect(rejection(JSON.parse(read('input/values.json'))).detail).toContain('$.numbers[0] is an integer beyond');
  });

  it('matches output/values.json in every other byte once the unsafe 1E30 is removed', () => {
    const input = JSON.parse(read('input/values.json')) as { numbers: number[] };
    input.numbers.shift();
    expect(canonicalJSON(input)).toBe(read('output/values.json').replace('[1e+30,', '['));
  });
});

describe('canonicalJSON: what has no canonical form', () => {
  it('rejects NaN', () => {
    expect(rejection({ n: Number.NaN }).detail).toContain('$.n is not a finite number');
  });

  it('rejects Infinity and -Infinity', () => {
    expect(rejection([Number.POSITIVE_INFINITY]).detail).toContain('$[0] is not a finite number');
    expect(rejection(Number.NEGATIVE_INFINITY).detail).toContain('$ is not a finite number');
  });

  it('rejects 2^53 and -(2^53) but accepts ±(2^53−1)', () => {
    expect(rejection(2 ** 53).detail).toContain('integer beyond');
    expect(rejection(-(2 ** 53)).detail).toContain('integer beyond');
    expect(canonicalJSON([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])).toBe('[9007199254740991,-9007199254740991]');
  });

  it('rejects a lone high surrogate in a value', () => {
    expect(rejection({ s: 'a\ud800b' }).detail).toContain('$.s holds a lone surrogate');
  });

  it('rejects a lone low surrogate in a value', () => {
    expect(rejection(['\udc00']).detail).toContain('$[0] holds a lone surrogate');
  });

  it('rejects a lone surrogate in a key', () => {
    expect(rejection({ '\ud83d': 1 }).detail).toContain('lone surrogate');
  });

  it('rejects a lone surrogate in a key however often well-formed keys were seen before it', () => {
    // Member names are quoted once and remembered (bounded); a refused name is never remembered.
    const many = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i]));
    expect(JSON.parse(canonicalJSON(many))).toEqual(many);
    expect(rejection({ a: 1, '\ud800': 2 }).detail).toContain('lone surrogate');
    expect(rejection([{ ok: 1 }, { ok: 1, '\udfff': 2 }]).detail).toContain('lone surrogate');
    expect(canonicalJSON([{ 'é"\\': 1 }, { 'é"\\': 2 }])).toBe('[{"é\\"\\\\":1},{"é\\"\\\\":2}]');
  });

  it('rejects reversed surrogate halves', () => {
    expect(rejection('\ude00\ud83d').detail).toContain('lone surrogate');
  });

  it('rejects a cycle through an object', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(rejection(a).detail).toContain('$.self is a cycle');
  });

  it('rejects a cycle through an array', () => {
    const a: unknown[] = [];
    a.push({ back: a });
    expect(rejection(a).detail).toContain('$[0].back is a cycle');
  });

  it('accepts the same object twice when it is shared, not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJSON({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it(`accepts nesting of exactly MAX_CANONICAL_DEPTH (${MAX_CANONICAL_DEPTH}) levels`, () => {
    expect(() => canonicalJSON(nested(MAX_CANONICAL_DEPTH))).not.toThrow();
  });

  it('rejects nesting deeper than MAX_CANONICAL_DEPTH', () => {
    expect(rejection(nested(MAX_CANONICAL_DEPTH + 1)).detail).toContain(`nests deeper than ${MAX_CANONICAL_DEPTH} levels`);
  });

  it('rejects very deep nesting with a 400, not a stack overflow', () => {
    expect(rejection(nested(100_000)).status).toBe(400);
  });

  it('rejects undefined at the top level', () => {
    expect(rejection(undefined).detail).toContain('$ is undefined');
  });

  it('rejects undefined as an object member', () => {
    expect(rejection({ a: 1, b: undefined }).detail).toContain('$.b is undefined');
  });

  it('rejects undefined as an array element', () => {
    expect(rejection([1, undefined]).detail).toContain('$[1] is undefined');
  });

  it('rejects a BigInt', () => {
    expect(rejection({ n: 10n }).detail).toContain('$.n is a bigint');
  });

  it('rejects a function', () => {
    expect(rejection([() => 1]).detail).toContain('$[0] is a function');
  });

  it('rejects a symbol value', () => {
    expect(rejection({ s: Symbol('x') }).detail).toContain('$.s is a symbol');
  });

  it('rejects an enumerable symbol key', () => {
    expect(rejection({ a: 1, [Symbol('k')]: 2 }).detail).toContain('has symbol keys');
  });

  it('rejects a non-enumerable symbol key', () => {
    const value = { a: 1 };
    Object.defineProperty(value, Symbol('hidden'), { value: 2, enumerable: false });
    expect(rejection(value).detail).toContain('has symbol keys');
  });

  it('rejects a Map', () => {
    expect(rejection(new Map([['a', 1]])).detail).toContain('is a Map, not a plain object');
  });

  it('rejects a Set', () => {
    expect(rejection({ s: new Set([1]) }).detail).toContain('$.s is a Set, not a plain object');
  });

  it('rejects a Date (toJSON is not consulted)', () => {
    expect(rejection({ at: new Date(0) }).detail).toContain('$.at is a Date, not a plain object');
  });

  it('rejects a class instance', () => {
    class Point {
      x = 1;
    }
    expect(rejection(new Point()).detail).toContain('is a Point, not a plain object');
  });

  it('rejects boxed primitives', () => {
    expect(rejection(Object('s')).detail).toContain('not a plain object');
    expect(rejection(Object(1)).detail).toContain('not a plain object');
  });

  it('rejects typed arrays and array subclasses', () => {
    class List extends Array<number> {}
    expect(rejection(new Uint8Array([1])).detail).toContain('not a plain object');
    expect(rejection(List.from([1])).detail).toContain('not a plain array');
  });

  it('rejects a plain object carrying toJSON, since the function has no JSON form', () => {
    expect(rejection({ toJSON: () => 'x' }).detail).toContain('$.toJSON is a function');
  });

  it('rejects a sparse array', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(rejection([1, , 3]).detail).toContain('$[1] is a hole in a sparse array');
    expect(rejection(new Array(2)).detail).toContain('$[0] is a hole');
  });

  it('accepts an object with a null prototype', () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(canonicalJSON(value)).toBe('{"a":2,"b":1}');
  });

  it('writes an own __proto__ key as data, exactly as JSON.parse read it', () => {
    const parsed = JSON.parse('{"__proto__":1}') as object;
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(canonicalJSON(parsed)).toBe('{"__proto__":1}');
    const literal = { ['__proto__']: { admin: true }, a: 1 };
    expect(canonicalJSON(literal)).toBe('{"__proto__":{"admin":true},"a":1}');
  });

  it('ignores an inherited __proto__ (the object literal prototype form), which is not data', () => {
    const value = { __proto__: null, a: 1 };
    expect(canonicalJSON(value)).toBe('{"a":1}');
  });

  it('bounds how much of a client-chosen key an error repeats', () => {
    const key = 'k'.repeat(10_000);
    const detail = rejection({ [key]: undefined }).detail;
    expect(detail.length).toBeLessThan(200);
    expect(detail).toContain('is undefined');
  });

  it('quotes a key with control characters in the error path instead of echoing them raw', () => {
    const detail = rejection({ 'a\r\nb': undefined }).detail;
    expect(detail).not.toMatch(/[\r\n]/);
    expect(detail).toContain('["a\\r\\nb"]');
  });
});

describe('canonicalJSON: properties', () => {
  it('parses back (JSON.parse) to a value deep-equal to any safe JSON input', () => {
    fc.assert(
      fc.property(safeJson, (value) => {
        expect(JSON.parse(canonicalJSON(value))).toEqual(value);
      }),
      { numRuns: 200 },
    );
  });

  it('is idempotent: canonicalising its own output gives the same text', () => {
    fc.assert(
      fc.property(safeJson, (value) => {
        const once = canonicalJSON(value);
        expect(canonicalJSON(JSON.parse(once))).toBe(once);
      }),
      { numRuns: 200 },
    );
  });

  it('writes object members in ascending UTF-16 code-unit order', () => {
    const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    fc.assert(
      fc.property(jsonObject, (value) => {
        const members = Object.keys(value)
          .sort(byCodeUnits)
          .map((key) => `${JSON.stringify(key)}:${canonicalJSON(value[key])}`);
        expect(canonicalJSON(value)).toBe(`{${members.join(',')}}`);
      }),
      { numRuns: 100 },
    );
  });
});
