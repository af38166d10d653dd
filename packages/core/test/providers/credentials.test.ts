import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidRequest, InvalidToken } from '../../src/errors.js';
import {
  assertSingleTransport,
  authorizationHeader,
  bearerToken,
  declareTransports,
  DEFAULT_TRANSPORTS,
  presentTransports,
  queryToken,
  singleHeader,
  transportsOf,
} from '../../src/providers/credentials.js';
import { AuthRequest, type HeadersInput, type RequestSource } from '../../src/request.js';

function req(headers: HeadersInput = {}, query = '', source: RequestSource = 'http'): AuthRequest {
  return new AuthRequest({ method: 'GET', path: '/', headers, query, context: { source } });
}

describe('authorizationHeader', () => {
  it('returns null when absent', () => {
    expect(authorizationHeader(req())).toBeNull();
  });

  it('lowercases the scheme and trims the credentials', () => {
    expect(authorizationHeader(req({ authorization: 'BeArEr   abc  ' }))).toEqual({ scheme: 'bearer', credentials: 'abc' });
  });

  it('rejects a header without a valid scheme as an invalid token', () => {
    expect(() => authorizationHeader(req({ authorization: '(bad) x' }))).toThrow(InvalidToken);
  });
});

describe('bearerToken', () => {
  it('reads Authorization: Bearer', () => {
    expect(bearerToken(req({ authorization: 'Bearer abc.def' }))).toBe('abc.def');
  });

  it('returns null for another scheme', () => {
    expect(bearerToken(req({ authorization: 'Basic dTpw' }))).toBeNull();
  });

  it('rejects a malformed bearer token', () => {
    expect(() => bearerToken(req({ authorization: 'Bearer a b' }))).toThrow(InvalidToken);
  });

  it('ignores ?token= on plain HTTP', () => {
    expect(bearerToken(req({}, 'token=abc'))).toBeNull();
  });

  it('reads ?token= on a WebSocket upgrade', () => {
    expect(bearerToken(req({}, 'token=abc', 'websocket'))).toBe('abc');
  });

  it('reads ?token= on HTTP when allowed', () => {
    expect(bearerToken(req({}, 'token=abc'), { allowQueryOnHttp: true })).toBe('abc');
  });

  it('rejects a token sent by header and query (RFC 6750 §2)', () => {
    expect(() => bearerToken(req({ authorization: 'Bearer abc' }, 'token=abc', 'websocket'))).toThrow(InvalidRequest);
  });

  it('rejects a query token alongside another Authorization scheme', () => {
    expect(() => bearerToken(req({ authorization: 'Basic dTpw' }, 'token=abc', 'websocket'))).toThrow(InvalidRequest);
  });
});

describe('queryToken', () => {
  it('uses a custom parameter name', () => {
    expect(queryToken(req({}, 'access_token=abc', 'websocket'), { queryParam: 'access_token' })).toBe('abc');
  });

  it('rejects a repeated parameter', () => {
    expect(() => queryToken(req({}, 'token=a&token=b', 'websocket'))).toThrow(InvalidRequest);
  });

  it('rejects a malformed token', () => {
    expect(() => queryToken(req({}, 'token=a%20b', 'websocket'))).toThrow(InvalidToken);
  });
});

describe('singleHeader', () => {
  it('returns the one value', () => {
    expect(singleHeader(req({ 'x-api-key': 'k' }), 'X-Api-Key')).toBe('k');
  });

  it('returns null when absent', () => {
    expect(singleHeader(req(), 'x-api-key')).toBeNull();
  });

  it('rejects a repeated header', () => {
    expect(() => singleHeader(req([['x-api-key', 'a'], ['x-api-key', 'b']]), 'x-api-key')).toThrow(InvalidRequest);
  });
});

describe('credential transports', () => {
  it('records and reads back the transports of a hook', () => {
    const hook = declareTransports(async () => null, [{ header: 'X-Api-Key' }, { query: 'key', onHttp: true }]);
    expect(transportsOf(hook)).toEqual([{ header: 'x-api-key' }, { query: 'key', onHttp: true }]);
  });

  it('reports no transports for an undeclared hook', () => {
    expect(transportsOf(async () => null)).toEqual([]);
  });

  it('counts a query parameter only on WebSocket upgrades unless onHttp', () => {
    expect(presentTransports(req({}, 'token=a'), DEFAULT_TRANSPORTS)).toEqual([]);
    expect(presentTransports(req({}, 'token=a', 'websocket'), DEFAULT_TRANSPORTS)).toEqual(['query token']);
    expect(presentTransports(req({}, 'k=a'), [{ query: 'k', onHttp: true }])).toEqual(['query k']);
  });

  it('accepts a single transport', () => {
    expect(() => assertSingleTransport(req({ authorization: 'Bearer a' }), [...DEFAULT_TRANSPORTS, { header: 'x-api-key' }])).not.toThrow();
  });

  it('rejects two headers with 400', () => {
    expect(() => assertSingleTransport(req({ authorization: 'Bearer a', 'x-api-key': 'k' }), [...DEFAULT_TRANSPORTS, { header: 'x-api-key' }])).toThrow(InvalidRequest);
  });

  it('rejects header and WebSocket query with 400', () => {
    expect(() => assertSingleTransport(req({ authorization: 'Bearer a' }, 'token=b', 'websocket'), DEFAULT_TRANSPORTS)).toThrow(InvalidRequest);
  });

  it('does not count a transport listed twice', () => {
    expect(() => assertSingleTransport(req({ authorization: 'Bearer a' }), [...DEFAULT_TRANSPORTS, { header: 'authorization' }])).not.toThrow();
  });
});

// The hand-written scanners against the regular expressions they replaced, on hostile input.
describe('authorizationHeader and bearerToken: same answers as the reference grammar', () => {
  const SCHEME = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: +(.*))?$/s;
  const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
  const reference = (raw: string): { scheme: string; credentials: string } | 'invalid' => {
    const match = SCHEME.exec(raw.trim());
    return match === null ? 'invalid' : { scheme: match[1]!.toLowerCase(), credentials: (match[2] ?? '').trim() };
  };
  const outcome = (run: () => unknown): unknown => {
    try {
      return run();
    } catch (error) {
      return error instanceof InvalidToken ? 'invalid' : error;
    }
  };
  const chars = fc.constantFrom(...'Bb eEaArR \t\n=+/-._~,"()\\:;@é\u00a0\u2028xyz019'.split(''));
  const header = fc.oneof(
    fc.string({ unit: chars, maxLength: 24 }),
    fc.tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Be@rer', ''), fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 }), fc.string({ unit: chars, maxLength: 20 })).map(([a, b, c]) => a + b + c),
  );

  it('parses every header as the reference does', () => {
    fc.assert(
      fc.property(header, (raw) => {
        expect(outcome(() => authorizationHeader(req({ authorization: raw })))).toEqual(reference(raw));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts exactly the b64token bearer credentials', () => {
    fc.assert(
      fc.property(header, (raw) => {
        const parsed = reference(raw);
        const expected = parsed === 'invalid' ? 'invalid' : parsed.scheme !== 'bearer' ? null : B64TOKEN.test(parsed.credentials) ? parsed.credentials : 'invalid';
        expect(outcome(() => bearerToken(req({ authorization: raw })))).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
