import { describe, expect, it } from 'vitest';
import { AuthContext, type MetadataValue } from '../src/index.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

describe('AuthContext: subject', () => {
  it('keeps a non-empty subject', () => {
    expect(new AuthContext({ subject: 'user_123' }).subject).toBe('user_123');
  });

  it('rejects an empty subject', () => {
    expect(() => new AuthContext({ subject: '' })).toThrow(/subject must be a non-empty string/);
  });

  it('rejects a subject that is not a string', () => {
    for (const subject of [undefined, null, 123, {}, ['u']]) {
      expect(() => new AuthContext({ subject } as never)).toThrow(TypeError);
    }
  });

  it('rejects an init that is not an object', () => {
    expect(() => new AuthContext(null as never)).toThrow(TypeError);
    expect(() => new AuthContext('user' as never)).toThrow(TypeError);
  });
});

describe('AuthContext: defaults and lists', () => {
  it('defaults to empty metadata, roles, permissions and scopes, and no method', () => {
    const auth = new AuthContext({ subject: 'u' });
    expect(auth.metadata).toEqual({});
    expect(auth.roles).toEqual([]);
    expect(auth.permissions).toEqual([]);
    expect(auth.scopes).toEqual([]);
    expect(auth.method).toBeUndefined();
  });

  it('keeps roles, permissions, scopes and method', () => {
    const auth = new AuthContext({ subject: 'u', roles: ['admin'], permissions: ['doc:read'], scopes: ['openid'], method: 'jwt' });
    expect(auth.roles).toEqual(['admin']);
    expect(auth.permissions).toEqual(['doc:read']);
    expect(auth.scopes).toEqual(['openid']);
    expect(auth.method).toBe('jwt');
  });

  it('drops repeated list entries', () => {
    expect(new AuthContext({ subject: 'u', roles: ['a', 'b', 'a'] }).roles).toEqual(['a', 'b']);
  });

  it('rejects a list that is not an array', () => {
    expect(() => new AuthContext({ subject: 'u', roles: 'admin' as never })).toThrow(/roles must be an array/);
  });

  it('rejects list entries that are empty or not strings', () => {
    expect(() => new AuthContext({ subject: 'u', permissions: [''] })).toThrow(/non-empty strings/);
    expect(() => new AuthContext({ subject: 'u', scopes: [1] as never })).toThrow(/non-empty strings/);
  });

  it('rejects a sparse list', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => new AuthContext({ subject: 'u', roles: ['a', , 'b'] as never })).toThrow(TypeError);
  });

  it('rejects a method that is not a string', () => {
    expect(() => new AuthContext({ subject: 'u', method: 1 as never })).toThrow(/method must be a string/);
  });
});

describe('AuthContext: frozen copies', () => {
  it('is frozen, with frozen lists and metadata', () => {
    const auth = new AuthContext({ subject: 'u', roles: ['r'], metadata: { a: { b: [1] } } });
    expect(Object.isFrozen(auth)).toBe(true);
    expect(Object.isFrozen(auth.roles)).toBe(true);
    expect(Object.isFrozen(auth.metadata)).toBe(true);
    expect(Object.isFrozen(auth.metadata.a)).toBe(true);
    expect(Object.isFrozen((auth.metadata.a as Record<string, MetadataValue>).b)).toBe(true);
  });

  it('refuses to change its subject, lists or metadata', () => {
    const auth = new AuthContext({ subject: 'u', roles: ['r'], metadata: { tier: 'free' } });
    expect(() => {
      (auth as Mutable<AuthContext>).subject = 'admin';
    }).toThrow(TypeError);
    expect(() => (auth.roles as string[]).push('admin')).toThrow(TypeError);
    expect(() => {
      (auth.metadata as Record<string, MetadataValue>).tier = 'pro';
    }).toThrow(TypeError);
    expect(auth.subject).toBe('u');
    expect(auth.roles).toEqual(['r']);
    expect(auth.metadata.tier).toBe('free');
  });

  it('is unaffected by changes to the init object afterwards', () => {
    const init: Mutable<ConstructorParameters<typeof AuthContext>[0]> = { subject: 'u', roles: ['r'] };
    const auth = new AuthContext(init);
    init.subject = 'admin';
    (init.roles as string[]).push('admin');
    init.roles = ['root'];
    expect(auth.subject).toBe('u');
    expect(auth.roles).toEqual(['r']);
  });

  it('is unaffected by changes to the metadata object afterwards, however deep', () => {
    const nestedList = [1, 2];
    const inner: Record<string, MetadataValue> = { plan: 'free', list: nestedList };
    const metadata: Record<string, MetadataValue> = { inner, flag: true };
    const auth = new AuthContext({ subject: 'u', metadata });
    metadata.flag = false;
    metadata.added = 'x';
    inner.plan = 'enterprise';
    nestedList.push(3);
    expect(auth.metadata).toEqual({ inner: { plan: 'free', list: [1, 2] }, flag: true });
  });

  it('copies a Date in metadata, and the copy refuses its setters', () => {
    const when = new Date(0);
    const auth = new AuthContext({ subject: 'u', metadata: { when } });
    when.setTime(1000);
    const copy = auth.metadata.when as Date;
    expect(copy).toBeInstanceOf(Date);
    expect(copy.getTime()).toBe(0);
    expect(() => copy.setTime(5)).toThrow(/read-only/);
    expect(() => copy.setFullYear(2000)).toThrow(/read-only/);
    expect(copy.getTime()).toBe(0);
  });

  it('keeps an own "__proto__" metadata key as data, never as a prototype', () => {
    const metadata = JSON.parse('{"__proto__":{"admin":true},"a":1}') as Record<string, MetadataValue>;
    const auth = new AuthContext({ subject: 'u', metadata });
    expect(Object.keys(auth.metadata)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(auth.metadata, '__proto__')?.value).toEqual({ admin: true });
    expect(Object.getPrototypeOf(auth.metadata)).toBe(Object.prototype);
    expect((auth.metadata as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('keeps a nested own "__proto__" key as data too', () => {
    const metadata = JSON.parse('{"x":{"__proto__":{"polluted":1}}}') as Record<string, MetadataValue>;
    const auth = new AuthContext({ subject: 'u', metadata });
    const x = auth.metadata.x as Record<string, unknown>;
    expect(Object.keys(x)).toEqual(['__proto__']);
    expect(x.polluted).toBeUndefined();
  });

  it('accepts metadata with a null prototype', () => {
    const metadata = Object.assign(Object.create(null) as Record<string, MetadataValue>, { a: 1 });
    expect(new AuthContext({ subject: 'u', metadata }).metadata).toEqual({ a: 1 });
  });
});

describe('AuthContext: metadata must be data', () => {
  it('rejects metadata that is not a plain object', () => {
    for (const metadata of ['str', 1, [1], new Date(0), null]) {
      expect(() => new AuthContext({ subject: 'u', metadata } as never)).toThrow(/metadata must be a plain object/);
    }
  });

  it('rejects a class instance in metadata', () => {
    expect(() => new AuthContext({ subject: 'u', metadata: { m: new Map() } as never })).toThrow(/metadata\.m must be plain data/);
  });

  it('rejects a function, symbol or BigInt in metadata', () => {
    expect(() => new AuthContext({ subject: 'u', metadata: { f: () => 1 } as never })).toThrow(/metadata\.f is a function/);
    expect(() => new AuthContext({ subject: 'u', metadata: { s: Symbol('s') } as never })).toThrow(/is a symbol/);
    expect(() => new AuthContext({ subject: 'u', metadata: { n: 1n } as never })).toThrow(/is a bigint/);
  });

  it('rejects undefined in metadata', () => {
    expect(() => new AuthContext({ subject: 'u', metadata: { u: undefined } as never })).toThrow(/metadata\.u is undefined/);
    // The path names the value however deep it sits.
    expect(() => new AuthContext({ subject: 'u', metadata: { a: { b: [1, Number.NaN] } } })).toThrow(/metadata\.a\.b\[1\] must be a finite number/);
  });

  it('rejects a non-finite number in metadata', () => {
    expect(() => new AuthContext({ subject: 'u', metadata: { n: Number.NaN } })).toThrow(/finite number/);
  });

  it('rejects a cycle in metadata instead of recursing forever', () => {
    const metadata: Record<string, unknown> = {};
    metadata.self = metadata;
    expect(() => new AuthContext({ subject: 'u', metadata: metadata as never })).toThrow(/nests deeper/);
  });
});

describe('AuthContext: instanceof and subclasses', () => {
  it('is not claimed by a plain { subject } object', () => {
    expect({ subject: 'u', metadata: {}, roles: [], permissions: [], scopes: [] } instanceof AuthContext).toBe(false);
    expect(Object.create(AuthContext.prototype) instanceof AuthContext).toBe(false);
  });

  it('is not claimed by a Proxy of a real one, nor by an object given its prototype afterwards', () => {
    const real = new AuthContext({ subject: 'u' });
    expect(new Proxy(real, {}) instanceof AuthContext).toBe(false);
    const forged = { ...real };
    Object.setPrototypeOf(forged, AuthContext.prototype);
    expect(forged instanceof AuthContext).toBe(false);
    expect(real instanceof AuthContext).toBe(true);
  });

  it('counts a subclass instance as an AuthContext, but not the reverse', () => {
    class ServiceContext extends AuthContext {
      readonly service = true;
    }
    const service = new ServiceContext({ subject: 'svc' });
    expect(service instanceof AuthContext).toBe(true);
    expect(service instanceof ServiceContext).toBe(true);
    expect(new AuthContext({ subject: 'u' }) instanceof ServiceContext).toBe(false);
  });
});
