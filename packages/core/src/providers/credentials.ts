import { InvalidRequest, InvalidToken } from '../errors.js';
import type { Authenticate } from '../policy.js';
import type { AuthRequest } from '../request.js';

/** `Authorization: <scheme> <credentials>`, or null when the header is absent. */
export interface AuthorizationHeader {
  /** Lowercased scheme, e.g. `bearer`, `basic`. */
  readonly scheme: string;
  readonly credentials: string;
}

const SCHEME = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: +(.*))?$/s;

/**
 * Parses the Authorization header. Duplicates were already refused by the policy (400).
 * A header with no recognisable scheme is an invalid credential, not an absent one.
 */
export function authorizationHeader(req: AuthRequest): AuthorizationHeader | null {
  const raw = req.headers.get('authorization');
  if (raw === null) return null;
  const match = SCHEME.exec(raw.trim());
  if (match === null) throw new InvalidToken();
  return { scheme: match[1]!.toLowerCase(), credentials: (match[2] ?? '').trim() };
}

// RFC 6750 §2.1 b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

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
export function bearerToken(req: AuthRequest, options: BearerOptions = {}): string | null {
  const fromHeader = bearerHeaderToken(req);
  const fromQuery = queryToken(req, options);
  if (fromQuery === null) return fromHeader;
  if (req.headers.has('authorization')) throw new InvalidRequest('Credentials were sent by more than one method.');
  return fromQuery;
}

/** The token of `Authorization: Bearer <token>` alone; null when absent or another scheme, 401 when malformed. */
export function bearerHeaderToken(req: AuthRequest): string | null {
  const header = authorizationHeader(req);
  if (header === null || header.scheme !== 'bearer') return null;
  if (!B64TOKEN.test(header.credentials)) throw new InvalidToken();
  return header.credentials;
}

/**
 * The token in the query parameter (`token` by default), on WebSocket upgrades only unless
 * `allowQueryOnHttp`. Null when absent or not allowed on this surface; a repeated parameter is
 * 400 and a malformed token 401.
 */
export function queryToken(req: AuthRequest, options: BearerOptions = {}): string | null {
  const param = options.queryParam ?? 'token';
  const queryAllowed = req.context.source === 'websocket' || options.allowQueryOnHttp === true;
  if (!queryAllowed) return null;
  const values = req.query.getAll(param);
  if (values.length === 0) return null;
  if (values.length > 1) throw new InvalidRequest('Credentials were sent more than once.');
  const token = values[0]!;
  if (!B64TOKEN.test(token)) throw new InvalidToken();
  return token;
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
