// session(): signed cookies, rotation through a fallback secret (the handler sends resignCookie's
// Set-Cookie through its framework's own header API), a repeated cookie name and expiry.
import { session, SignedCookieSigner, type SessionData, type SessionProvider } from '@auth/core';
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import { raw, request, type AppFactory, type Observation, type RunningApp } from './harness.js';
import { expectProblem, withApp, type Scenario } from './scenarios.js';

const CURRENT = 'conformance-session-secret-current-0123456789';
const RETIRED = 'conformance-session-secret-retired-0123456789';
const UNKNOWN = 'conformance-session-secret-unknown-0123456789';
// session()'s default salt and cookie name.
const SALT = 'auth.session';
const NAME = '__Host-session';
const MAX_AGE = 3600;
const ATTRIBUTES = `Max-Age=${MAX_AGE}; Path=/; HttpOnly; Secure; SameSite=Lax`;

const ALICE: SessionData = { sub: 'alice', roles: ['admin'] };
const BOB: SessionData = { sub: 'bob', roles: ['user'] };

/** The provider under test: the current secret signs, the retired one still verifies. */
function sessions(): SessionProvider {
  return session({ secret: CURRENT, fallbackSecrets: [RETIRED], maxAge: MAX_AGE });
}

/** What a server that only knew `secret` would have issued (same salt, name and lifetime). */
function issuedWith(secret: string, data: SessionData): string {
  return session({ secret, maxAge: MAX_AGE }).issue(data);
}

/** The `name=value` pair of a Set-Cookie value, as a browser sends it back. */
function pair(setCookie: string): string {
  return setCookie.split(';')[0]!;
}

/**
 * A timed cookie value signed by hand at `issuedAt`, per SignedCookieSigner's documented wire
 * format: `base64url(value) '.' issuedAt '.' base64url(HMAC-SHA256(secret, salt ':' payload))`.
 * Lets a scenario send an old cookie without faking the clock of servers that run for real.
 */
function signedAt(secret: string, value: string, issuedAt: number): string {
  const payload = `${Buffer.from(value, 'utf8').toString('base64url')}.${issuedAt}`;
  return `${payload}.${createHmac('sha256', secret).update(`${SALT}:${payload}`).digest('base64url')}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function withSessions<T>(run: (app: RunningApp, provider: SessionProvider) => Promise<T>): (start: AppFactory) => Promise<T> {
  return (start) => {
    const provider = sessions();
    // Every handler offers the re-signed cookie, so "no Set-Cookie" is asserted wherever it is absent.
    return withApp(start, { policy: { authenticate: provider }, app: { setCookie: (auth) => provider.resignCookie(auth) } }, (app) => run(app, provider));
  };
}

/**
 * Checks a re-signed Set-Cookie (current secret, fresh signing time, same attributes as issue())
 * and returns the observation with its signature replaced by what it verified to, so adapters
 * that answered in different seconds still compare equal.
 */
function expectResigned(obs: Observation, data: SessionData, signedFrom: number, signedBy: number): Observation {
  const header = obs.headers['set-cookie'];
  expect(header).toBeDefined();
  const [nameValue, ...attributes] = header!.split('; ');
  expect(attributes.join('; ')).toBe(ATTRIBUTES);
  const eq = nameValue!.indexOf('=');
  expect(nameValue!.slice(0, eq)).toBe(NAME);
  const value = nameValue!.slice(eq + 1);
  const current = new SignedCookieSigner(CURRENT, { salt: SALT, maxAge: MAX_AGE }).verifyDetailed(value);
  expect(current).not.toBeNull();
  expect(current!.fallback).toBe(false);
  expect(JSON.parse(current!.value)).toEqual(data);
  expect(current!.issuedAt).toBeGreaterThanOrEqual(signedFrom);
  expect(current!.issuedAt).toBeLessThanOrEqual(signedBy);
  expect(new SignedCookieSigner(RETIRED, { salt: SALT, maxAge: MAX_AGE }).verify(value)).toBeNull();
  return { ...obs, headers: { ...obs.headers, 'set-cookie': `${NAME}=<signed with the current secret: ${current!.value}>; ${ATTRIBUTES}` } };
}

export const SESSION_SCENARIOS: Readonly<Record<string, Scenario>> = {
  'session: a valid signed cookie reaches the handler with its subject and roles, and nothing is re-signed': withSessions(async (app, provider) => {
    const alice = pair(provider.issue(ALICE));
    const ok = await request(`${app.url}/admin`, { headers: { cookie: alice } });
    expect(ok).toMatchObject({ status: 200, body: { route: 'admin', subject: 'alice' } });
    expect(ok.headers['set-cookie']).toBeUndefined();
    const withOthers = await request(`${app.url}/private`, { headers: { cookie: `theme=dark; ${alice}; lang=en` } });
    expect(withOthers).toMatchObject({ status: 200, body: { route: 'private', subject: 'alice' } });
    const bob = await request(`${app.url}/admin`, { headers: { cookie: pair(provider.issue(BOB)) } });
    expectProblem(bob, 403, 'forbidden');
    const none = await request(`${app.url}/private`, { headers: { cookie: 'theme=dark' } });
    expectProblem(none, 401, 'unauthorized');
    expect(app.hits).toEqual(['admin', 'private']);
    return [ok, withOthers, bob, none];
  }),

  'session: a tampered, foreign, wrongly salted or empty cookie is 401 invalid_token and sets no cookie': withSessions(async (app, provider) => {
    const issued = pair(provider.issue(BOB)).slice(NAME.length + 1);
    const [payload, issuedAt, mac] = issued.split('.') as [string, string, string];
    const flipped = `${payload}.${issuedAt}.${mac.slice(0, -2)}${mac.at(-2) === 'A' ? 'B' : 'A'}${mac.at(-1)}`;
    const escalated = `${Buffer.from(JSON.stringify(ALICE)).toString('base64url')}.${issuedAt}.${mac}`;
    const cookies = [
      `${NAME}=${flipped}`,
      `${NAME}=${escalated}`,
      pair(issuedWith(UNKNOWN, ALICE)),
      pair(session({ secret: CURRENT, salt: 'another.purpose', maxAge: MAX_AGE }).issue(ALICE)),
      `${NAME}=not-a-signed-value`,
      `${NAME}=`,
    ];
    const results = [];
    for (const cookie of cookies) {
      const obs = await request(`${app.url}/private`, { headers: { cookie } });
      expectProblem(obs, 401, 'invalid_token');
      expect(obs.headers['set-cookie']).toBeUndefined();
      results.push(obs);
    }
    expect(app.hits).toEqual([]);
    return results;
  }),

  'session: a cookie signed with the fallback secret is 200 and the handler sends an identical re-signed cookie': withSessions(async (app) => {
    const before = nowSeconds();
    const old = await request(`${app.url}/admin`, { headers: { cookie: pair(issuedWith(RETIRED, ALICE)) } });
    const after = nowSeconds();
    expect(old).toMatchObject({ status: 200, body: { route: 'admin', subject: 'alice' } });
    const resigned = expectResigned(old, ALICE, before, after);
    // The browser sends the re-signed cookie back: accepted, and nothing left to re-sign.
    const again = await request(`${app.url}/admin`, { headers: { cookie: pair(old.headers['set-cookie']!) } });
    expect(again).toMatchObject({ status: 200, body: { route: 'admin', subject: 'alice' } });
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(app.hits).toEqual(['admin', 'admin']);
    return [resigned, again];
  }),

  'session: the session cookie name sent twice is 400 invalid_request, in one Cookie header or two': withSessions(async (app, provider) => {
    const alice = pair(provider.issue(ALICE));
    const bob = pair(provider.issue(BOB));
    const same = await request(`${app.url}/private`, { headers: { cookie: `${alice}; ${alice}` } });
    expectProblem(same, 400, 'invalid_request');
    const different = await request(`${app.url}/private`, { headers: { cookie: `${bob}; theme=dark; ${alice}` } });
    expectProblem(different, 400, 'invalid_request');
    const twoHeaders = await raw(app.url, `GET /private HTTP/1.1\r\nCookie: ${bob}\r\nCookie: ${alice}`);
    expectProblem(twoHeaders, 400, 'invalid_request');
    for (const obs of [same, different, twoHeaders]) expect(obs.headers['set-cookie']).toBeUndefined();
    expect(app.hits).toEqual([]);
    return [same, different, twoHeaders];
  }),

  'session: a cookie signed longer ago than maxAge (or in the future, or untimed) is 401; one signed now is 200': withSessions(async (app) => {
    const value = JSON.stringify(ALICE);
    const now = nowSeconds();
    // The hand-made format is right: signed now, it is accepted.
    const fresh = await request(`${app.url}/private`, { headers: { cookie: `${NAME}=${signedAt(CURRENT, value, now)}` } });
    expect(fresh).toMatchObject({ status: 200, body: { route: 'private', subject: 'alice' } });
    const untimed = signedAt(CURRENT, value, now).split('.');
    const refused = [
      signedAt(CURRENT, value, now - MAX_AGE - 60),
      signedAt(RETIRED, value, now - MAX_AGE - 60),
      signedAt(CURRENT, value, now + 3600),
      `${untimed[0]}.${createHmac('sha256', CURRENT).update(`${SALT}:${untimed[0]}`).digest('base64url')}`,
    ];
    const results: Observation[] = [fresh];
    for (const signed of refused) {
      const obs = await request(`${app.url}/private`, { headers: { cookie: `${NAME}=${signed}` } });
      expectProblem(obs, 401, 'invalid_token');
      expect(obs.headers['set-cookie']).toBeUndefined();
      results.push(obs);
    }
    expect(app.hits).toEqual(['private']);
    return results;
  }),
};
