import { describe, expect, it } from 'vitest';
import {
  ApprovalDenied,
  ApprovalRequired,
  AuthError,
  Forbidden,
  HTTPError,
  ImproperlyConfigured,
  InternalError,
  InvalidRequest,
  InvalidToken,
  RateLimited,
  ServiceUnavailable,
  Unauthorized,
} from '../src/index.js';

const HASH = 'sha256:' + 'ab'.repeat(32);

describe('HTTPError', () => {
  it('defaults to 500 "Internal Server Error"', () => {
    const error = new HTTPError();
    expect(error.status).toBe(500);
    expect(error.detail).toBe('Internal Server Error');
    expect(error.message).toBe('Internal Server Error');
    expect(error.code).toBe('internal_error');
    expect(error.name).toBe('HTTPError');
    expect(error).toBeInstanceOf(Error);
  });

  it('keeps a given detail and status', () => {
    const error = new HTTPError('Order not found', { status: 404 });
    expect(error.status).toBe(404);
    expect(error.detail).toBe('Order not found');
    expect(error.code).toBe('http_error');
  });

  it("gives a status without detail that status's standard phrase", () => {
    expect(new HTTPError(undefined, { status: 404 }).detail).toBe('Not Found');
    expect(new HTTPError(undefined, { status: 429 }).detail).toBe('Too Many Requests');
    expect(new HTTPError(undefined, { status: 503 }).detail).toBe('Service Unavailable');
  });

  it('treats an empty detail as no detail', () => {
    expect(new HTTPError('', { status: 403 }).detail).toBe('Forbidden');
  });

  it('gives an unlisted status a generic phrase for its class', () => {
    expect(new HTTPError(undefined, { status: 499 }).detail).toBe('Client Error');
    expect(new HTTPError(undefined, { status: 599 }).detail).toBe('Server Error');
  });

  it('clamps a status below 400 up to 400', () => {
    expect(new HTTPError('x', { status: 200 }).status).toBe(400);
    expect(new HTTPError('x', { status: 399 }).status).toBe(400);
    expect(new HTTPError('x', { status: -1 }).status).toBe(400);
  });

  it('clamps a status above 599 down to 599', () => {
    expect(new HTTPError('x', { status: 600 }).status).toBe(599);
    expect(new HTTPError('x', { status: 1e9 }).status).toBe(599);
  });

  it('turns a status that is not an integer into 500', () => {
    for (const status of [404.5, Number.NaN, Number.POSITIVE_INFINITY, '404', null]) {
      expect(new HTTPError('x', { status } as never).status).toBe(500);
    }
  });

  it('lowercases and freezes its headers', () => {
    const error = new HTTPError('x', { status: 401, headers: { 'WWW-Authenticate': 'Basic' } });
    expect(error.headers).toEqual({ 'www-authenticate': 'Basic' });
    expect(Object.isFrozen(error.headers)).toBe(true);
  });

  it('keeps a custom code, frozen extensions and a cause', () => {
    const cause = new Error('inner');
    const error = new HTTPError('x', { status: 402, code: 'payment_required', extensions: { plan: 'free' }, cause });
    expect(error.code).toBe('payment_required');
    expect(error.extensions).toEqual({ plan: 'free' });
    expect(Object.isFrozen(error.extensions)).toBe(true);
    expect(error.cause).toBe(cause);
  });

  it('names a subclass after itself', () => {
    class Teapot extends HTTPError {}
    expect(new Teapot('short and stout', { status: 418 }).name).toBe('Teapot');
  });
});

describe('ImproperlyConfigured', () => {
  it('is an Error named ImproperlyConfigured, not an HTTPError', () => {
    const error = new ImproperlyConfigured('bad setup');
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(HTTPError);
    expect(error.name).toBe('ImproperlyConfigured');
    expect(error.message).toBe('bad setup');
  });
});

describe('auth errors: code, status and headers', () => {
  const cases: Array<[string, HTTPError, number, string, Record<string, string>]> = [
    ['InvalidRequest', new InvalidRequest(), 400, 'invalid_request', { 'www-authenticate': 'Bearer error="invalid_request"' }],
    ['Unauthorized', new Unauthorized(), 401, 'unauthorized', { 'www-authenticate': 'Bearer' }],
    ['InvalidToken', new InvalidToken(), 401, 'invalid_token', { 'www-authenticate': 'Bearer error="invalid_token"' }],
    ['Forbidden', new Forbidden(), 403, 'forbidden', {}],
    ['ApprovalRequired', new ApprovalRequired('transfer', HASH), 409, 'approval_required', {}],
    ['ApprovalDenied', new ApprovalDenied('transfer', HASH), 403, 'approval_denied', {}],
    ['RateLimited', new RateLimited(30), 429, 'rate_limited', { 'retry-after': '30' }],
    ['ServiceUnavailable', new ServiceUnavailable(), 503, 'temporarily_unavailable', {}],
    ['InternalError', new InternalError(), 500, 'internal_error', {}],
  ];

  for (const [name, error, status, code, headers] of cases) {
    it(`${name} is ${status} ${code}`, () => {
      expect(error.status).toBe(status);
      expect(error.code).toBe(code);
      expect(error.headers).toEqual(headers);
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toBeInstanceOf(HTTPError);
      expect(error.name).toBe(name);
    });
  }

  it('Unauthorized sends RFC 6750 "Bearer" with no error code (no credential was presented)', () => {
    expect(new Unauthorized().headers['www-authenticate']).toBe('Bearer');
  });

  it('lets a caller replace the default WWW-Authenticate, whatever its case', () => {
    const error = new Unauthorized('Log in', { headers: { 'WWW-Authenticate': 'Basic realm="api"' } });
    expect(error.headers).toEqual({ 'www-authenticate': 'Basic realm="api"' });
  });

  it('keeps extra headers next to the default WWW-Authenticate', () => {
    expect(new InvalidToken(undefined, { headers: { 'x-trace': '1' } }).headers).toEqual({
      'www-authenticate': 'Bearer error="invalid_token"',
      'x-trace': '1',
    });
  });

  it('ApprovalRequired and ApprovalDenied carry the action and arguments hash', () => {
    for (const error of [new ApprovalRequired('transfer', HASH), new ApprovalDenied('transfer', HASH)]) {
      expect(error.action).toBe('transfer');
      expect(error.argumentsHash).toBe(HASH);
      expect(error.extensions).toEqual({ action: 'transfer', argumentsHash: HASH });
    }
  });

  it('RateLimited rounds Retry-After up to whole seconds', () => {
    expect(new RateLimited(1.2).headers['retry-after']).toBe('2');
    expect(new RateLimited(1.2).retryAfter).toBe(2);
  });

  it('RateLimited turns a zero, negative or non-finite Retry-After into 1', () => {
    for (const value of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(new RateLimited(value).headers['retry-after']).toBe('1');
    }
  });

  it('ServiceUnavailable sends Retry-After only when given, and never a non-number', () => {
    expect(new ServiceUnavailable('down', 10).headers['retry-after']).toBe('10');
    expect(new ServiceUnavailable('down', Number.NaN).headers['retry-after']).toBe('1');
    expect(new ServiceUnavailable('down', Number.POSITIVE_INFINITY).headers['retry-after']).toBe('1');
  });

  it('InternalError always has the generic detail', () => {
    expect(new InternalError().detail).toBe('Internal Server Error');
  });

  it('auth errors take a custom detail', () => {
    expect(new Forbidden('Admins only').detail).toBe('Admins only');
  });
});
