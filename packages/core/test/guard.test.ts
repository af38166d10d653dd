import { describe, expect, it, vi } from 'vitest';
import {
  AuthContext,
  AuthRequest,
  createAuth,
  Forbidden,
  HTTPError,
  ImproperlyConfigured,
  InternalError,
  permits,
  requirement,
  ServiceUnavailable,
  Unauthorized,
  type AuthContextInit,
  type AuthOptions,
  type Requirement,
} from '../src/index.js';
import { outcome } from './fixtures/policy.js';

const req = new AuthRequest({ method: 'GET', path: '/admin' });
const who = (init: Omit<AuthContextInit, 'subject'> = {}): AuthContext => new AuthContext({ subject: 'user_1', ...init });

function guard(options: Omit<AuthOptions, 'authenticate'> = {}) {
  const policy = createAuth({ authenticate: async () => null, logger: false, ...options });
  return {
    policy,
    allows: async (auth: AuthContext | null, need?: Requirement): Promise<boolean> => {
      const { error } = await outcome(policy.authorize(auth, need, req));
      if (error === undefined) return true;
      if (error instanceof Forbidden) return false;
      throw error;
    },
    error: async (auth: AuthContext | null, need?: Requirement): Promise<HTTPError> => {
      const { error } = await outcome(policy.authorize(auth, need, req));
      expect(error).toBeInstanceOf(HTTPError);
      return error as HTTPError;
    },
  };
}

describe('guards: who is asking', () => {
  it('answers 401 unauthorized to the anonymous, with WWW-Authenticate', async () => {
    const { error, policy } = guard();
    const e = await error(null, { roles: ['admin'] });
    expect(e).toBeInstanceOf(Unauthorized);
    expect(policy.respond(e)).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
  });

  it('answers 401 to the anonymous even with no requirement', async () => {
    expect((await guard().error(null)).status).toBe(401);
  });

  it('answers 401 to undefined', async () => {
    expect((await guard().error(undefined as never)).status).toBe(401);
  });

  it('answers 401 to a look-alike object that carries roles and permissions', async () => {
    const forged = { subject: 'x', roles: ['admin'], permissions: ['*'], scopes: [], metadata: {} } as unknown as AuthContext;
    expect((await guard().error(forged, { roles: ['admin'] })).status).toBe(401);
    expect((await guard().error(forged)).status).toBe(401);
  });

  it('lets any authenticated caller through when nothing more is required', async () => {
    expect(await guard().allows(who())).toBe(true);
    expect(await guard().allows(who(), {})).toBe(true);
  });

  it('answers 403 forbidden without the required or granted lists in the response', async () => {
    const { error, policy } = guard({ rolePermissions: { intern: ['coffee:make'] } });
    const e = await error(who({ roles: ['intern-role', 'intern'], permissions: ['wiki:read'], scopes: ['openid'] }), {
      roles: ['top-secret-role'],
    });
    expect(e).toBeInstanceOf(Forbidden);
    const response = policy.respond(e);
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: 'You are not allowed to perform this action.',
      code: 'forbidden',
    });
    for (const name of ['top-secret-role', 'intern', 'wiki:read', 'coffee:make', 'openid']) expect(JSON.stringify(response)).not.toContain(name);
  });
});

describe('guards: roles, scopes and permissions', () => {
  it('roles: any one of them is enough', async () => {
    const { allows } = guard();
    expect(await allows(who({ roles: ['editor'] }), { roles: ['admin', 'editor'] })).toBe(true);
    expect(await allows(who({ roles: ['viewer'] }), { roles: ['admin', 'editor'] })).toBe(false);
    expect(await allows(who(), { roles: ['admin'] })).toBe(false);
  });

  it('allRoles: every one is needed', async () => {
    const { allows } = guard();
    expect(await allows(who({ roles: ['a', 'b', 'c'] }), { allRoles: ['a', 'b'] })).toBe(true);
    expect(await allows(who({ roles: ['a'] }), { allRoles: ['a', 'b'] })).toBe(false);
  });

  it('roles and allRoles together must both hold', async () => {
    const { allows } = guard();
    expect(await allows(who({ roles: ['x', 'a'] }), { roles: ['x', 'y'], allRoles: ['a'] })).toBe(true);
    expect(await allows(who({ roles: ['a'] }), { roles: ['x', 'y'], allRoles: ['a'] })).toBe(false);
  });

  it('scopes: every one is needed', async () => {
    const { allows } = guard();
    expect(await allows(who({ scopes: ['read', 'write'] }), { scopes: ['read', 'write'] })).toBe(true);
    expect(await allows(who({ scopes: ['read'] }), { scopes: ['read', 'write'] })).toBe(false);
  });

  it('roles are matched exactly, case included', async () => {
    expect(await guard().allows(who({ roles: ['Admin'] }), { roles: ['admin'] })).toBe(false);
  });

  it('permissions: every one is needed, granted directly', async () => {
    const { allows } = guard();
    expect(await allows(who({ permissions: ['doc:read', 'doc:write'] }), { permissions: ['doc:read', 'doc:write'] })).toBe(true);
    expect(await allows(who({ permissions: ['doc:read'] }), { permissions: ['doc:read', 'doc:write'] })).toBe(false);
  });

  it("permissions: '*' grants every permission", async () => {
    const { allows } = guard();
    expect(await allows(who({ permissions: ['*'] }), { permissions: ['doc:delete', 'user:ban', 'doc:*', '*'] })).toBe(true);
  });

  it("permissions: 'resource:*' grants every action on that resource only", async () => {
    const { allows } = guard();
    const auth = who({ permissions: ['doc:*'] });
    expect(await allows(auth, { permissions: ['doc:read', 'doc:delete', 'doc:*'] })).toBe(true);
    expect(await allows(auth, { permissions: ['user:read'] })).toBe(false);
    expect(await allows(auth, { permissions: ['docs:read'] })).toBe(false);
    expect(await allows(auth, { permissions: ['*'] })).toBe(false);
  });

  it("permissions: a specific grant does not satisfy 'resource:*'", async () => {
    expect(await guard().allows(who({ permissions: ['doc:read'] }), { permissions: ['doc:*'] })).toBe(false);
  });

  it('permissions: granted through the role → permission map', async () => {
    const { allows } = guard({ rolePermissions: { editor: ['doc:read', 'doc:write'], admin: ['*'] } });
    expect(await allows(who({ roles: ['editor'] }), { permissions: ['doc:write'] })).toBe(true);
    expect(await allows(who({ roles: ['editor'] }), { permissions: ['doc:delete'] })).toBe(false);
    expect(await allows(who({ roles: ['admin'] }), { permissions: ['doc:delete'] })).toBe(true);
    expect(await allows(who({ roles: ['viewer'] }), { permissions: ['doc:read'] })).toBe(false);
  });

  it('permissions: may come partly from roles and partly direct', async () => {
    const { allows } = guard({ rolePermissions: { editor: ['doc:write'] } });
    expect(await allows(who({ roles: ['editor'], permissions: ['doc:read'] }), { permissions: ['doc:read', 'doc:write'] })).toBe(true);
  });

  it("permissions: Cheshire Cat's matrix { MEMORY: ['READ', 'LIST'] }", async () => {
    const { allows } = guard({ rolePermissions: { reader: { MEMORY: ['READ', 'LIST'], CONVERSATION: ['READ'] } } });
    const reader = who({ roles: ['reader'] });
    expect(await allows(reader, { permissions: ['MEMORY:READ', 'MEMORY:LIST', 'CONVERSATION:READ'] })).toBe(true);
    expect(await allows(reader, { permissions: ['MEMORY:DELETE'] })).toBe(false);
    expect(await allows(reader, { permissions: ['memory:read'] })).toBe(false);
  });

  it("permissions: a matrix wildcard action { PLUGIN: ['*'] }", async () => {
    const { allows } = guard({ rolePermissions: { admin: { PLUGIN: ['*'] } } });
    expect(await allows(who({ roles: ['admin'] }), { permissions: ['PLUGIN:INSTALL'] })).toBe(true);
    expect(await allows(who({ roles: ['admin'] }), { permissions: ['MEMORY:READ'] })).toBe(false);
  });

  it('superuserRole passes every requirement', async () => {
    const check = vi.fn(() => false);
    const { allows } = guard({ superuserRole: 'root' });
    const root = who({ roles: ['root'] });
    expect(await allows(root, { roles: ['admin'], allRoles: ['a', 'b'], scopes: ['s'], permissions: ['doc:delete'], check })).toBe(true);
  });

  it('a role named like the superuser grants nothing when no superuserRole is configured', async () => {
    expect(await guard().allows(who({ roles: ['root', 'superuser'] }), { permissions: ['doc:read'] })).toBe(false);
  });
});

describe('guards: prototype names grant nothing', () => {
  const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

  it('as roles, they find no permissions in the role map', async () => {
    const { allows } = guard({ rolePermissions: { editor: ['doc:read'] } });
    expect(await allows(who({ roles: names }), { permissions: ['doc:read'] })).toBe(false);
  });

  it('as roles, they find no permissions when there is no role map', async () => {
    expect(await guard().allows(who({ roles: names }), { permissions: ['doc:read'] })).toBe(false);
  });

  it('as roles, they do not satisfy a role requirement they were not granted', async () => {
    for (const name of names) expect(await guard().allows(who({ roles: ['user'] }), { roles: [name] })).toBe(false);
  });

  it('as granted permissions, they satisfy no requirement', async () => {
    expect(await guard().allows(who({ permissions: names }), { permissions: ['doc:read'] })).toBe(false);
  });

  it('as the superuser role name, they make nobody a superuser', async () => {
    for (const name of names) {
      expect(await guard({ superuserRole: 'root' }).allows(who({ roles: [name] }), { roles: ['admin'] })).toBe(false);
    }
  });

  it('grant only what an own "__proto__" key explicitly configures (JSON config)', async () => {
    const rolePermissions = JSON.parse('{"__proto__":["doc:read"]}') as Record<string, string[]>;
    const { allows } = guard({ rolePermissions });
    expect(await allows(who({ roles: ['__proto__'] }), { permissions: ['doc:read'] })).toBe(true);
    expect(await allows(who({ roles: ['__proto__'] }), { permissions: ['doc:write'] })).toBe(false);
    expect(await allows(who({ roles: ['constructor'] }), { permissions: ['doc:read'] })).toBe(false);
  });

  it('grant nothing through an inherited key of the role map', async () => {
    const rolePermissions = Object.create({ inherited: ['doc:read'] }) as Record<string, string[]>;
    rolePermissions.own = ['doc:write'];
    const { allows } = guard({ rolePermissions });
    expect(await allows(who({ roles: ['inherited'] }), { permissions: ['doc:read'] })).toBe(false);
  });
});

describe('guards: check()', () => {
  it('allows when check returns exactly true, and hands it the caller and request', async () => {
    const check = vi.fn(() => true);
    const auth = who();
    expect(await guard().allows(auth, { check })).toBe(true);
    expect(check).toHaveBeenCalledWith(auth, req);
  });

  it('allows when check resolves to exactly true', async () => {
    expect(await guard().allows(who(), { check: async () => true })).toBe(true);
  });

  const notTrue: Array<[string, unknown]> = [
    ['false', false],
    ["'true'", 'true'],
    ['1', 1],
    ['{}', {}],
    ['undefined', undefined],
    ['a promise of 1', Promise.resolve(1)],
  ];
  for (const [what, value] of notTrue) {
    it(`answers 403 when check returns ${what}`, async () => {
      expect(await guard().allows(who(), { check: (() => value) as never })).toBe(false);
    });
  }

  it('is not consulted when another requirement already failed', async () => {
    const check = vi.fn(() => true);
    expect(await guard().allows(who(), { roles: ['admin'], check })).toBe(false);
    expect(check).not.toHaveBeenCalled();
  });

  it('keeps the status of an HTTPError that check throws', async () => {
    const e = await guard().error(who(), {
      check: () => {
        throw new HTTPError('Upgrade your plan', { status: 402 });
      },
    });
    expect(e.status).toBe(402);
  });

  it('answers a generic 500 when check throws anything else', async () => {
    const e = await guard().error(who(), {
      check: () => {
        throw new Error('db down');
      },
    });
    expect(e).toBeInstanceOf(InternalError);
  });

  it('ends a check that never settles at the timeout with 503', async () => {
    const { policy } = guard({ timeoutMs: 10 });
    const { error } = await outcome(policy.authorize(who(), { check: () => new Promise<boolean>(() => {}) }, req));
    expect(error).toBeInstanceOf(ServiceUnavailable);
  });
});

describe('requirement(): validated once, when a route is defined', () => {
  it('returns a frozen requirement that the policy reuses as is', async () => {
    const need = requirement({ roles: ['admin'] });
    expect(Object.isFrozen(need)).toBe(true);
    expect(Object.isFrozen(need.roles)).toBe(true);
    expect(requirement(need)).toBe(need);
    expect(await guard().allows(who({ roles: ['admin'] }), need)).toBe(true);
  });

  it('is a copy: changing the input lists afterwards has no effect', async () => {
    const roles = ['admin'];
    const need = requirement({ roles });
    roles.push('viewer');
    expect(await guard().allows(who({ roles: ['viewer'] }), need)).toBe(false);
  });

  it('accepts no requirement at all', () => {
    expect(requirement()).toBe(requirement({}));
  });

  it('rejects an unknown key, naming it', () => {
    expect(() => requirement({ role: ['admin'] } as never)).toThrow(/^requireAuth: options has unknown key\(s\) 'role'$/);
  });

  it('rejects an empty list', () => {
    expect(() => requirement({ roles: [] })).toThrow(ImproperlyConfigured);
    expect(() => requirement({ permissions: [] })).toThrow(/'permissions'/);
  });

  it('rejects a list entry that is empty or not a string', () => {
    expect(() => requirement({ roles: [''] })).toThrow(/'roles\.0'/);
    expect(() => requirement({ scopes: [1] as never })).toThrow(/'scopes\.0'/);
  });

  it('rejects a malformed required permission', () => {
    for (const bad of ['read', 'a:b:c', 'a b:c', '*:read']) expect(() => requirement({ permissions: [bad] })).toThrow(/is not a permission/);
  });

  it('rejects a check that is not a function', () => {
    expect(() => requirement({ check: true } as never)).toThrow(/'check' must be a function/);
  });

  it('rejects a requirement that is not an object', () => {
    expect(() => requirement(null as never)).toThrow(ImproperlyConfigured);
    expect(() => requirement(['admin'] as never)).toThrow(ImproperlyConfigured);
  });
});

describe('permits()', () => {
  it('matches exactly, by resource wildcard, or by the global wildcard', () => {
    expect(permits('doc:read', 'doc:read')).toBe(true);
    expect(permits('doc:*', 'doc:read')).toBe(true);
    expect(permits('*', 'anything:at-all')).toBe(true);
  });

  it('does not match another resource sharing a prefix', () => {
    expect(permits('doc:*', 'docs:read')).toBe(false);
    expect(permits('do:*', 'doc:read')).toBe(false);
  });

  it('does not treat a bare ":*" as a wildcard', () => {
    expect(permits(':*', 'doc:read')).toBe(false);
  });
});
