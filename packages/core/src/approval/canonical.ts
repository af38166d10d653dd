import { InvalidRequest } from '../errors.js';

/** Deepest nesting of arrays/objects accepted by {@link canonicalJSON}. */
export const MAX_CANONICAL_DEPTH = 64;

/**
 * RFC 8785 (JCS) canonical JSON. Throws {@link InvalidRequest} (400) for input with no canonical
 * form: non-finite numbers, integers beyond ±(2^53−1), lone surrogates, cycles, nesting deeper than
 * {@link MAX_CANONICAL_DEPTH}, `undefined`, BigInt, functions, symbols and non-plain objects
 * (Map, Set, Date, class instances). An own `__proto__` key is an ordinary member.
 */
export function canonicalJSON(value: unknown): string {
  return serialize(value, 0, new Set<object>(), '$');
}

function reject(path: string, why: string): never {
  throw new InvalidRequest(`Arguments have no canonical JSON form: ${path} ${why}.`);
}

function serialize(value: unknown, depth: number, stack: Set<object>, path: string): string {
  switch (typeof value) {
    case 'string':
      return quote(value, path);
    case 'number':
      if (!Number.isFinite(value)) return reject(path, 'is not a finite number');
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) return reject(path, 'is an integer beyond ±(2^53−1)');
      // ECMAScript Number-to-String is exactly the JCS number form; -0 becomes "0".
      return Object.is(value, -0) ? '0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    case 'undefined':
      return reject(path, 'is undefined');
    default:
      return reject(path, `is a ${typeof value}`);
  }
  if (value === null) return 'null';
  if (depth >= MAX_CANONICAL_DEPTH) return reject(path, `nests deeper than ${MAX_CANONICAL_DEPTH} levels`);
  if (stack.has(value)) return reject(path, 'is a cycle');
  stack.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      if (!Object.prototype.hasOwnProperty.call(value, i)) reject(`${path}[${i}]`, 'is a hole');
      if (i > 0) out += ',';
      out += serialize(value[i], depth + 1, stack, `${path}[${i}]`);
    }
    out += ']';
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      reject(path, `is a ${describe(value)}, not a plain object`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) reject(path, 'has symbol keys');
    // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 requires.
    const keys = Object.keys(value).sort();
    out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (i > 0) out += ',';
      const child = `${path}.${key}`;
      out += quote(key, child) + ':' + serialize((value as Record<string, unknown>)[key], depth + 1, stack, child);
    }
    out += '}';
  }
  stack.delete(value);
  return out;
}

function describe(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'non-plain object';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function quote(text: string, path: string): string {
  if (LONE_SURROGATE.test(text)) reject(path, 'holds a lone surrogate');
  // JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 prescribes for well-formed strings.
  return JSON.stringify(text);
}
