import { isWellFormed } from '../encoding.js';
import { InvalidRequest } from '../errors.js';

/** Deepest nesting of arrays/objects accepted by {@link canonicalJSON}: 64 levels. */
export const MAX_CANONICAL_DEPTH = 64;

interface Walk {
  readonly open: Set<object>;
  // Keys and indices from the root to the value being written; only formatted when input is refused.
  readonly path: Array<string | number>;
}

/**
 * RFC 8785 (JCS) canonical JSON. Throws {@link InvalidRequest} (400) for input with no canonical
 * form: non-finite numbers, integers beyond ±(2^53−1), lone surrogates, cycles, nesting deeper than
 * {@link MAX_CANONICAL_DEPTH}, `undefined`, BigInt, functions, symbols (as values or keys), sparse
 * arrays and non-plain objects (Map, Set, Date, class instances). An own `__proto__` key is an
 * ordinary member.
 *
 * @example
 * canonicalJSON({ b: [1, 'x'], a: null }); // '{"a":null,"b":[1,"x"]}'
 */
export function canonicalJSON(value: unknown): string {
  try {
    return fast(value, 0, []);
  } catch (error) {
    if (error !== REFUSED) throw error;
  }
  // Refused: walk again, tracking the path, only to say where.
  return serialize(value, 0, { open: new Set(), path: [] });
}

// The hot path: no path bookkeeping, and cycle detection on a short stack (depth is bounded by
// MAX_CANONICAL_DEPTH) instead of a Set. Any refusal throws REFUSED and the slow walk explains it.
const REFUSED = Symbol('refused');

function fast(value: unknown, depth: number, open: object[]): string {
  switch (typeof value) {
    case 'string':
      if (!isWellFormed(value)) throw REFUSED;
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) throw REFUSED;
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw REFUSED;
  }
  if (value === null) return 'null';
  if (depth >= MAX_CANONICAL_DEPTH || open.includes(value)) throw REFUSED;
  const proto = Object.getPrototypeOf(value) as unknown;
  const isArray = Array.isArray(value);
  if (isArray ? !Array.isArray(proto) : proto !== Object.prototype && proto !== null) throw REFUSED;
  if (Object.getOwnPropertySymbols(value).length > 0) throw REFUSED;
  open.push(value);
  let out: string;
  if (isArray) {
    const list = value as readonly unknown[];
    out = '[';
    for (let i = 0; i < list.length; i++) {
      if (!(i in list)) throw REFUSED;
      if (i > 0) out += ',';
      out += fast(list[i], depth + 1, open);
    }
    out += ']';
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (i > 0) out += ',';
      out += quoteKey(key) + ':' + fast(record[key], depth + 1, open);
    }
    out += '}';
  }
  open.pop();
  return out;
}

// Quoted forms of recently seen member names: objects of one shape (a batch of items) repeat their
// names, so each is checked and quoted once. Bounded: cleared when full.
const QUOTED_KEYS_MAX = 1024;
const quotedKeys = new Map<string, string>();

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    if (!isWellFormed(key)) throw REFUSED;
    quoted = JSON.stringify(key);
    if (quotedKeys.size >= QUOTED_KEYS_MAX) quotedKeys.clear();
    quotedKeys.set(key, quoted);
  }
  return quoted;
}

function reject(walk: Walk, why: string): never {
  throw new InvalidRequest(`Arguments have no canonical JSON form: ${formatPath(walk.path)} ${why}.`);
}

function serialize(value: unknown, depth: number, walk: Walk): string {
  switch (typeof value) {
    case 'string':
      return quote(value, walk);
    case 'number':
      if (!Number.isFinite(value)) return reject(walk, 'is not a finite number');
      // Every double of magnitude 2^53 or more is an integer, so this bounds all numbers.
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) return reject(walk, 'is an integer beyond ±(2^53−1)');
      // ECMAScript Number-to-String is exactly the JCS number form (RFC 8785 §3.2.2.3); -0 gives "0".
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    case 'undefined':
      return reject(walk, 'is undefined');
    default:
      return reject(walk, `is a ${typeof value}`);
  }
  if (value === null) return 'null';
  if (depth >= MAX_CANONICAL_DEPTH) return reject(walk, `nests deeper than ${MAX_CANONICAL_DEPTH} levels`);
  if (walk.open.has(value)) return reject(walk, 'is a cycle');
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    // Array.prototype is itself an array in every realm; a subclass's prototype is not.
    if (!Array.isArray(proto)) return reject(walk, `is a ${describe(value)}, not a plain array`);
  } else if (proto !== Object.prototype && proto !== null) {
    return reject(walk, `is a ${describe(value)}, not a plain object`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) return reject(walk, 'has symbol keys');
  walk.open.add(value);
  const out = Array.isArray(value) ? serializeArray(value, depth, walk) : serializeObject(value as Record<string, unknown>, depth, walk);
  walk.open.delete(value);
  return out;
}

function serializeArray(value: readonly unknown[], depth: number, walk: Walk): string {
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    walk.path.push(i);
    if (!Object.prototype.hasOwnProperty.call(value, i)) reject(walk, 'is a hole in a sparse array');
    if (i > 0) out += ',';
    out += serialize(value[i], depth + 1, walk);
    walk.path.pop();
  }
  return out + ']';
}

function serializeObject(value: Record<string, unknown>, depth: number, walk: Walk): string {
  // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 requires.
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    walk.path.push(key);
    if (i > 0) out += ',';
    out += quote(key, walk) + ':' + serialize(value[key], depth + 1, walk);
    walk.path.pop();
  }
  return out + '}';
}

function describe(value: object): string {
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && SIMPLE_KEY.test(name) ? name : 'non-plain value';
  } catch {
    return 'non-plain value';
  }
}

function quote(text: string, walk: Walk): string {
  if (!isWellFormed(text)) reject(walk, 'holds a lone surrogate');
  // JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 prescribes for well-formed strings.
  return JSON.stringify(text);
}

const SIMPLE_KEY = /^[A-Za-z_$][\w$]{0,31}$/;
const MAX_SHOWN_SEGMENTS = 8;

// `$.a[0]["odd key"]`: keys come from the client, so each is quoted, cut short and the path bounded.
function formatPath(path: ReadonlyArray<string | number>): string {
  const start = Math.max(0, path.length - MAX_SHOWN_SEGMENTS);
  let out = start > 0 ? '$…' : '$';
  for (let i = start; i < path.length; i++) {
    const segment = path[i]!;
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (SIMPLE_KEY.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment.length > 32 ? segment.slice(0, 32) + '…' : segment)}]`;
  }
  return out;
}
