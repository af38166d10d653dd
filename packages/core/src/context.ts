import { brandAuthContext, isBrandedAuthContext } from './brand.js';

/** JSON-like data an app may carry on an {@link AuthContext}. */
export type MetadataValue =
  | string
  | number
  | boolean
  | null
  | Date
  | readonly MetadataValue[]
  | { readonly [key: string]: MetadataValue };

export interface AuthContextInit {
  /** Stable user, service or agent id. Must be a non-empty string. */
  readonly subject: string;
  /** Small request-scoped values the app wants to carry. Copied and frozen. */
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
  readonly roles?: readonly string[];
  /** `resource:action` strings. */
  readonly permissions?: readonly string[];
  /** OAuth scopes. */
  readonly scopes?: readonly string[];
  /** Which credential authenticated the request, e.g. `jwt`, `api_key`, `session`. */
  readonly method?: string;
}

const MAX_METADATA_DEPTH = 16;

/**
 * The authenticated identity an `authenticate` hook returns. Only instances built by this
 * constructor (or a subclass's) count as authenticated; a look-alike plain object does not.
 * Instances are frozen copies: changing the init object afterwards has no effect.
 *
 * @example
 * return new AuthContext({ subject: 'user_123', roles: ['admin'] });
 */
export class AuthContext {
  readonly subject: string;
  readonly metadata: Readonly<Record<string, MetadataValue>>;
  readonly roles: readonly string[];
  readonly permissions: readonly string[];
  readonly scopes: readonly string[];
  readonly method: string | undefined;

  constructor(init: AuthContextInit) {
    if (typeof init !== 'object' || init === null) throw new TypeError('AuthContext: init must be an object');
    if (typeof init.subject !== 'string' || init.subject === '') {
      throw new TypeError('AuthContext: subject must be a non-empty string');
    }
    this.subject = init.subject;
    this.metadata = init.metadata === undefined ? EMPTY : copyMetadata(init.metadata);
    this.roles = stringList(init.roles, 'roles');
    this.permissions = stringList(init.permissions, 'permissions');
    this.scopes = stringList(init.scopes, 'scopes');
    if (init.method !== undefined && typeof init.method !== 'string') throw new TypeError('AuthContext: method must be a string');
    this.method = init.method;
    brandAuthContext(this);
    // Subclasses may still add fields; the policy freezes every context it accepts.
    if (new.target === AuthContext) Object.freeze(this);
  }

  /** True for an AuthContext built by any loaded copy of @auth/core, false for look-alikes. */
  static [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep ordinary instanceof, so a plain AuthContext is not taken for one of them.
    return this === AuthContext ? isBrandedAuthContext(value) : Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

const EMPTY: Readonly<Record<string, MetadataValue>> = Object.freeze({});
const NO_STRINGS: readonly string[] = Object.freeze([]);

function stringList(value: readonly string[] | undefined, name: string): readonly string[] {
  if (value === undefined) return NO_STRINGS;
  if (!Array.isArray(value)) throw new TypeError(`AuthContext: ${name} must be an array of strings`);
  if (value.length === 0) return NO_STRINGS;
  const out: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string' || item === '') throw new TypeError(`AuthContext: ${name} must hold non-empty strings`);
    if (!out.includes(item)) out.push(item);
  }
  return Object.freeze(out);
}

function copyMetadata(metadata: unknown): Readonly<Record<string, MetadataValue>> {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || metadata instanceof Date) {
    throw new TypeError('AuthContext: metadata must be a plain object');
  }
  let copy: Readonly<Record<string, MetadataValue>>;
  try {
    copy = freezeCopy(metadata, 0, undefined) as Readonly<Record<string, MetadataValue>>;
  } catch {
    // Again, naming each value on the way, for a message that says which one is wrong.
    copy = freezeCopy(metadata, 0, 'metadata') as Readonly<Record<string, MetadataValue>>;
  }
  return Object.keys(copy).length === 0 ? EMPTY : copy;
}

// Object.freeze cannot protect a Date's internal time value, so copies refuse every setter.
class FrozenDate extends Date {}
for (const name of Object.getOwnPropertyNames(Date.prototype)) {
  if (!name.startsWith('set')) continue;
  Object.defineProperty(FrozenDate.prototype, name, {
    value() {
      throw new TypeError('AuthContext: metadata is read-only');
    },
  });
}
Object.freeze(FrozenDate.prototype);

// `path` names the value in error messages. The first attempt passes none, so no path text is
// built per key; only when it fails is the copy redone with paths, to say where.
function freezeCopy(value: unknown, depth: number, path: string | undefined): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`AuthContext: ${path ?? 'metadata'} must be a finite number`);
    return value;
  }
  if (depth >= MAX_METADATA_DEPTH) throw new TypeError(`AuthContext: metadata nests deeper than ${MAX_METADATA_DEPTH}`);
  if (value instanceof Date) return Object.freeze(new FrozenDate(value.getTime()));
  if (Array.isArray(value)) {
    return Object.freeze(value.map((item, i) => freezeCopy(item, depth + 1, path === undefined ? undefined : `${path}[${i}]`)));
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`AuthContext: ${path ?? 'metadata'} must be plain data`);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const copied = freezeCopy((value as Record<string, unknown>)[key], depth + 1, path === undefined ? undefined : `${path}.${key}`);
      // defineProperty keeps an own "__proto__" key as data instead of setting a prototype; every
      // other key takes the (much faster) plain assignment, with the same frozen result.
      if (key === '__proto__') Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true, configurable: true });
      else out[key] = copied;
    }
    return Object.freeze(out);
  }
  throw new TypeError(`AuthContext: ${path ?? 'metadata'} is ${value === undefined ? 'undefined' : `a ${typeof value}`}, which is not data`);
}
