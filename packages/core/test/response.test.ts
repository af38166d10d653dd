import { describe, expect, it, vi } from 'vitest';
import {
  ApprovalRequired,
  Forbidden,
  HTTPError,
  ImproperlyConfigured,
  RateLimited,
  toErrorResponse,
  Unauthorized,
  type ErrorInfo,
} from '../src/index.js';

const HASH = 'sha256:' + '0'.repeat(64);
const body = (response: { body: string }): Record<string, unknown> => JSON.parse(response.body) as Record<string, unknown>;

describe('toErrorResponse: RFC 9457 problem JSON', () => {
  it('writes status, problem headers and a body carrying the code', () => {
    const response = toErrorResponse(new Unauthorized());
    expect(response.status).toBe(401);
    expect(response.headers).toEqual({
      'www-authenticate': 'Bearer',
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
    });
    expect(body(response)).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'Authentication is required.',
      code: 'unauthorized',
    });
  });

  it('carries extension members such as the approval action and hash', () => {
    expect(body(toErrorResponse(new ApprovalRequired('transfer', HASH)))).toMatchObject({
      status: 409,
      code: 'approval_required',
      action: 'transfer',
      argumentsHash: HASH,
    });
  });

  it('carries Retry-After for 429', () => {
    expect(toErrorResponse(new RateLimited(7)).headers['retry-after']).toBe('7');
  });

  it("uses an HTTPError's own status and detail", () => {
    const response = toErrorResponse(new HTTPError('Order not found', { status: 404 }));
    expect(response.status).toBe(404);
    expect(body(response)).toMatchObject({ title: 'Not Found', detail: 'Order not found', code: 'http_error' });
  });

  it('is frozen', () => {
    const response = toErrorResponse(new Forbidden());
    expect(Object.isFrozen(response)).toBe(true);
    expect(Object.isFrozen(response.headers)).toBe(true);
  });
});

describe('toErrorResponse: anything that is not an HTTPError is a generic 500', () => {
  const generic = {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'Internal Server Error',
    code: 'internal_error',
  };

  it('hides an Error and its message', () => {
    const response = toErrorResponse(new Error('db password is hunter2'));
    expect(response.status).toBe(500);
    expect(body(response)).toEqual(generic);
    expect(JSON.stringify(response)).not.toContain('hunter2');
  });

  it('hides ImproperlyConfigured too', () => {
    expect(body(toErrorResponse(new ImproperlyConfigured('secret must be 32 bytes')))).toEqual(generic);
  });

  it('hides thrown strings, null and undefined', () => {
    for (const thrown of ['token abc', null, undefined, 42]) expect(body(toErrorResponse(thrown))).toEqual(generic);
  });

  it('does not trust an object that only looks like an HTTPError', () => {
    const lookalike = { status: 418, detail: 'leaked', headers: { 'x-a': '1' }, code: 'teapot' };
    const response = toErrorResponse(lookalike);
    expect(response.status).toBe(500);
    expect(response.body).not.toContain('leaked');
    expect(response.headers['x-a']).toBeUndefined();
  });

  it('answers a generic 500 when reading a broken HTTPError throws', () => {
    const error = new HTTPError('x', { status: 404 });
    Object.defineProperty(error, 'headers', {
      get() {
        throw new Error('boom');
      },
    });
    const response = toErrorResponse(error);
    expect(response.status).toBe(500);
    expect(body(response)).toEqual(generic);
  });
});

describe('toErrorResponse: headers from an error are sanitised', () => {
  it('drops a header value carrying CR/LF (response splitting)', () => {
    const error = new HTTPError('x', { status: 400, headers: { 'x-ok': 'fine', 'x-evil': 'a\r\nSet-Cookie: session=attacker' } });
    const response = toErrorResponse(error);
    expect(response.headers['x-ok']).toBe('fine');
    expect(response.headers['x-evil']).toBeUndefined();
    expect(JSON.stringify(response.headers)).not.toContain('attacker');
  });

  it('drops a bare LF or NUL in a value', () => {
    const response = toErrorResponse(new HTTPError('x', { status: 400, headers: { 'x-lf': 'a\nb', 'x-nul': 'a\u0000b' } }));
    expect(response.headers).not.toHaveProperty('x-lf');
    expect(response.headers).not.toHaveProperty('x-nul');
  });

  it('drops a header whose name is not a token', () => {
    const response = toErrorResponse(new HTTPError('x', { status: 400, headers: { 'x bad': '1', 'x:colon': '1', 'x\r\ninjected': '1' } }));
    expect(Object.keys(response.headers).sort()).toEqual(['cache-control', 'content-type']);
  });

  it('never lets an error set framing headers or cookies', () => {
    const headers = { 'content-type': 'text/html', 'content-length': '0', 'transfer-encoding': 'chunked', connection: 'close', 'set-cookie': 'a=b' };
    const response = toErrorResponse(new HTTPError('x', { status: 400, headers }));
    expect(response.headers['content-type']).toBe('application/problem+json');
    for (const name of ['content-length', 'transfer-encoding', 'connection', 'set-cookie']) expect(response.headers).not.toHaveProperty(name);
  });

  it('never lets extensions overwrite the problem members', () => {
    const error = new HTTPError('real', { status: 403, extensions: { status: 200, detail: 'fake', type: 'x', title: 'y', code: 'z', extra: 1 } });
    expect(body(toErrorResponse(error))).toEqual({ type: 'about:blank', title: 'Forbidden', status: 403, detail: 'real', code: 'http_error', extra: 1 });
  });

  it('drops extension values that are not JSON scalars, and an own __proto__ extension', () => {
    const extensions = JSON.parse('{"__proto__":null,"ok":true}') as Record<string, null>;
    const error = new HTTPError('x', { status: 400, extensions: { ...extensions, nan: Number.NaN, obj: {} as never } });
    const parsed = body(toErrorResponse(error));
    expect(parsed.ok).toBe(true);
    expect(parsed).not.toHaveProperty('nan');
    expect(parsed).not.toHaveProperty('obj');
    expect(Object.keys(parsed)).not.toContain('__proto__');
  });
});

describe('toErrorResponse: custom envelope (errorResponse)', () => {
  it('hands the envelope the safe error info and serialises an object body as JSON', () => {
    const hook = vi.fn((info: ErrorInfo) => ({ body: { error: { code: info.code, message: info.detail } } }));
    const response = toErrorResponse(new Forbidden('Admins only'), hook);
    expect(hook).toHaveBeenCalledWith(expect.objectContaining({ status: 403, code: 'forbidden', title: 'Forbidden', detail: 'Admins only' }));
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'forbidden', message: 'Admins only' } });
  });

  it('keeps the error headers (WWW-Authenticate) under the envelope', () => {
    const response = toErrorResponse(new Unauthorized(), () => ({ body: {} }));
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('sends a string body as text', () => {
    const response = toErrorResponse(new Forbidden(), () => ({ body: 'nope' }));
    expect(response.body).toBe('nope');
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('lets the envelope choose status and headers, clamped and sanitised', () => {
    const response = toErrorResponse(new Forbidden(), () => ({
      status: 200,
      headers: { 'Content-Type': 'application/vnd.err+json', 'X-Evil': 'a\r\nb', 'content-length': '1' },
      body: {},
    }));
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/vnd.err+json');
    expect(response.headers).not.toHaveProperty('x-evil');
    expect(response.headers).not.toHaveProperty('content-length');
  });

  it('gives the envelope only a generic 500 for an internal failure', () => {
    const hook = vi.fn((info: ErrorInfo) => ({ body: info }));
    const response = toErrorResponse(new Error('token=abc123'), hook);
    expect(response.status).toBe(500);
    expect(response.body).not.toContain('abc123');
    expect(hook.mock.calls[0]![0].detail).toBe('Internal Server Error');
  });

  it('falls back to a generic problem 500 when the envelope throws, without its message', () => {
    const response = toErrorResponse(new Forbidden(), () => {
      throw new Error('envelope secret');
    });
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(body(response)).toMatchObject({ status: 500, code: 'internal_error' });
    expect(response.body).not.toContain('envelope secret');
  });

  it('falls back to a generic 500 when the envelope returns no object', () => {
    expect(toErrorResponse(new Forbidden(), (() => undefined) as never).status).toBe(500);
    expect(toErrorResponse(new Forbidden(), (() => 'x') as never).status).toBe(500);
  });

  it('falls back to a generic 500 when the envelope body cannot be serialised', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toErrorResponse(new Forbidden(), () => ({ body: cyclic })).status).toBe(500);
    expect(toErrorResponse(new Forbidden(), () => ({ body: 1n })).status).toBe(500);
    expect(toErrorResponse(new Forbidden(), () => ({ body: undefined })).status).toBe(500);
  });
});
