// basic(): RFC 7617 credentials against a users table of scrypt hashes and through a verify
// callback, the Basic challenge on every refusal, strict base64, and the split at the first colon.
import { AuthContext, basic, hashPassword, type Authenticate, type BasicUser } from '@auth/core';
import { expect } from 'vitest';
import { raw, request, type Observation } from './harness.js';
import { expectProblem, withApp, type Scenario } from './scenarios.js';

const REALM = 'conformance';
const CHALLENGE = `Basic realm="${REALM}", charset="UTF-8"`;
const ALICE_PASSWORD = 'correct horse';
// A password holding colons: the credentials are split at the first colon only.
const BOB_PASSWORD = 'pa:ss:word';

// Cheap scrypt (N = 2^8): the scenarios test parsing and answers, not password hashing.
let users: Promise<Readonly<Record<string, BasicUser>>> | undefined;
function basicUsers(): Promise<Readonly<Record<string, BasicUser>>> {
  users ??= (async () => ({
    alice: { passwordHash: await hashPassword(ALICE_PASSWORD, { cost: 8 }), roles: ['admin'] },
    bob: { passwordHash: await hashPassword(BOB_PASSWORD, { cost: 8 }) },
  }))();
  return users;
}

async function basicProvider(): Promise<Authenticate> {
  return basic({ realm: REALM, users: await basicUsers() });
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const credentials = (userPass: string) => ({ authorization: `Basic ${b64(userPass)}` });

/** A 401 invalid_token carrying the Basic challenge. */
function expectChallenge(obs: Observation): void {
  expectProblem(obs, 401, 'invalid_token');
  expect(obs.headers['www-authenticate']).toBe(CHALLENGE);
}

export const BASIC_SCENARIOS: Readonly<Record<string, Scenario>> = {
  'basic: valid credentials reach the handler; a wrong password or unknown user is 401 with the Basic challenge': async (start) =>
    withApp(start, { policy: { authenticate: await basicProvider() } }, async (app) => {
      const ok = await request(`${app.url}/admin`, { headers: credentials(`alice:${ALICE_PASSWORD}`) });
      expect(ok).toMatchObject({ status: 200, body: { route: 'admin', subject: 'alice' } });
      // The scheme is case-insensitive.
      const lower = await request(`${app.url}/private`, { headers: { authorization: `basic ${b64(`alice:${ALICE_PASSWORD}`)}` } });
      expect(lower).toMatchObject({ status: 200, body: { route: 'private', subject: 'alice' } });
      const wrong = await request(`${app.url}/private`, { headers: credentials('alice:correct horsE') });
      expectChallenge(wrong);
      const unknown = await request(`${app.url}/private`, { headers: credentials(`mallory:${ALICE_PASSWORD}`) });
      expectChallenge(unknown);
      // No credentials at all: core's anonymous 401 (whatever challenge core decides, the same everywhere).
      const anonymous = await request(`${app.url}/private`);
      expectProblem(anonymous, 401, 'unauthorized');
      expect(app.hits).toEqual(['admin', 'private']);
      return [ok, lower, wrong, unknown, anonymous];
    }),

  'basic: malformed credentials (bad or url-safe base64, missing padding, no colon, empty user, control characters) are 401 with the challenge': async (start) =>
    withApp(start, { policy: { authenticate: await basicProvider() } }, async (app) => {
      const valid = b64(`alice:${ALICE_PASSWORD}`);
      expect(valid.endsWith('=')).toBe(true);
      const urlSafe = b64('alice:??>');
      expect(urlSafe).toContain('+');
      const headers = [
        'Basic !!!',
        'Basic',
        `Basic ${valid.replace(/=+$/, '')}`,
        `Basic ${urlSafe.replaceAll('+', '-')}`,
        `Basic ${valid.slice(0, 8)} ${valid.slice(8)}`,
        `Basic ${b64(`alice${ALICE_PASSWORD}`)}`,
        `Basic ${b64(`:${ALICE_PASSWORD}`)}`,
        `Basic ${b64(`alice:${ALICE_PASSWORD}\u0001`)}`,
        `Basic ${Buffer.from([0x61, 0x3a, 0xff]).toString('base64')}`,
      ];
      const results = [];
      for (const authorization of headers) {
        const obs = await request(`${app.url}/private`, { headers: { authorization } });
        expectChallenge(obs);
        results.push(obs);
      }
      expect(app.hits).toEqual([]);
      return results;
    }),

  'basic: credentials split at the first colon (users table and verify callback); a repeated header is 400': async (start) => {
    const table = await basicProvider();
    const fromTable = await withApp(start, { policy: { authenticate: table } }, async (app) => {
      const ok = await request(`${app.url}/private`, { headers: credentials(`bob:${BOB_PASSWORD}`) });
      expect(ok).toMatchObject({ status: 200, body: { route: 'private', subject: 'bob' } });
      const results: Observation[] = [ok];
      for (const userPass of ['bob:pa', `bob:${BOB_PASSWORD}:`, `alice:${ALICE_PASSWORD}:`]) {
        const obs = await request(`${app.url}/private`, { headers: credentials(userPass) });
        expectChallenge(obs);
        results.push(obs);
      }
      const { authorization } = credentials(`bob:${BOB_PASSWORD}`);
      const repeated = await raw(app.url, `GET /private HTTP/1.1\r\nAuthorization: ${authorization}\r\nAuthorization: ${authorization}`);
      expectProblem(repeated, 400, 'invalid_request');
      expect(app.hits).toEqual(['private']);
      return [...results, repeated];
    });
    // The same through verify(username, password), which records exactly what core handed it.
    const seen: [string, string][] = [];
    const verify = basic({
      realm: REALM,
      verify: async (username, password) => {
        seen.push([username, password]);
        return username === 'bob' && password === BOB_PASSWORD ? new AuthContext({ subject: username, method: 'basic' }) : null;
      },
    });
    const fromVerify = await withApp(start, { policy: { authenticate: verify } }, async (app) => {
      const ok = await request(`${app.url}/private`, { headers: credentials(`bob:${BOB_PASSWORD}`) });
      expect(ok).toMatchObject({ status: 200, body: { route: 'private', subject: 'bob' } });
      const refused = await request(`${app.url}/private`, { headers: credentials('bob::x') });
      expectChallenge(refused);
      const emptyPassword = await request(`${app.url}/private`, { headers: credentials('bob:') });
      expectChallenge(emptyPassword);
      expect(app.hits).toEqual(['private']);
      return [ok, refused, emptyPassword];
    });
    expect(seen).toEqual([
      ['bob', BOB_PASSWORD],
      ['bob', ':x'],
      ['bob', ''],
    ]);
    return { fromTable, fromVerify, seen };
  },
};
