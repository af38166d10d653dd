import { InvalidRequest, InvalidToken } from '../errors.js';
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
  const header = authorizationHeader(req);
  let fromHeader: string | null = null;
  if (header !== null && header.scheme === 'bearer') {
    if (!B64TOKEN.test(header.credentials)) throw new InvalidToken();
    fromHeader = header.credentials;
  }
  const param = options.queryParam ?? 'token';
  const queryAllowed = req.context.source === 'websocket' || options.allowQueryOnHttp === true;
  if (!queryAllowed) return fromHeader;
  const values = req.query.getAll(param);
  if (values.length === 0) return fromHeader;
  if (values.length > 1 || fromHeader !== null || header !== null) {
    throw new InvalidRequest('Credentials were sent by more than one method.');
  }
  const token = values[0]!;
  if (!B64TOKEN.test(token)) throw new InvalidToken();
  return token;
}
