// Two copies of @auth/core in one process (say an adapter's and the app's): identities and errors
// made by one must be recognised by the other, while look-alike objects still are not.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as A from '../src/index.js';

type Core = typeof A;
let B: Core;

beforeAll(async () => {
  vi.resetModules();
  B = (await import('../src/index.js')) as Core;
});

const request = (core: Core): A.AuthRequest => new core.AuthRequest({ method: 'GET', path: '/', headers: { authorization: 'Bearer t' } });

describe('two loaded copies of @auth/core', () => {
  it('really are two copies', () => {
    expect(B.AuthContext).not.toBe(A.AuthContext);
    expect(B.createAuth).not.toBe(A.createAuth);
    expect(B.HTTPError).not.toBe(A.HTTPError);
  });

  it("accepts an AuthContext built by copy B in copy A's policy", async () => {
    const policy = A.createAuth({ authenticate: async () => new B.AuthContext({ subject: 'from-b' }), logger: false });
    const auth = await policy.authenticate(request(A));
    expect(auth?.subject).toBe('from-b');
  });

  it("still answers 401 for a plain { subject } object in copy A's policy", async () => {
    const policy = A.createAuth({ authenticate: (async () => ({ subject: 'from-b' })) as unknown as A.Authenticate, logger: false });
    await expect(policy.authenticate(request(A))).rejects.toBeInstanceOf(A.Unauthorized);
  });

  it("still answers 401 for an object made from copy B's AuthContext prototype", async () => {
    const forged = Object.create(B.AuthContext.prototype) as A.AuthContext;
    const policy = A.createAuth({ authenticate: async () => forged, logger: false });
    await expect(policy.authenticate(request(A))).rejects.toBeInstanceOf(A.Unauthorized);
  });

  it('recognises an AuthContext from either copy with either instanceof', () => {
    expect(new B.AuthContext({ subject: 'b' }) instanceof A.AuthContext).toBe(true);
    expect(new A.AuthContext({ subject: 'a' }) instanceof B.AuthContext).toBe(true);
  });

  it("keeps the status and detail of an HTTPError thrown from copy B in copy A's policy", async () => {
    const policy = A.createAuth({ authenticate: async () => Promise.reject(new B.HTTPError('Suspended', { status: 403 })), logger: false });
    const { error } = await policy.authenticate(request(A)).then(
      () => ({ error: undefined }),
      (e: unknown) => ({ error: e }),
    );
    const response = policy.respond(error);
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ detail: 'Suspended' });
  });

  it("accepts an AuthRequest built by copy B in copy A's policy, and aborts its signal on timeout", async () => {
    let signal: AbortSignal | undefined;
    const policy = A.createAuth({
      authenticate: (req) => {
        signal = req.signal;
        return new Promise(() => {});
      },
      timeoutMs: 10,
      logger: false,
    });
    await expect(policy.authenticate(request(B))).rejects.toBeInstanceOf(A.ServiceUnavailable);
    expect(signal?.aborted).toBe(true);
  });

  it("refuses duplicate credentials in copy B's AuthRequest with copy A's policy", async () => {
    const hook = vi.fn(async () => new A.AuthContext({ subject: 'a' }));
    const policy = A.createAuth({ authenticate: hook, logger: false });
    const req = new B.AuthRequest({ method: 'GET', path: '/', headers: [['authorization', 'Bearer a'], ['authorization', 'Bearer b']] });
    await expect(policy.authenticate(req)).rejects.toBeInstanceOf(A.InvalidRequest);
    expect(hook).not.toHaveBeenCalled();
  });

  it("lets copy A's guard authorise an AuthContext from copy B", async () => {
    const policy = A.createAuth({ authenticate: async () => null, logger: false });
    await expect(policy.authorize(new B.AuthContext({ subject: 'b', roles: ['admin'] }), { roles: ['admin'] }, request(A))).resolves.toBeUndefined();
  });
});
