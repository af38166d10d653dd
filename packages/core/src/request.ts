import { AUTH_REQUEST_ABORT, AUTH_REQUEST_BRAND, isAuthRequestLike } from './brand.js';

export type RequestSource = 'http' | 'websocket' | 'mcp' | 'cli';
export type RequestEntrypoint = 'server' | 'local';

/** Where a request came from. Set by the adapter, never from client input; frozen. */
export interface RequestContext {
  readonly source: RequestSource;
  readonly entrypoint: RequestEntrypoint;
  readonly requestId?: string;
  readonly tool?: string;
  readonly action?: string;
}

const SOURCES: ReadonlySet<string> = new Set(['http', 'websocket', 'mcp', 'cli']);
const ENTRYPOINTS: ReadonlySet<string> = new Set(['server', 'local']);
const DEFAULT_CONTEXT: RequestContext = Object.freeze({ source: 'http', entrypoint: 'server' });

/**
 * Builds a frozen {@link RequestContext}; defaults to `{ source: 'http', entrypoint: 'server' }`.
 * Throws a TypeError for an unknown source or entrypoint, or a field that is not a string.
 *
 * @example
 * requestContext({ source: 'websocket', requestId: 'req_42' });
 */
export function requestContext(init: Partial<RequestContext> = {}): RequestContext {
  if (init === DEFAULT_CONTEXT) return DEFAULT_CONTEXT;
  if (typeof init !== 'object' || init === null) throw new TypeError('RequestContext: init must be an object');
  const source = init.source ?? 'http';
  const entrypoint = init.entrypoint ?? 'server';
  if (!SOURCES.has(source)) throw new TypeError(`RequestContext: unknown source ${JSON.stringify(source)}`);
  if (!ENTRYPOINTS.has(entrypoint)) throw new TypeError(`RequestContext: unknown entrypoint ${JSON.stringify(entrypoint)}`);
  const { requestId, tool, action } = init;
  if (requestId === undefined && tool === undefined && action === undefined && source === 'http' && entrypoint === 'server') {
    return DEFAULT_CONTEXT;
  }
  const context: { -readonly [K in keyof RequestContext]: RequestContext[K] } = { source, entrypoint };
  if (requestId !== undefined) context.requestId = contextString(requestId, 'requestId');
  if (tool !== undefined) context.tool = contextString(tool, 'tool');
  if (action !== undefined) context.action = contextString(action, 'action');
  return Object.freeze(context);
}

function contextString(value: unknown, key: string): string {
  if (typeof value !== 'string') throw new TypeError(`RequestContext: ${key} must be a string`);
  return value;
}

/**
 * Header input accepted by {@link AuthRequest}: a Fetch `Headers`, a Node-style record (values may
 * be arrays), or `[name, value]` pairs (e.g. from Node's `rawHeaders`, which keeps duplicates).
 */
export type HeadersInput =
  | Headers
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | Iterable<readonly [string, string]>;

export type QueryInput = string | URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

/** A read-only, case-insensitive multi-map (headers, query parameters, cookies). */
export interface ReadonlyMultiMap extends Iterable<[string, string]> {
  /** All values of `name` joined with `, ` (as Fetch does), or null. */
  get(name: string): string | null;
  getAll(name: string): readonly string[];
  has(name: string): boolean;
  keys(): IterableIterator<string>;
  entries(): IterableIterator<[string, string]>;
}

const READ_ONLY = 'is read-only';

class MultiMap implements ReadonlyMultiMap {
  // Flat [name, value, name, value, ...]. With `fold`, names may arrive in any case (Node's
  // rawHeaders as sent) and are compared case-insensitively; the lookup key is lowercased once.
  readonly #flat: readonly string[];
  readonly #fold: boolean;
  readonly #label: string;
  readonly #joiner: string;

  constructor(flat: readonly string[], fold: boolean, label: string, joiner: string) {
    this.#flat = flat;
    this.#fold = fold;
    this.#label = label;
    this.#joiner = joiner;
    Object.freeze(this);
  }

  #key(name: string): string {
    return this.#fold ? name.toLowerCase() : name;
  }

  #is(index: number, key: string): boolean {
    const name = this.#flat[index]!;
    return name === key || (this.#fold && name.length === key.length && name.toLowerCase() === key);
  }

  get(name: string): string | null {
    const key = this.#key(name);
    const flat = this.#flat;
    let found: string | null = null;
    for (let i = 0; i < flat.length; i += 2) {
      if (this.#is(i, key)) found = found === null ? flat[i + 1]! : found + this.#joiner + flat[i + 1]!;
    }
    return found;
  }

  getAll(name: string): readonly string[] {
    const key = this.#key(name);
    const flat = this.#flat;
    const out: string[] = [];
    for (let i = 0; i < flat.length; i += 2) if (this.#is(i, key)) out.push(flat[i + 1]!);
    return Object.freeze(out);
  }

  has(name: string): boolean {
    const key = this.#key(name);
    for (let i = 0; i < this.#flat.length; i += 2) if (this.#is(i, key)) return true;
    return false;
  }

  count(name: string): number {
    const key = this.#key(name);
    let n = 0;
    for (let i = 0; i < this.#flat.length; i += 2) if (this.#is(i, key)) n++;
    return n;
  }

  *keys(): IterableIterator<string> {
    const seen = new Set<string>();
    for (let i = 0; i < this.#flat.length; i += 2) {
      const name = this.#fold ? this.#flat[i]!.toLowerCase() : this.#flat[i]!;
      if (!seen.has(name)) {
        seen.add(name);
        yield name;
      }
    }
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of this.keys()) yield [name, this.get(name)!];
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  set(): never {
    throw new TypeError(`${this.#label} ${READ_ONLY}`);
  }

  append(): never {
    throw new TypeError(`${this.#label} ${READ_ONLY}`);
  }

  delete(): never {
    throw new TypeError(`${this.#label} ${READ_ONLY}`);
  }

  get [Symbol.toStringTag](): string {
    return this.#label;
  }
}
// A hook must not be able to change how every other request's headers are read.
Object.freeze(MultiMap.prototype);

// A copy (the caller's list may change later), with names as sent: lookups fold case.
function copyRaw(raw: readonly string[]): string[] {
  if (!Array.isArray(raw) || raw.length % 2 !== 0) throw new TypeError('AuthRequest: rawHeaders must be a flat [name, value, …] list');
  const flat = raw.slice();
  for (let i = 0; i < flat.length; i++) {
    if (typeof flat[i] !== 'string') throw new TypeError('AuthRequest: rawHeaders must hold strings');
  }
  return flat;
}

function flattenHeaders(input: HeadersInput | undefined): string[] {
  const flat: string[] = [];
  if (input === undefined || input === null) return flat;
  if (typeof Headers !== 'undefined' && input instanceof Headers) {
    input.forEach((value, name) => {
      flat.push(name, value);
    });
    return flat;
  }
  if (typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const pair of input as Iterable<readonly [string, string]>) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
        throw new TypeError('AuthRequest: header pairs must be [string, string]');
      }
      flat.push(pair[0].toLowerCase(), pair[1]);
    }
    return flat;
  }
  if (typeof input !== 'object') throw new TypeError('AuthRequest: headers must be Headers, a record or pairs');
  const record = input as Readonly<Record<string, string | readonly string[] | undefined>>;
  for (const name of Object.keys(record)) {
    const value = record[name];
    if (value === undefined) continue;
    const key = name.toLowerCase();
    if (typeof value === 'string') {
      flat.push(key, value);
      continue;
    }
    if (!Array.isArray(value)) throw new TypeError(`AuthRequest: header ${JSON.stringify(name)} must be a string or string[]`);
    for (const item of value as readonly unknown[]) {
      if (typeof item !== 'string') throw new TypeError(`AuthRequest: header ${JSON.stringify(name)} must be a string or string[]`);
      flat.push(key, item);
    }
  }
  return flat;
}

function flattenQuery(input: QueryInput | undefined): string[] {
  const flat: string[] = [];
  if (input === undefined || input === null) return flat;
  if (typeof input === 'string' || input instanceof URLSearchParams) {
    const params = typeof input === 'string' ? new URLSearchParams(input.startsWith('?') ? input.slice(1) : input) : input;
    params.forEach((value, name) => {
      flat.push(name, value);
    });
    return flat;
  }
  for (const name of Object.keys(input)) {
    const value = input[name];
    if (value === undefined) continue;
    if (typeof value === 'string') flat.push(name, value);
    else if (Array.isArray(value)) for (const item of value) flat.push(name, String(item));
  }
  return flat;
}

function parseCookies(headers: MultiMap): string[] {
  const flat: string[] = [];
  for (const header of headers.getAll('cookie')) {
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const name = part.slice(0, eq).trim();
      let value = part.slice(eq + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (name !== '') flat.push(name, value);
    }
  }
  return flat;
}

const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization'] as const;

export interface AuthRequestInit {
  readonly method: string;
  /** The request path; anything from `?` or `#` on is dropped. */
  readonly path: string;
  readonly headers?: HeadersInput;
  /**
   * Node's flat `rawHeaders` list (`[name, value, name, value, …]`), which keeps duplicates that
   * `req.headers` drops. Used instead of `headers` when given; read without building pairs.
   */
  readonly rawHeaders?: readonly string[];
  readonly context?: Partial<RequestContext>;
  /** Query parameters; a raw string is parsed only when first read. */
  readonly query?: QueryInput;
  /** Aborted when the client goes away; the hook's `req.signal` follows it. */
  readonly signal?: AbortSignal;
}

/**
 * What every `authenticate` hook receives: method, path, read-only headers, query, cookies and
 * the frozen {@link RequestContext} the adapter set.
 *
 * @example
 * const req = new AuthRequest({ method: 'get', path: '/me?x=1', headers: { authorization: 'Bearer t' } });
 * req.method; // 'GET'
 * req.path;   // '/me'
 * req.headers.get('Authorization'); // 'Bearer t'
 */
export class AuthRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: ReadonlyMultiMap;
  readonly context: RequestContext;
  readonly #queryInput: QueryInput | undefined;
  #query: MultiMap | undefined;
  #cookies: MultiMap | undefined;
  // Created on first use of `signal`, or by an abort that comes before it.
  #controller: AbortController | undefined;
  readonly #parentSignal: AbortSignal | undefined;
  readonly #duplicateCredentials: boolean;

  constructor(init: AuthRequestInit) {
    if (typeof init !== 'object' || init === null) throw new TypeError('AuthRequest: init must be an object');
    if (typeof init.method !== 'string' || init.method === '') throw new TypeError('AuthRequest: method must be a non-empty string');
    if (typeof init.path !== 'string') throw new TypeError('AuthRequest: path must be a string');
    this.method = init.method.toUpperCase();
    this.path = stripQuery(init.path);
    const headers = new MultiMap(init.rawHeaders === undefined ? flattenHeaders(init.headers) : copyRaw(init.rawHeaders), true, 'AuthRequest headers', ', ');
    this.headers = headers;
    this.context = requestContext(init.context);
    this.#queryInput = init.query;
    this.#parentSignal = init.signal;
    this.#duplicateCredentials = hasDuplicateCredentials(headers);
    Object.freeze(this);
  }

  /** Query parameters (read-only). Credentials in the query are ignored by built-in providers except on WebSocket upgrades. */
  get query(): ReadonlyMultiMap {
    return (this.#query ??= new MultiMap(flattenQuery(this.#queryInput), false, 'AuthRequest query', ','));
  }

  /** Cookies parsed from the `Cookie` header (read-only; a repeated name keeps every value). */
  get cookies(): ReadonlyMultiMap {
    return (this.#cookies ??= new MultiMap(parseCookies(this.headers as MultiMap), false, 'AuthRequest cookies', ', '));
  }

  /** Aborted when the policy gives up on the hook (timeout) or the client disconnects. */
  get signal(): AbortSignal {
    return this.#ensureController().signal;
  }

  /** True when more than one Authorization or Proxy-Authorization value was sent. */
  get hasDuplicateCredentials(): boolean {
    return this.#duplicateCredentials;
  }

  #ensureController(): AbortController {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      const parent = this.#parentSignal;
      if (parent !== undefined) {
        if (parent.aborted) controller.abort(parent.reason);
        else parent.addEventListener('abort', () => controller.abort(parent.reason), { once: true });
      }
    }
    return this.#controller;
  }

  // Keyed by a shared symbol so a policy from another loaded copy of @auth/core can abort it too.
  // A hook that reads `signal` only after the policy gave up still sees it aborted.
  [AUTH_REQUEST_ABORT](reason: unknown): void {
    this.#ensureController().abort(reason);
  }

  /** True for an AuthRequest built by any loaded copy of @auth/core. */
  static [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep ordinary instanceof; only the base class answers for every copy.
    return this === AuthRequest ? isAuthRequestLike(value) : Function.prototype[Symbol.hasInstance].call(this, value);
  }
}
Object.defineProperty(AuthRequest.prototype, AUTH_REQUEST_BRAND, { value: true });

/** Internal: aborts the signal a hook may be watching, once the policy stops waiting for it. */
export function abortAuthRequest(req: AuthRequest, reason: unknown): void {
  const abort = (req as unknown as Record<symbol, unknown>)[AUTH_REQUEST_ABORT];
  if (typeof abort === 'function') (abort as (reason: unknown) => void).call(req, reason);
}

function stripQuery(path: string): string {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) return path.slice(0, i);
  }
  return path;
}

function hasDuplicateCredentials(headers: MultiMap): boolean {
  for (let i = 0; i < CREDENTIAL_HEADERS.length; i++) {
    const name = CREDENTIAL_HEADERS[i]!;
    const n = headers.count(name);
    if (n > 1) return true;
    if (n === 1 && holdsSeveralCredentials(headers.get(name)!)) return true;
  }
  return false;
}

/**
 * Authorization carries one `scheme [ token68 / #auth-param ]` (RFC 9110 §11.6.2), so outside a
 * quoted string a comma may only separate `name=value` auth-params. Any other list element is a
 * second credential that a Fetch `Headers` object joined in (`Bearer a, Bearer b`).
 */
export function holdsSeveralCredentials(value: string): boolean {
  if (!value.includes(',')) return false;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === 92 /* backslash */) i++;
      else if (c === 34 /* " */) quoted = false;
    } else if (c === 34) {
      quoted = true;
    } else if (c === 44 /* , */ && !startsAuthParam(value, i + 1)) {
      return true;
    }
  }
  // An unterminated quoted string could hide a joined credential; a real single value has none.
  return quoted;
}

// True when value[from..] is an empty list element or `token BWS "="`.
function startsAuthParam(value: string, from: number): boolean {
  let i = from;
  while (i < value.length && (value[i] === ' ' || value[i] === '\t')) i++;
  if (i === value.length || value[i] === ',') return true;
  const start = i;
  while (i < value.length && isTokenChar(value.charCodeAt(i))) i++;
  if (i === start) return false;
  while (i < value.length && (value[i] === ' ' || value[i] === '\t')) i++;
  return value[i] === '=';
}

/** Internal: an RFC 9110 tchar (token character). */
export function isTokenChar(c: number): boolean {
  return c < 128 && TCHAR[c] === 1;
}
const TCHAR = new Uint8Array(128);
for (const ch of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[ch.charCodeAt(0)] = 1;

