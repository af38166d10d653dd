import { isBrandedHTTPError } from './brand.js';
import { InternalError, type HTTPError } from './errors.js';
import { clampStatus, statusPhrase } from './status.js';

/** What an adapter writes back: status, headers (lowercase names) and a serialised body. */
export interface ErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The error as handed to a custom envelope: safe to show (internal errors are already generic). */
export interface ErrorInfo {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, string | number | boolean | null>>;
}

/** Replaces the response envelope. `body` is serialised as JSON unless it is already a string. */
export type ErrorResponseHook = (
  error: ErrorInfo,
) => { readonly status?: number; readonly headers?: Readonly<Record<string, string>>; readonly body: unknown };

/** Any thrown value as a safe HTTPError: branded HTTP errors keep their status and detail, all else is a generic 500. */
export function toHTTPError(error: unknown): HTTPError {
  if (isBrandedHTTPError(error)) return error as HTTPError;
  return new InternalError();
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const RESERVED = new Set(['content-type', 'content-length', 'transfer-encoding', 'connection', 'set-cookie']);

/** The client-safe view of any error. Never throws: a malformed error becomes a generic 500. */
export function errorInfo(error: unknown): ErrorInfo {
  try {
    return readErrorInfo(toHTTPError(error));
  } catch {
    return readErrorInfo(new InternalError());
  }
}

function readErrorInfo(e: HTTPError): ErrorInfo {
  const status = clampStatus(e.status);
  const headers: Record<string, string> = {};
  const given = e.headers;
  if (typeof given === 'object' && given !== null) {
    for (const name of Object.keys(given)) {
      const key = name.toLowerCase();
      const value = given[name];
      // Header injection and framing headers from an error are dropped, never written.
      if (typeof value === 'string' && HEADER_NAME.test(key) && HEADER_VALUE.test(value) && !RESERVED.has(key)) headers[key] = value;
    }
  }
  return {
    status,
    code: typeof e.code === 'string' ? e.code : 'http_error',
    title: statusPhrase(status),
    detail: typeof e.detail === 'string' ? e.detail : statusPhrase(status),
    headers,
    extensions: jsonScalars(e.extensions),
  };
}

function jsonScalars(input: unknown): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  if (typeof input !== 'object' || input === null) return out;
  for (const key of Object.keys(input)) {
    if (key === 'type' || key === 'title' || key === 'status' || key === 'detail' || key === 'code' || key === '__proto__') continue;
    const value = (input as Record<string, unknown>)[key];
    if (value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      out[key] = value;
    }
  }
  return out;
}

/**
 * Turns any error into `{ status, headers, body }`. The default body is RFC 9457 problem JSON
 * carrying the stable `code`; `hook` replaces the envelope. Never throws.
 *
 * @example
 * const { status, headers, body } = toErrorResponse(new Unauthorized());
 * // 401, { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer', ... }
 */
export function toErrorResponse(error: unknown, hook?: ErrorResponseHook): ErrorResponse {
  const info = errorInfo(error);
  if (hook !== undefined) {
    try {
      return custom(info, hook(info));
    } catch {
      return problem(errorInfo(new InternalError()));
    }
  }
  return problem(info);
}

function problem(info: ErrorInfo): ErrorResponse {
  const body = JSON.stringify({
    type: 'about:blank',
    title: info.title,
    status: info.status,
    detail: info.detail,
    code: info.code,
    ...info.extensions,
  });
  return Object.freeze({
    status: info.status,
    headers: Object.freeze({ ...info.headers, 'content-type': 'application/problem+json', 'cache-control': 'no-store' }),
    body,
  });
}

function custom(info: ErrorInfo, result: ReturnType<ErrorResponseHook>): ErrorResponse {
  if (typeof result !== 'object' || result === null) throw new TypeError('errorResponse must return an object');
  const status = result.status === undefined ? info.status : clampStatus(result.status);
  const body = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  if (typeof body !== 'string') throw new TypeError('errorResponse body is not serialisable');
  const headers: Record<string, string> = { ...info.headers, 'content-type': typeof result.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'cache-control': 'no-store' };
  const given = result.headers;
  if (given !== undefined) {
    for (const name of Object.keys(given)) {
      const key = name.toLowerCase();
      const value = given[name];
      if (typeof value === 'string' && HEADER_NAME.test(key) && HEADER_VALUE.test(value) && key !== 'content-length' && key !== 'transfer-encoding' && key !== 'connection') {
        headers[key] = value;
      }
    }
  }
  return Object.freeze({ status, headers: Object.freeze(headers), body });
}
