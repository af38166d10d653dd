// Scenarios for the built-in providers: the same policy module, built on core's providers instead
// of the hand-written hook, must be answered identically by every adapter.
import { anyOf, apiKey, generateApiKey, jwt, type Authenticate } from '@auth/core';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import { BASIC_SCENARIOS } from './basic-scenarios.js';
import { raw, request, websocket } from './harness.js';
import { INTROSPECTION_SCENARIOS } from './introspection-scenarios.js';
import { expectProblem, withApp, type Scenario } from './scenarios.js';
import { SESSION_SCENARIOS } from './session-scenarios.js';

const SECRET = new TextEncoder().encode('conformance-hs256-secret-of-at-least-32-bytes!');
const OTHER_SECRET = new TextEncoder().encode('another-hs256-secret-that-is-at-least-32-bytes');

function jwtProvider(): Authenticate {
  return jwt({ algorithms: ['HS256'], secret: SECRET, issuer: 'https://issuer.example', audience: 'conformance' });
}

interface Mint {
  readonly sub?: string;
  readonly roles?: string[];
  readonly expiresIn?: number;
  readonly secret?: Uint8Array;
  readonly alg?: 'HS256' | 'HS512';
}

async function mint({ sub = 'alice', roles = ['admin'], expiresIn = 300, secret = SECRET, alg = 'HS256' }: Mint = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer('https://issuer.example')
    .setAudience('conformance')
    .setIssuedAt(now - 10)
    .setExpirationTime(now + expiresIn)
    .sign(secret);
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

// One key per surface, as Cheshire Cat's CCAT_API_KEY and CCAT_API_KEY_WS.
const HTTP_KEY = generateApiKey({ prefix: 'sk_http' }).key;
const WS_KEY = generateApiKey({ prefix: 'sk_ws' }).key;

function apiKeyProvider(): Authenticate {
  return apiKey({
    keys: {
      http: [{ key: HTTP_KEY, subject: 'http-client', roles: ['admin'] }],
      websocket: [{ key: WS_KEY, subject: 'ws-client' }],
    },
    query: true,
  });
}

export const PROVIDER_SCENARIOS: Readonly<Record<string, Scenario>> = {
  'jwt: a valid token reaches the handler, which sees the subject from sub and the roles claim': async (start) => {
    const token = await mint();
    return withApp(start, { policy: { authenticate: jwtProvider() } }, async (app) => {
      const obs = await request(`${app.url}/admin`, { headers: bearer(token) });
      expect(obs).toMatchObject({ status: 200, body: { route: 'admin', subject: 'alice' } });
      const bob = await request(`${app.url}/admin`, { headers: bearer(await mint({ sub: 'bob', roles: ['user'] })) });
      expectProblem(bob, 403, 'forbidden');
      expect(app.hits).toEqual(['admin']);
      return [obs, bob];
    });
  },

  'jwt: an expired token is 401 invalid_token with an RFC 6750 header': async (start) => {
    const token = await mint({ expiresIn: -3600 });
    return withApp(start, { policy: { authenticate: jwtProvider() } }, async (app) => {
      const obs = await request(`${app.url}/private`, { headers: bearer(token) });
      expectProblem(obs, 401, 'invalid_token');
      expect(obs.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
      expect(app.hits).toEqual([]);
      return obs;
    });
  },

  'jwt: a token signed with another key or a disallowed algorithm is 401 invalid_token': async (start) => {
    const forged = await mint({ secret: OTHER_SECRET });
    const wrongAlg = await mint({ alg: 'HS512' });
    const tampered = (await mint({ roles: ['user'] })).split('.');
    const payload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(tampered[1]!, 'base64url').toString()), roles: ['admin'] })).toString('base64url');
    return withApp(start, { policy: { authenticate: jwtProvider() } }, async (app) => {
      const results = [];
      for (const token of [forged, wrongAlg, `${tampered[0]}.${payload}.${tampered[2]}`, 'not.a.jwt']) {
        const obs = await request(`${app.url}/admin`, { headers: bearer(token) });
        expectProblem(obs, 401, 'invalid_token');
        results.push(obs);
      }
      expect(app.hits).toEqual([]);
      return results;
    });
  },

  'jwt: ?token= opens a websocket but is ignored on a plain GET': async (start) => {
    const token = await mint();
    return withApp(start, { policy: { authenticate: jwtProvider() } }, async (app) => {
      const socket = await websocket(app.url, `/ws?token=${token}`);
      expect(socket).toEqual({ opened: true, message: { route: 'ws', subject: 'alice' } });
      const plain = await request(`${app.url}/private?token=${token}`);
      expectProblem(plain, 401, 'unauthorized');
      expect(app.hits).toEqual(['ws']);
      return [socket, plain];
    });
  },

  'jwt: a token sent both in the header and in ?token= on an upgrade is 400 invalid_request': async (start) => {
    const token = await mint();
    return withApp(start, { policy: { authenticate: jwtProvider() } }, async (app) => {
      const socket = await websocket(app.url, `/ws?token=${token}`, bearer(token));
      expect(socket.opened).toBe(false);
      expectProblem(socket.refused!, 400, 'invalid_request');
      const duplicated = await raw(app.url, `GET /private HTTP/1.1\r\nAuthorization: Bearer ${token}\r\nAuthorization: Bearer ${token}`);
      expectProblem(duplicated, 400, 'invalid_request');
      expect(app.hits).toEqual([]);
      return [socket, duplicated];
    });
  },

  'apiKey: a key in x-api-key reaches the handler; an unknown key is 401; a repeated header is 400': (start) =>
    withApp(start, { policy: { authenticate: apiKeyProvider() } }, async (app) => {
      const ok = await request(`${app.url}/admin`, { headers: { 'x-api-key': HTTP_KEY } });
      expect(ok).toMatchObject({ status: 200, body: { route: 'admin', subject: 'http-client' } });
      const unknown = await request(`${app.url}/admin`, { headers: { 'x-api-key': `${HTTP_KEY}x` } });
      expectProblem(unknown, 401, 'invalid_token');
      const repeated = await raw(app.url, `GET /admin HTTP/1.1\r\nX-Api-Key: ${HTTP_KEY}\r\nX-Api-Key: ${HTTP_KEY}`);
      expectProblem(repeated, 400, 'invalid_request');
      expect(app.hits).toEqual(['admin']);
      return [ok, unknown, repeated];
    }),

  'apiKey: ?token= works on websocket upgrades only, with the websocket key set': (start) =>
    withApp(start, { policy: { authenticate: apiKeyProvider() } }, async (app) => {
      const socket = await websocket(app.url, `/ws?token=${WS_KEY}`);
      expect(socket).toEqual({ opened: true, message: { route: 'ws', subject: 'ws-client' } });
      const httpKeyOnSocket = await websocket(app.url, `/ws?token=${HTTP_KEY}`);
      expect(httpKeyOnSocket.opened).toBe(false);
      expectProblem(httpKeyOnSocket.refused!, 401, 'invalid_token');
      const plain = await request(`${app.url}/private?token=${WS_KEY}`);
      expectProblem(plain, 401, 'unauthorized');
      const wsKeyOnHttp = await request(`${app.url}/private`, { headers: { 'x-api-key': WS_KEY } });
      expectProblem(wsKeyOnHttp, 401, 'invalid_token');
      expect(app.hits).toEqual(['ws']);
      return [socket, httpKeyOnSocket, plain, wsKeyOnHttp];
    }),

  'anyOf(jwt, apiKey): either credential works, a bad JWT never falls through, two transports are 400': async (start) => {
    const token = await mint();
    const forged = await mint({ secret: OTHER_SECRET });
    return withApp(start, { policy: { authenticate: anyOf(jwtProvider(), apiKeyProvider()) } }, async (app) => {
      const viaJwt = await request(`${app.url}/private`, { headers: bearer(token) });
      expect(viaJwt).toMatchObject({ status: 200, body: { subject: 'alice' } });
      const viaKey = await request(`${app.url}/private`, { headers: { 'x-api-key': HTTP_KEY } });
      expect(viaKey).toMatchObject({ status: 200, body: { subject: 'http-client' } });
      const bad = await request(`${app.url}/private`, { headers: bearer(forged) });
      expectProblem(bad, 401, 'invalid_token');
      const both = await request(`${app.url}/private`, { headers: { ...bearer(forged), 'x-api-key': HTTP_KEY } });
      expectProblem(both, 400, 'invalid_request');
      expect(app.hits).toEqual(['private', 'private']);
      return [viaJwt, viaKey, bad, both];
    });
  },

  ...SESSION_SCENARIOS,
  ...BASIC_SCENARIOS,
  ...INTROSPECTION_SCENARIOS,
};
