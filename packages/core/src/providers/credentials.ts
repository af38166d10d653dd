import { InvalidRequest, InvalidToken } from '../errors.js';
import type { Authenticate } from '../policy.js';
import { isTokenChar, type AuthRequest } from '../request.js';

/** `Authorization: <scheme> <credentials>`, or null when the header is absent. */
export interface AuthorizationHeader {
  /** Lowercased scheme, e.g. `bearer`, `basic`. */
  readonly scheme: string;
  readonly credentials: string;
}

/**
 * Parses the Authorization header. Duplicates were already refused by the policy (400).
 * A header with no recognisable scheme is an invalid credential, not an absent one.
 */
export function authorizationHeader(req: AuthRequest): AuthorizationHeader | null {
  const raw = req.headers.get('authorization');
  if (raw === null) return null;
  const value = raw.trim();
  const end = schemeEnd(value);
  return { scheme: value.slice(0, end).toLowerCase(), credentials: credentialsAfter(value, end) };
}

// `scheme`, or `scheme 1*SP credentials` (scanned by hand: this runs on every request). The end of
// the scheme in a trimmed header value; throws InvalidToken when there is no valid scheme.
function schemeEnd(value: string): number {
  let i = 0;
  while (i < value.length && isTokenChar(value.charCodeAt(i))) i++;
  if (i === 0 || (i < value.length && value.charCodeAt(i) !== 32)) throw new InvalidToken();
  return i;
}

// What follows the scheme and its spaces, trimmed (a no-op, without copying, in the usual case).
function credentialsAfter(value: string, schemeEnd: number): string {
  let start = schemeEnd;
  while (start < value.length && value.charCodeAt(start) === 32) start++;
  return start === value.length ? '' : value.slice(start).trim();
}

// RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
const B64TOKEN_CHAR = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/') B64TOKEN_CHAR[ch.charCodeAt(0)] = 1;

function isB64Token(value: string): boolean {
  let i = 0;
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || B64TOKEN_CHAR[c] !== 1) break;
  }
  if (i === 0) return false;
  while (i < value.length && value.charCodeAt(i) === 61 /* = */) i++;
  return i === value.length;
}

// "bearer", in any letter case, ends value at `end`.
function isBearer(value: string, end: number): boolean {
  if (end !== 6) return false;
  for (let i = 0; i < 6; i++) if ((value.charCodeAt(i) | 0x20) !== BEARER.charCodeAt(i)) return false;
  return true;
}
const BEARER = 'bearer';

const NO_OPTIONS: BearerOptions = Object.freeze({});

export interface BearerOptions {
  /** Query parameter accepted on WebSocket upgrades only (Cheshire Cat's rule). Default `token`. */
  readonly queryParam?: string;
  /** Also accept the query parameter on plain HTTP requests. Default false. */
  readonly allowQueryOnHttp?: boolean;
}

/**
 * The bearer token of a request: from `Authorization: Bearer`, or from the `token` query
 * parameter on WebSocket upgrades. Returns null when the request carries none (or carries another
 * scheme); throws InvalidRequest (400) when a token arrives by two transports (RFC 6750 §2) and
 * InvalidToken (401) when it is malformed.
 */
export function bearerToken(req: AuthRequest, options: BearerOptions = NO_OPTIONS): string | null {
  return b64Token(bearerCredential(req, options));
}

/**
 * Internal: what {@link bearerToken} reads, with the same transport rules, before its b64token
 * check. For a provider whose own parsing accepts only a subset of b64token and refuses the rest
 * with the same 401 (`jwt()`), so that a token it has already verified is not scanned again.
 */
export function bearerCredential(req: AuthRequest, options: BearerOptions = NO_OPTIONS): string | null {
  const fromHeader = bearerHeaderCredential(req);
  const fromQuery = queryCredential(req, options);
  if (fromQuery === null) return fromHeader;
  if (req.headers.has('authorization')) throw new InvalidRequest('Credentials were sent by more than one method.');
  return fromQuery;
}

/** The token of `Authorization: Bearer <token>` alone; null when absent or another scheme, 401 when malformed. */
export function bearerHeaderToken(req: AuthRequest): string | null {
  return b64Token(bearerHeaderCredential(req));
}

function bearerHeaderCredential(req: AuthRequest): string | null {
  const raw = req.headers.get('authorization');
  if (raw === null) return null;
  const value = raw.trim();
  const end = schemeEnd(value);
  return isBearer(value, end) ? credentialsAfter(value, end) : null;
}

function b64Token(credential: string | null): string | null {
  if (credential !== null && !isB64Token(credential)) throw new InvalidToken();
  return credential;
}

/**
 * The token in the query parameter (`token` by default), on WebSocket upgrades only unless
 * `allowQueryOnHttp`. Null when absent or not allowed on this surface; a repeated parameter is
 * 400 and a malformed token 401.
 */
export function queryToken(req: AuthRequest, options: BearerOptions = NO_OPTIONS): string | null {
  return b64Token(queryCredential(req, options));
}

function queryCredential(req: AuthRequest, options: BearerOptions): string | null {
  const queryAllowed = req.context.source === 'websocket' || options.allowQueryOnHttp === true;
  if (!queryAllowed) return null;
  const values = req.query.getAll(options.queryParam ?? 'token');
  if (values.length === 0) return null;
  if (values.length > 1) throw new InvalidRequest('Credentials were sent more than once.');
  return values[0]!;
}

/** The one value of a header, null when absent; a header sent more than once is 400. */
export function singleHeader(req: AuthRequest, name: string): string | null {
  const values = req.headers.getAll(name);
  if (values.length > 1) throw new InvalidRequest(`The ${name} header was sent more than once.`);
  return values[0] ?? null;
}

/**
 * A place a provider reads a credential from: a request header, or a query parameter (read on
 * WebSocket upgrades, and on plain HTTP only when `onHttp`). Cookies are ambient (browsers attach
 * them unasked), so they are not a transport a client chooses and are never counted.
 */
export type CredentialTransport =
  | { readonly header: string }
  | { readonly query: string; readonly onHttp?: boolean };

const TRANSPORTS = Symbol.for('@auth/core.credentialTransports.v1');

/** What every bearer-style provider reads: the Authorization header, and `?token=` on WebSocket upgrades. */
export const DEFAULT_TRANSPORTS: readonly CredentialTransport[] = Object.freeze([
  Object.freeze({ header: 'authorization' }),
  Object.freeze({ query: 'token' }),
]);

/**
 * Records which transports `authenticate` reads credentials from, so that {@link anyOf} can refuse
 * (400) a request that carries credentials by more than one of them. Returns `authenticate`.
 *
 * @example
 * const hook = declareTransports(async (req) => lookup(req.headers.get('x-session-token')), [
 *   { header: 'x-session-token' },
 * ]);
 */
export function declareTransports<T extends Authenticate>(authenticate: T, transports: readonly CredentialTransport[]): T {
  const list = Object.freeze(transports.map((t) => Object.freeze('header' in t ? { header: t.header.toLowerCase() } : { ...t })));
  Object.defineProperty(authenticate, TRANSPORTS, { value: list, enumerable: false, configurable: true });
  return authenticate;
}

/** The transports `authenticate` declared (empty when it declared none). */
export function transportsOf(authenticate: Authenticate): readonly CredentialTransport[] {
  const declared = (authenticate as unknown as Record<symbol, unknown>)[TRANSPORTS];
  return Array.isArray(declared) ? (declared as readonly CredentialTransport[]) : [];
}

/** Names of the transports (among `transports`) that carry something on this request. */
export function presentTransports(req: AuthRequest, transports: readonly CredentialTransport[]): string[] {
  const present = new Set<string>();
  for (const t of transports) {
    if ('header' in t) {
      if (req.headers.has(t.header)) present.add(`header ${t.header}`);
    } else if ((req.context.source === 'websocket' || t.onHttp === true) && req.query.has(t.query)) {
      present.add(`query ${t.query}`);
    }
  }
  return [...present];
}

/** Throws InvalidRequest (400, RFC 6750 §2) when credentials arrive by more than one of `transports`. */
export function assertSingleTransport(req: AuthRequest, transports: readonly CredentialTransport[]): void {
  if (presentTransports(req, transports).length > 1) throw new InvalidRequest('Credentials were sent by more than one method.');
}
