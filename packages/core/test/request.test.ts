import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthRequest, requestContext, type HeadersInput, type RequestContext } from '../src/index.js';
import { abortAuthRequest } from '../src/request.js';
import { headerName, recased } from './fixtures/arbitraries.js';

const make = (headers?: HeadersInput, extra: Partial<ConstructorParameters<typeof AuthRequest>[0]> = {}): AuthRequest =>
  new AuthRequest({ method: 'GET', path: '/', ...(headers === undefined ? {} : { headers }), ...extra });

function fetchHeaders(pairs: Array<[string, string]>): Headers {
  const headers = new Headers();
  for (const [name, value] of pairs) headers.append(name, value);
  return headers;
}

describe('AuthRequest: method and path', () => {
  it('uppercases the method', () => {
    expect(new AuthRequest({ method: 'get', path: '/' }).method).toBe('GET');
    expect(new AuthRequest({ method: 'pAtCh', path: '/' }).method).toBe('PATCH');
  });

  it('drops the query string from the path', () => {
    expect(new AuthRequest({ method: 'GET', path: '/me?token=abc&x=1' }).path).toBe('/me');
  });

  it('drops the fragment from the path', () => {
    expect(new AuthRequest({ method: 'GET', path: '/doc#part' }).path).toBe('/doc');
    expect(new AuthRequest({ method: 'GET', path: '/doc#a?b' }).path).toBe('/doc');
  });

  it('keeps a path with neither', () => {
    expect(new AuthRequest({ method: 'GET', path: '/a/b%20c' }).path).toBe('/a/b%20c');
  });

  it('rejects a missing or empty method', () => {
    expect(() => new AuthRequest({ method: '', path: '/' })).toThrow(TypeError);
    expect(() => new AuthRequest({ path: '/' } as never)).toThrow(/method/);
  });

  it('rejects a path that is not a string', () => {
    expect(() => new AuthRequest({ method: 'GET', path: 1 } as never)).toThrow(/path/);
  });

  it('rejects an init that is not an object', () => {
    expect(() => new AuthRequest(null as never)).toThrow(TypeError);
    expect(() => new AuthRequest('GET /' as never)).toThrow(TypeError);
  });

  it('is frozen', () => {
    const req = make();
    expect(Object.isFrozen(req)).toBe(true);
    expect(() => {
      (req as { method: string }).method = 'DELETE';
    }).toThrow(TypeError);
    expect(() => {
      (req as unknown as Record<string, unknown>).extra = 1;
    }).toThrow(TypeError);
    expect(req.method).toBe('GET');
  });
});

describe('AuthRequest: headers', () => {
  const forms: Array<[string, HeadersInput]> = [
    ['a record', { 'X-Api-Key': 'k1', Accept: 'text/html' }],
    ['[name, value] pairs', [['X-Api-Key', 'k1'], ['Accept', 'text/html']]],
    ['a Fetch Headers', new Headers({ 'X-Api-Key': 'k1', Accept: 'text/html' })],
  ];

  for (const [form, input] of forms) {
    it(`reads ${form} case-insensitively`, () => {
      const { headers } = make(input);
      expect(headers.get('x-api-key')).toBe('k1');
      expect(headers.get('X-API-KEY')).toBe('k1');
      expect(headers.has('ACCEPT')).toBe(true);
      expect(headers.getAll('X-Api-Key')).toEqual(['k1']);
    });

    it(`iterates ${form} over lowercased names`, () => {
      const { headers } = make(input);
      expect([...headers.keys()].sort()).toEqual(['accept', 'x-api-key']);
      expect(Object.fromEntries(headers)).toEqual({ 'x-api-key': 'k1', accept: 'text/html' });
      expect(Object.fromEntries(headers.entries())).toEqual({ 'x-api-key': 'k1', accept: 'text/html' });
    });
  }

  it('answers null, [] and false for an absent header', () => {
    const { headers } = make({ a: '1' });
    expect(headers.get('b')).toBeNull();
    expect(headers.getAll('b')).toEqual([]);
    expect(headers.has('b')).toBe(false);
  });

  it('keeps an empty header value, which is present', () => {
    const { headers } = make({ 'x-empty': '' });
    expect(headers.get('x-empty')).toBe('');
    expect(headers.has('x-empty')).toBe(true);
  });

  it('keeps every value of a repeated header: getAll lists them, get joins them with ", "', () => {
    const { headers } = make({ accept: ['a/b', 'c/d'] });
    expect(headers.getAll('Accept')).toEqual(['a/b', 'c/d']);
    expect(headers.get('accept')).toBe('a/b, c/d');
    expect([...headers.keys()]).toEqual(['accept']);
  });

  it('merges record keys that differ only in case', () => {
    const { headers } = make({ 'X-A': '1', 'x-a': '2' });
    expect(headers.getAll('x-a')).toEqual(['1', '2']);
  });

  it('skips record members whose value is undefined', () => {
    const { headers } = make({ a: undefined, b: '1' });
    expect(headers.has('a')).toBe(false);
    expect([...headers.keys()]).toEqual(['b']);
  });

  it('rejects a record value that is not a string or string[]', () => {
    expect(() => make({ a: 1 } as never)).toThrow(TypeError);
    expect(() => make({ a: ['x', 2] } as never)).toThrow(TypeError);
  });

  it('rejects pairs that are not [string, string]', () => {
    expect(() => make([['a', 1]] as never)).toThrow(TypeError);
    expect(() => make([['a']] as never)).toThrow(TypeError);
    expect(() => make(['ab'] as never)).toThrow(TypeError);
  });

  it('rejects headers that are neither Headers, a record nor pairs', () => {
    expect(() => make(42 as never)).toThrow(TypeError);
  });

  it('has an empty view when no headers are given', () => {
    expect([...make().headers]).toEqual([]);
  });

  it('names itself in toString', () => {
    expect(Object.prototype.toString.call(make().headers)).toBe('[object AuthRequest headers]');
  });
});

describe('AuthRequest: headers are read-only', () => {
  it('refuses set()', () => {
    const { headers } = make({ a: '1' });
    expect(() => (headers as unknown as Headers).set('a', '2')).toThrow(/read-only/);
    expect(headers.get('a')).toBe('1');
  });

  it('refuses append()', () => {
    const { headers } = make({ a: '1' });
    expect(() => (headers as unknown as Headers).append('authorization', 'Bearer x')).toThrow(/read-only/);
    expect(headers.has('authorization')).toBe(false);
  });

  it('refuses delete()', () => {
    const { headers } = make({ a: '1' });
    expect(() => (headers as unknown as Headers).delete('a')).toThrow(/read-only/);
    expect(headers.has('a')).toBe(true);
  });

  it('refuses new properties, redefinitions and a new prototype', () => {
    const { headers } = make({ a: '1' });
    expect(() => {
      (headers as unknown as Record<string, unknown>).authorization = 'Bearer x';
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(headers, 'get', { value: () => 'forged' })).toThrow(TypeError);
    expect(() => Object.setPrototypeOf(headers, {})).toThrow(TypeError);
    expect(headers.get('a')).toBe('1');
  });

  it('refuses changes to the shared header methods', () => {
    const proto = Object.getPrototypeOf(make().headers) as Record<string, unknown>;
    expect(() => {
      proto.get = () => 'forged';
    }).toThrow(TypeError);
  });

  it('hands out frozen getAll() arrays', () => {
    const { headers } = make({ a: ['1', '2'] });
    const all = headers.getAll('a') as string[];
    expect(() => all.push('3')).toThrow(TypeError);
    expect(headers.getAll('a')).toEqual(['1', '2']);
  });

  it('is a copy: changing the record afterwards has no effect', () => {
    const record: Record<string, string | string[]> = { authorization: 'Bearer a', list: ['1'] };
    const { headers } = make(record);
    record.authorization = 'Bearer b';
    (record.list as string[]).push('2');
    record.extra = 'x';
    expect(headers.get('authorization')).toBe('Bearer a');
    expect(headers.getAll('list')).toEqual(['1']);
    expect(headers.has('extra')).toBe(false);
  });

  it('is a copy: changing the Fetch Headers or pairs afterwards has no effect', () => {
    const fetch = new Headers({ a: '1' });
    const pairs: Array<[string, string]> = [['a', '1']];
    const fromFetch = make(fetch).headers;
    const fromPairs = make(pairs).headers;
    fetch.set('a', '2');
    pairs.push(['a', '2']);
    expect(fromFetch.get('a')).toBe('1');
    expect(fromPairs.getAll('a')).toEqual(['1']);
  });

  it('hands out entries that can be changed without touching the view', () => {
    const { headers } = make({ a: '1' });
    const [entry] = [...headers];
    entry![1] = 'changed';
    expect(headers.get('a')).toBe('1');
  });
});

describe('AuthRequest: duplicate credentials are flagged', () => {
  for (const name of ['authorization', 'proxy-authorization']) {
    it(`flags two ${name} values in a record array`, () => {
      expect(make({ [name]: ['Bearer a', 'Bearer b'] }).hasDuplicateCredentials).toBe(true);
    });

    it(`flags two ${name} record keys that differ only in case`, () => {
      expect(make({ [name]: 'Bearer a', [name.toUpperCase()]: 'Bearer b' }).hasDuplicateCredentials).toBe(true);
    });

    it(`flags two ${name} pairs (rawHeaders form)`, () => {
      expect(make([[name, 'Bearer a'], [name.replace('a', 'A'), 'Bearer b']]).hasDuplicateCredentials).toBe(true);
    });

    it(`flags two ${name} values that a Fetch Headers joined into "Bearer a, Bearer b"`, () => {
      const headers = fetchHeaders([[name, 'Bearer a'], [name, 'Bearer b']]);
      expect(headers.get(name)).toBe('Bearer a, Bearer b');
      expect(make(headers).hasDuplicateCredentials).toBe(true);
    });

    it(`flags two identical ${name} values`, () => {
      expect(make([[name, 'Bearer a'], [name, 'Bearer a']]).hasDuplicateCredentials).toBe(true);
    });

    it(`does not flag one ${name} value`, () => {
      expect(make({ [name]: 'Bearer abc.def-ghi_jkl~' }).hasDuplicateCredentials).toBe(false);
      expect(make({ [name]: ['Basic dXNlcjpwYXNz'] }).hasDuplicateCredentials).toBe(false);
    });
  }

  it('flags joined credentials without a space after the comma', () => {
    expect(make({ authorization: 'Bearer a,Bearer b' }).hasDuplicateCredentials).toBe(true);
  });

  it('flags a joined second value that has a scheme but no credential', () => {
    expect(make({ authorization: 'Basic dXNlcjpwYXNz, Basic' }).hasDuplicateCredentials).toBe(true);
  });

  it('flags a joined second value that is a bare token', () => {
    expect(make({ authorization: 'Bearer a, b' }).hasDuplicateCredentials).toBe(true);
  });

  it('flags a joined value hidden behind an unterminated quoted string', () => {
    expect(make({ authorization: 'Digest realm="x, Bearer b' }).hasDuplicateCredentials).toBe(true);
  });

  it('does not flag one credential whose auth-params are comma-separated (Digest)', () => {
    const digest = 'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", nc=00000001, qop=auth';
    expect(make({ authorization: digest }).hasDuplicateCredentials).toBe(false);
  });

  it('does not flag auth-params with spaces around "=" or empty list elements', () => {
    expect(make({ authorization: 'Custom a = 1 , ,b=2' }).hasDuplicateCredentials).toBe(false);
  });

  it('does not flag a comma inside a quoted auth-param value', () => {
    expect(make({ authorization: 'Digest username="a, Bearer b", realm="r\\", Bearer c"' }).hasDuplicateCredentials).toBe(false);
  });

  it('does not flag one AWS Signature V4 credential', () => {
    const aws =
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';
    expect(make({ authorization: aws }).hasDuplicateCredentials).toBe(false);
  });

  it('does not flag one Authorization and one Proxy-Authorization', () => {
    expect(make({ authorization: 'Bearer a', 'proxy-authorization': 'Basic b' }).hasDuplicateCredentials).toBe(false);
  });

  it('does not flag repeated headers other than the credential ones', () => {
    expect(make({ 'x-api-key': ['a', 'b'], cookie: ['a=1', 'b=2'] }).hasDuplicateCredentials).toBe(false);
  });
});

describe('RequestContext', () => {
  it("defaults to { source: 'http', entrypoint: 'server' }, frozen", () => {
    const context = requestContext();
    expect(context).toEqual({ source: 'http', entrypoint: 'server' });
    expect(Object.isFrozen(context)).toBe(true);
    expect(make().context).toEqual({ source: 'http', entrypoint: 'server' });
  });

  it('keeps every field the adapter sets, frozen', () => {
    const context = requestContext({ source: 'mcp', entrypoint: 'local', requestId: 'r1', tool: 'search', action: 'run' });
    expect(context).toEqual({ source: 'mcp', entrypoint: 'local', requestId: 'r1', tool: 'search', action: 'run' });
    expect(Object.isFrozen(context)).toBe(true);
    expect(() => {
      (context as { source: string }).source = 'http';
    }).toThrow(TypeError);
  });

  it('accepts every documented source and entrypoint', () => {
    for (const source of ['http', 'websocket', 'mcp', 'cli'] as const) {
      for (const entrypoint of ['server', 'local'] as const) expect(requestContext({ source, entrypoint })).toMatchObject({ source, entrypoint });
    }
  });

  it('rejects an unknown source', () => {
    expect(() => requestContext({ source: 'HTTP' as never })).toThrow(/unknown source/);
  });

  it('rejects an unknown entrypoint', () => {
    expect(() => requestContext({ entrypoint: 'remote' as never })).toThrow(/unknown entrypoint/);
  });

  it('rejects a requestId, tool or action that is not a string', () => {
    expect(() => requestContext({ requestId: 1 as never })).toThrow(/requestId must be a string/);
    expect(() => requestContext({ tool: {} as never })).toThrow(/tool must be a string/);
    expect(() => requestContext({ action: [] as never })).toThrow(/action must be a string/);
  });

  it('rejects an init that is not an object', () => {
    expect(() => requestContext(null as never)).toThrow(TypeError);
    expect(() => requestContext('http' as never)).toThrow(TypeError);
  });

  it('copies only the documented fields', () => {
    const context = requestContext({ source: 'cli', admin: true } as Partial<RequestContext>);
    expect(Object.keys(context).sort()).toEqual(['entrypoint', 'source']);
  });

  it('is a copy: changing the init object afterwards has no effect', () => {
    const init: { -readonly [K in keyof RequestContext]?: RequestContext[K] } = { source: 'websocket', requestId: 'a' };
    const req = make(undefined, { context: init });
    init.source = 'cli';
    init.requestId = 'b';
    expect(req.context).toEqual({ source: 'websocket', entrypoint: 'server', requestId: 'a' });
  });

  it('is validated when the AuthRequest is built', () => {
    expect(() => make(undefined, { context: { source: 'ftp' as never } })).toThrow(/unknown source/);
  });
});

describe('AuthRequest: query and cookies', () => {
  it('parses a raw query string, with or without "?"', () => {
    expect(make(undefined, { query: '?token=a&x=1&x=2' }).query.getAll('x')).toEqual(['1', '2']);
    expect(make(undefined, { query: 'token=a%20b' }).query.get('token')).toBe('a b');
  });

  it('reads URLSearchParams and records', () => {
    expect(make(undefined, { query: new URLSearchParams('a=1') }).query.get('a')).toBe('1');
    expect(make(undefined, { query: { a: ['1', '2'], b: '3', c: undefined } }).query.getAll('a')).toEqual(['1', '2']);
  });

  it('keeps query names case-sensitive', () => {
    const { query } = make(undefined, { query: 'Token=a' });
    expect(query.get('Token')).toBe('a');
    expect(query.get('token')).toBeNull();
  });

  it('refuses to change the query', () => {
    const { query } = make(undefined, { query: 'a=1' });
    expect(() => (query as unknown as URLSearchParams).set('a', '2')).toThrow(/read-only/);
    expect(() => (query as unknown as URLSearchParams).delete('a')).toThrow(/read-only/);
  });

  it('parses cookies, unquoting quoted values and keeping repeated names', () => {
    const { cookies } = make({ cookie: ['sid=abc; theme="dark"', 'sid=def'] });
    expect(cookies.getAll('sid')).toEqual(['abc', 'def']);
    expect(cookies.get('theme')).toBe('dark');
  });

  it('skips cookie parts without a name', () => {
    const { cookies } = make({ cookie: '=x; novalue; a=1' });
    expect([...cookies.keys()]).toEqual(['a']);
  });

  it('refuses to change the cookies', () => {
    const { cookies } = make({ cookie: 'a=1' });
    expect(() => (cookies as unknown as Headers).append('a', '2')).toThrow(/read-only/);
  });
});

describe('AuthRequest: signal', () => {
  it('is not aborted on a fresh request', () => {
    expect(make().signal.aborted).toBe(false);
  });

  it('follows the adapter signal when the client goes away', () => {
    const client = new AbortController();
    const req = make(undefined, { signal: client.signal });
    const { signal } = req;
    client.abort('gone');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('gone');
  });

  it('is already aborted when the adapter signal was', () => {
    expect(make(undefined, { signal: AbortSignal.abort('early') }).signal.aborted).toBe(true);
  });

  it('is aborted by the policy giving up', () => {
    const req = make();
    const { signal } = req;
    abortAuthRequest(req, new Error('timed out'));
    expect(signal.aborted).toBe(true);
  });

  it('reads as aborted even when first read after the policy gave up', () => {
    const req = make();
    abortAuthRequest(req, new Error('timed out'));
    expect(req.signal.aborted).toBe(true);
  });
});

describe('AuthRequest: instanceof', () => {
  it('is not claimed by a look-alike object', () => {
    expect({ method: 'GET', path: '/', headers: make().headers } instanceof AuthRequest).toBe(false);
  });

  it('keeps ordinary instanceof for subclasses', () => {
    class TracedRequest extends AuthRequest {}
    expect(new TracedRequest({ method: 'GET', path: '/' }) instanceof AuthRequest).toBe(true);
    expect(make() instanceof TracedRequest).toBe(false);
  });
});

describe('AuthRequest: properties', () => {
  it('looks headers up case-insensitively for any header name', () => {
    fc.assert(
      fc.property(
        headerName.chain((name) => fc.tuple(fc.constant(name), recased(name), recased(name), fc.string())),
        ([name, stored, asked, value]) => {
          for (const input of [{ [stored]: value }, [[stored, value]] as Array<[string, string]>]) {
            const { headers } = make(input);
            expect(headers.get(asked)).toBe(value);
            expect(headers.getAll(asked)).toEqual([value]);
            expect(headers.has(asked)).toBe(true);
            expect([...headers.keys()]).toEqual([name.toLowerCase()]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("AuthRequest: Node's flat rawHeaders list", () => {
  const make = (rawHeaders: readonly string[], headers?: HeadersInput) =>
    new AuthRequest({ method: 'GET', path: '/', rawHeaders, ...(headers === undefined ? {} : { headers }) });

  it('reads names case-insensitively and keeps every value', () => {
    const req = make(['Host', 'example', 'X-Tag', 'a', 'x-tag', 'b']);
    expect(req.headers.get('host')).toBe('example');
    expect(req.headers.getAll('X-TAG')).toEqual(['a', 'b']);
    expect([...req.headers.keys()]).toEqual(['host', 'x-tag']);
  });

  it('flags two Authorization values, which req.headers would have dropped', () => {
    expect(make(['Authorization', 'Bearer a', 'authorization', 'Bearer b']).hasDuplicateCredentials).toBe(true);
    expect(make(['Proxy-Authorization', 'Basic a', 'proxy-authorization', 'Basic b']).hasDuplicateCredentials).toBe(true);
    expect(make(['Authorization', 'Bearer a']).hasDuplicateCredentials).toBe(false);
  });

  it('takes precedence over a headers record given alongside', () => {
    const req = make(['authorization', 'Bearer raw'], { authorization: 'Bearer record' });
    expect(req.headers.get('authorization')).toBe('Bearer raw');
  });

  it.each([
    ['an odd-length list', ['authorization']],
    ['a non-string value', ['authorization', 1 as unknown as string]],
  ])('refuses %s', (_name, rawHeaders) => {
    expect(() => make(rawHeaders as readonly string[])).toThrow(TypeError);
  });

  it('refuses a rawHeaders value that is not an array', () => {
    expect(() => make('authorization: x' as unknown as readonly string[])).toThrow(TypeError);
  });

  it('flags Authorization sent twice in different letter cases, and by one joined value', () => {
    expect(make(['AUTHORIZATION', 'Bearer a', 'Authorization', 'Bearer b']).hasDuplicateCredentials).toBe(true);
    expect(make(['AuThOrIzAtIoN', 'Bearer a, Bearer b']).hasDuplicateCredentials).toBe(true);
  });

  it('does not take a same-length name for Authorization', () => {
    const req = make(['Authorizatiox', 'Bearer a', 'x-uthorization', 'Bearer b']);
    expect(req.headers.get('authorization')).toBeNull();
    expect(req.hasDuplicateCredentials).toBe(false);
  });

  it('keeps its own copy: changing the list afterwards changes nothing', () => {
    const raw = ['Authorization', 'Bearer a'];
    const req = make(raw);
    raw[1] = 'Bearer changed';
    raw.push('authorization', 'Bearer b');
    expect(req.headers.getAll('authorization')).toEqual(['Bearer a']);
    expect(req.hasDuplicateCredentials).toBe(false);
  });
});
