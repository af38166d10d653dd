import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertPolicy, AuthStates, middlewareOptions, pluginOptions, upgradeOptions, validateProtect } from '../src/adapter.js';
import { AuthContext, AuthRequest, createAuth, HTTPError, ImproperlyConfigured, requirement, type AuthOptions, type AuthPolicy } from '../src/index.js';
import { recordingLogger } from './fixtures/policy.js';

const alice = new AuthContext({ subject: 'alice', roles: ['admin'] });
const bob = new AuthContext({ subject: 'bob', roles: ['user'] });
const callers = new Map([
  ['Bearer alice', alice],
  ['Bearer bob', bob],
]);

// Known bearer values map to a caller; the approval token must be `ok:` + the call's hash.
const policy = (overrides: Partial<AuthOptions> = {}): AuthPolicy =>
  createAuth({
    authenticate: async (req) => callers.get(req.headers.get('authorization') ?? '') ?? null,
    approve: async (r) => r.token === `ok:${r.argumentsHash}`,
    logger: false,
    ...overrides,
  });

const request = (headers: Record<string, string> = {}): AuthRequest => new AuthRequest({ method: 'POST', path: '/transfer', headers });

function configError(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    return (error as Error).message;
  }
  throw new Error('accepted a bad configuration');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('assertPolicy', () => {
  it('accepts what createAuth() returned', () => {
    expect(() => assertPolicy(policy(), 'auth')).not.toThrow();
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'policy'],
    ['an empty object', {}],
    ['an object without respond()', { authenticate: async () => null }],
    ['an object without authenticate()', { respond: () => ({}) }],
  ])('rejects %s, naming the caller', (_name, value) => {
    expect(configError(() => assertPolicy(value, 'auth'))).toBe('auth: expected the policy returned by createAuth()');
  });
});

describe('middlewareOptions', () => {
  it('reads optional, defaulting to false', () => {
    expect(middlewareOptions({}, 'auth')).toEqual({ optional: false });
    expect(middlewareOptions({ optional: true }, 'auth')).toEqual({ optional: true });
    expect(middlewareOptions({ optional: undefined }, 'auth')).toEqual({ optional: false });
  });

  it('rejects a non-boolean optional, naming the option', () => {
    expect(configError(() => middlewareOptions({ optional: 'yes' }, 'auth'))).toBe("auth: option 'optional' must be a boolean");
  });

  it('rejects an unknown option, naming it', () => {
    expect(configError(() => middlewareOptions({ skip: true }, 'auth'))).toBe("auth: options has unknown key(s) 'skip'");
    expect(configError(() => middlewareOptions({ requirement: {} }, 'auth'))).toBe("auth: options has unknown key(s) 'requirement'");
  });

  it.each([[null], ['optional'], [1]])('rejects options that are not an object (%j)', (options) => {
    expect(configError(() => middlewareOptions(options, 'auth'))).toMatch(/^auth: options /);
  });
});

describe('upgradeOptions', () => {
  it('reads optional and compiles the requirement', () => {
    expect(upgradeOptions({}, 'authenticateUpgrade')).toEqual({ optional: false, requirement: undefined });
    const settings = upgradeOptions({ optional: true, requirement: { roles: ['admin'] } }, 'authenticateUpgrade');
    expect(settings.optional).toBe(true);
    expect(settings.requirement).toEqual(requirement({ roles: ['admin'] }));
    expect(Object.isFrozen(settings.requirement)).toBe(true);
  });

  it('rejects a non-boolean optional and an unknown option, naming them', () => {
    expect(configError(() => upgradeOptions({ optional: 1 }, 'upgradeHandler'))).toBe("upgradeHandler: option 'optional' must be a boolean");
    expect(configError(() => upgradeOptions({ require: {} }, 'upgradeHandler'))).toBe("upgradeHandler: options has unknown key(s) 'require'");
  });

  it('rejects a malformed requirement, naming the requirement option at fault', () => {
    expect(configError(() => upgradeOptions({ requirement: { roles: [] } }, 'upgradeHandler'))).toContain("option 'roles'");
    expect(configError(() => upgradeOptions({ requirement: { role: ['admin'] } }, 'upgradeHandler'))).toContain("'role'");
  });
});

describe('pluginOptions', () => {
  it('reads the policy from auth and optional, leaving the framework its own keys', () => {
    const auth = policy();
    expect(pluginOptions({ auth }, 'fastifyAuth')).toEqual({ policy: auth, optional: false });
    expect(pluginOptions({ auth, optional: true, prefix: '/api', logLevel: 'warn' }, 'fastifyAuth')).toEqual({ policy: auth, optional: true });
  });

  it('rejects a missing or wrong auth option, naming it', () => {
    const message = "fastifyAuth: option 'auth' must be the policy returned by createAuth()";
    expect(configError(() => pluginOptions({}, 'fastifyAuth'))).toBe(message);
    expect(configError(() => pluginOptions({ auth: {} }, 'fastifyAuth'))).toBe(message);
  });

  it('rejects a non-boolean optional, naming it', () => {
    expect(configError(() => pluginOptions({ auth: policy(), optional: 'no' }, 'fastifyAuth'))).toBe("fastifyAuth: option 'optional' must be a boolean");
  });

  it('rejects options that are not an object', () => {
    expect(configError(() => pluginOptions(null, 'fastifyAuth'))).toMatch(/^fastifyAuth: options /);
  });
});

describe('validateProtect', () => {
  it('accepts an action name and a function', () => {
    expect(() => validateProtect('transfer', () => ({}))).not.toThrow();
  });

  it.each([[''], [undefined], [42]])('rejects the action %j', (action) => {
    expect(configError(() => validateProtect(action, () => ({})))).toBe('protect: action must be a non-empty string');
  });

  it.each([[undefined], ['body'], [{}]])('rejects the getArgs %j', (getArgs) => {
    expect(configError(() => validateProtect('transfer', getArgs))).toBe('protect: getArgs must be a function');
  });
});

describe('AuthStates', () => {
  const states = () => new AuthStates<object>({ adapter: '@auth/test', missing: 'ran without auth(policy) before it' });

  describe('authenticate', () => {
    it('remembers the caller under the key and resolves undefined', async () => {
      const store = states();
      const key = {};
      expect(await store.authenticate(key, policy(), request({ authorization: 'Bearer alice' }), { optional: false })).toBeUndefined();
      expect(store.auth(key)).toBe(alice);
      expect(store.auth({})).toBeNull();
    });

    it('remembers the caller of a frozen key too (kept aside, not on the key)', async () => {
      const store = states();
      const key = Object.freeze({});
      expect(await store.authenticate(key, policy(), request({ authorization: 'Bearer alice' }), { optional: false })).toBeUndefined();
      expect(store.auth(key)).toBe(alice);
      expect(await store.authenticate(key, policy(), request(), { optional: true })).toBeUndefined();
      expect(store.auth(key)).toBeNull();
    });

    it('keeps the state of two adapters on one key apart, and out of sight of string keys', async () => {
      const one = states();
      const two = states();
      const key: Record<string, unknown> = {};
      await one.authenticate(key, policy(), request({ authorization: 'Bearer alice' }), { optional: false });
      expect(one.auth(key)).toBe(alice);
      expect(two.auth(key)).toBeNull();
      expect(Object.keys(key)).toEqual([]);
      expect(JSON.stringify(key)).toBe('{}');
    });

    it('lets the anonymous through when optional, with a null caller', async () => {
      const store = states();
      const key = {};
      expect(await store.authenticate(key, policy(), request(), { optional: true })).toBeUndefined();
      expect(store.auth(key)).toBeNull();
      expect(await store.authorize(key, requirement())).toMatchObject({ status: 401 });
    });

    it("resolves the policy's 401 for the anonymous, remembering nothing", async () => {
      const store = states();
      const key = {};
      const refusal = await store.authenticate(key, policy({ errorResponse: (e) => ({ body: { oops: e.code } }) }), request(), { optional: false });
      expect(refusal).toMatchObject({ status: 401, body: '{"oops":"unauthorized"}' });
      expect(store.auth(key)).toBeNull();
    });

    it('checks a requirement after authenticating: 403 for those short of it, remembering nothing', async () => {
      const store = states();
      const key = {};
      const need = { roles: ['admin'] };
      expect(await store.authenticate(key, policy(), request({ authorization: 'Bearer bob' }), { optional: false, requirement: need })).toMatchObject({ status: 403 });
      expect(store.auth(key)).toBeNull();
      expect(await store.authenticate(key, policy(), request({ authorization: 'Bearer alice' }), { optional: false, requirement: need })).toBeUndefined();
      expect(store.auth(key)).toBe(alice);
    });

    it('answers a malformed requirement met only on a request with a generic 500, and says why on the console', async () => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      const refusal = await states().authenticate({}, policy(), request({ authorization: 'Bearer alice' }), { optional: false, requirement: { roles: [] } });
      expect(refusal).toMatchObject({ status: 500 });
      expect(JSON.parse(refusal!.body)).toMatchObject({ code: 'internal_error', detail: 'Internal Server Error' });
      expect(error).toHaveBeenCalledTimes(1);
      expect(error).toHaveBeenCalledWith(expect.stringMatching(/^\[@auth\/test\] requireAuth: option 'roles'/));
    });
  });

  describe('authorize', () => {
    it('resolves undefined when allowed and the 403 when not', async () => {
      const store = states();
      const key = {};
      await store.authenticate(key, policy(), request({ authorization: 'Bearer bob' }), { optional: false });
      expect(await store.authorize(key, requirement({ roles: ['user'] }))).toBeUndefined();
      expect(await store.authorize(key, requirement({ roles: ['admin'] }))).toMatchObject({ status: 403 });
    });

    it('fails closed with a generic 500 on a request it did not authenticate, naming the guard on the console', async () => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      const refusal = await states().authorize({}, requirement());
      expect(refusal?.status).toBe(500);
      expect(JSON.parse(refusal!.body)).toMatchObject({ code: 'internal_error' });
      expect(error).toHaveBeenCalledWith('[@auth/test] requireAuth ran without auth(policy) before it; the request is refused');
    });
  });

  describe('approve', () => {
    async function authenticated(auth: AuthPolicy, headers: Record<string, string> = {}) {
      const store = states();
      const key = {};
      await store.authenticate(key, auth, request({ authorization: 'Bearer alice', ...headers }), { optional: false });
      return { store, key };
    }

    it('reads the arguments and resolves the 409 without a token, undefined with the right one', async () => {
      const auth = policy();
      const { store, key } = await authenticated(auth);
      const getArgs = vi.fn(async () => ({ amount: 10 }));
      const required = await store.approve(key, 'transfer', getArgs);
      expect(required).toMatchObject({ status: 409 });
      const { argumentsHash } = JSON.parse(required!.body) as { argumentsHash: string };
      const approved = await authenticated(auth, { 'x-approval-token': `ok:${argumentsHash}` });
      expect(await approved.store.approve(approved.key, 'transfer', getArgs)).toBeUndefined();
      expect(getArgs).toHaveBeenCalledTimes(2);
    });

    it('answers a getArgs that throws with its HTTPError status, or a generic 500 that leaks nothing', async () => {
      const { store, key } = await authenticated(policy());
      expect(await store.approve(key, 'transfer', () => Promise.reject(new HTTPError('bad body', { status: 400 })))).toMatchObject({ status: 400 });
      const refusal = await store.approve(key, 'transfer', () => {
        throw new Error('db password hunter2');
      });
      expect(refusal?.status).toBe(500);
      expect(refusal?.body).not.toContain('hunter2');
    });

    it('without an approve hook: a generic 500 in the policy envelope, one message through the policy logger, and getArgs never read', async () => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      const logger = recordingLogger();
      const auth = createAuth({ authenticate: async () => alice, logger, errorResponse: (e) => ({ body: { oops: e.code } }) });
      const { store, key } = await authenticated(auth, { 'x-approval-token': 'apv_secret_token' });
      const getArgs = vi.fn(() => ({}));
      const refusal = await store.approve(key, 'transfer', getArgs);
      expect(refusal).toMatchObject({ status: 500, body: '{"oops":"internal_error"}' });
      expect(getArgs).not.toHaveBeenCalled();
      expect(logger.calls).toHaveLength(1);
      expect(logger.calls[0]).toMatchObject({ level: 'error', message: expect.stringContaining('action "transfer" refused'), fields: { action: 'transfer' } });
      expect(logger.text()).not.toContain('apv_secret_token');
      expect(error).not.toHaveBeenCalled();
    });

    it('fails closed with a generic 500 on a request it did not authenticate, naming the action on the console', async () => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      const getArgs = vi.fn(() => ({}));
      const refusal = await states().approve({}, 'transfer', getArgs);
      expect(refusal?.status).toBe(500);
      expect(getArgs).not.toHaveBeenCalled();
      expect(error).toHaveBeenCalledWith('[@auth/test] protect("transfer") ran without auth(policy) before it; the request is refused');
    });
  });
});
