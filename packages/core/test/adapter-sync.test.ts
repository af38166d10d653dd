// AuthStates.authenticateSync: the adapters' synchronous step answers as `authenticate` does, or
// PENDING with nothing remembered.
import { describe, expect, it, vi } from 'vitest';
import { AuthStates, PENDING } from '../src/adapter.js';
import { AuthContext } from '../src/context.js';
import { createAuth, type AuthPolicy } from '../src/policy.js';
import { apiKey } from '../src/providers/api-key/provider.js';
import { AuthRequest, type HeadersInput } from '../src/request.js';

const KEY = 'sk_test_0123456789abcdefABCDEF';

function req(headers: HeadersInput = {}): AuthRequest {
  return new AuthRequest({ method: 'GET', path: '/', headers, context: { source: 'http' } });
}

const states = () => new AuthStates<object>({ adapter: '@auth/test', missing: 'ran without auth' });
const keyPolicy = () => createAuth({ authenticate: apiKey({ keys: [{ key: KEY, subject: 'svc' }] }), logger: false });

describe('AuthStates.authenticateSync', () => {
  it('remembers the caller when the policy decides synchronously', () => {
    const s = states();
    const key = {};
    expect(s.authenticateSync(key, keyPolicy(), req({ 'x-api-key': KEY }), { optional: false })).toBeUndefined();
    expect(s.auth(key)?.subject).toBe('svc');
  });

  it('answers a refusal with the same ErrorResponse as authenticate, remembering nothing', async () => {
    const policy = keyPolicy();
    const cases: Array<[HeadersInput, boolean]> = [
      [{}, false],
      [{ 'x-api-key': 'sk_nope_0123456789abcdefABCDEF' }, false],
      [{ authorization: 'Basic dXNlcjpwYXNz' }, true],
    ];
    for (const [headers, optional] of cases) {
      const s = states();
      const key = {};
      const fast = s.authenticateSync(key, policy, req(headers), { optional });
      expect(fast).not.toBe(PENDING);
      expect(fast).toBeDefined();
      expect(s.auth(key)).toBeNull();
      expect(fast).toEqual(await states().authenticate({}, policy, req(headers), { optional }));
    }
  });

  it('lets an anonymous request through in optional mode', () => {
    const s = states();
    const key = {};
    expect(s.authenticateSync(key, keyPolicy(), req(), { optional: true })).toBeUndefined();
    expect(s.auth(key)).toBeNull();
  });

  it('is PENDING for a route requirement, a hook without a twin, and a policy not made by createAuth', () => {
    const hook = vi.fn(async () => new AuthContext({ subject: 'a' }));
    const plain = createAuth({ authenticate: hook, logger: false });
    const lookalike: AuthPolicy = { ...keyPolicy() };
    const s = states();
    const key = {};
    expect(s.authenticateSync(key, keyPolicy(), req({ 'x-api-key': KEY }), { optional: false, requirement: { roles: ['admin'] } })).toBe(PENDING);
    expect(s.authenticateSync(key, plain, req(), { optional: false })).toBe(PENDING);
    expect(s.authenticateSync(key, lookalike, req({ 'x-api-key': KEY }), { optional: false })).toBe(PENDING);
    expect(hook).not.toHaveBeenCalled();
    expect(s.auth(key)).toBeNull();
  });
});
