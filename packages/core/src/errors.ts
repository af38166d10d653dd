import { brandHTTPError } from './brand.js';
import { clampStatus, statusPhrase } from './status.js';

/** Stable codes carried by every error this library raises; `switch (err.code)` narrows on them. */
export type AuthErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'invalid_token'
  | 'forbidden'
  | 'approval_required'
  | 'approval_denied'
  | 'rate_limited'
  | 'temporarily_unavailable'
  | 'internal_error';

export interface HTTPErrorOptions {
  /** Response status, clamped to 400–599. Default 500. */
  readonly status?: number;
  /** Extra response headers, e.g. `WWW-Authenticate` or `Retry-After`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Stable machine-readable code; defaults to `internal_error` for 5xx and `http_error` otherwise. */
  readonly code?: string;
  /** Extra members for the problem JSON body (RFC 9457 extension members). Must be JSON data. */
  readonly extensions?: Readonly<Record<string, string | number | boolean | null>>;
  readonly cause?: unknown;
}

/**
 * An error that becomes an HTTP response: its `status`, `headers` and `detail` are what the client
 * sees. Throw it from an `authenticate` or `approve` hook to choose the response.
 *
 * @example
 * throw new HTTPError('Account suspended', { status: 403 });
 */
export class HTTPError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, string | number | boolean | null>>;

  constructor(detail?: string, options: HTTPErrorOptions = {}) {
    const status = clampStatus(options.status ?? 500);
    const text = typeof detail === 'string' && detail !== '' ? detail : statusPhrase(status);
    super(text, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.detail = text;
    this.code = options.code ?? (status >= 500 ? 'internal_error' : 'http_error');
    this.headers = Object.freeze(lowercaseKeys(options.headers));
    this.extensions = Object.freeze({ ...options.extensions });
    brandHTTPError(this);
  }
}

/** A set-up mistake, raised when a policy or provider is built, never on a request. */
export class ImproperlyConfigured extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImproperlyConfigured';
  }
}

/** Base of the errors with a stable {@link AuthErrorCode}. */
export class AuthError extends HTTPError {
  declare readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, status: number, detail: string, options: Omit<HTTPErrorOptions, 'status' | 'code'> = {}) {
    super(detail, { ...options, status, code });
  }
}

/** 400: the request is malformed (e.g. credentials sent twice or by two transports). */
export class InvalidRequest extends AuthError {
  constructor(detail = 'The request is malformed.', options: Omit<HTTPErrorOptions, 'status' | 'code'> = {}) {
    super('invalid_request', 400, detail, withDefaultHeader(options, 'www-authenticate', 'Bearer error="invalid_request"'));
  }
}

/** 401: no acceptable credential was presented. */
export class Unauthorized extends AuthError {
  constructor(detail = 'Authentication is required.', options: Omit<HTTPErrorOptions, 'status' | 'code'> = {}) {
    super('unauthorized', 401, detail, withDefaultHeader(options, 'www-authenticate', 'Bearer'));
  }
}

/** 401: a credential was presented and rejected. Never says which check failed. */
export class InvalidToken extends AuthError {
  constructor(detail = 'The credential is invalid.', options: Omit<HTTPErrorOptions, 'status' | 'code'> = {}) {
    super('invalid_token', 401, detail, withDefaultHeader(options, 'www-authenticate', 'Bearer error="invalid_token"'));
  }
}

/** 403: authenticated, but not allowed. */
export class Forbidden extends AuthError {
  constructor(detail = 'You are not allowed to perform this action.', options: Omit<HTTPErrorOptions, 'status' | 'code'> = {}) {
    super('forbidden', 403, detail, options);
  }
}

/** 409: the action needs an approval token for exactly this call. */
export class ApprovalRequired extends AuthError {
  readonly action: string;
  readonly argumentsHash: string;

  constructor(action: string, argumentsHash: string, detail = 'This action requires approval.') {
    super('approval_required', 409, detail, { extensions: { action, argumentsHash } });
    this.action = action;
    this.argumentsHash = argumentsHash;
  }
}

/** 403: the approval hook did not approve this call. */
export class ApprovalDenied extends AuthError {
  readonly action: string;
  readonly argumentsHash: string;

  constructor(action: string, argumentsHash: string, detail = 'Approval was denied for this action.') {
    super('approval_denied', 403, detail, { extensions: { action, argumentsHash } });
    this.action = action;
    this.argumentsHash = argumentsHash;
  }
}

/** 429: too many attempts; `retryAfter` (whole seconds) becomes the `Retry-After` header. */
export class RateLimited extends AuthError {
  readonly retryAfter: number;

  constructor(retryAfter: number, detail = 'Too many requests.') {
    const seconds = retryAfterSeconds(retryAfter);
    super('rate_limited', 429, detail, { headers: { 'retry-after': String(seconds) } });
    this.retryAfter = seconds;
  }
}

/** 503: authentication could not be decided (an identity service is down, or a hook timed out). */
export class ServiceUnavailable extends AuthError {
  constructor(detail = 'Authentication is temporarily unavailable.', retryAfter?: number) {
    super('temporarily_unavailable', 503, detail, retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfterSeconds(retryAfter)) } });
  }
}

/** 500 with a generic body; what went wrong is never exposed. */
export class InternalError extends AuthError {
  constructor() {
    super('internal_error', 500, 'Internal Server Error');
  }
}

// Retry-After is whole seconds (RFC 9110 §10.2.3); NaN, Infinity or a non-positive value becomes 1.
function retryAfterSeconds(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : 1;
}

function lowercaseKeys(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (typeof value === 'string') out[name.toLowerCase()] = value;
  }
  return out;
}

function withDefaultHeader(
  options: Omit<HTTPErrorOptions, 'status' | 'code'>,
  name: string,
  value: string,
): Omit<HTTPErrorOptions, 'status' | 'code'> {
  const given = options.headers;
  if (given !== undefined && Object.keys(given).some((key) => key.toLowerCase() === name)) return options;
  return { ...options, headers: { [name]: value, ...given } };
}
