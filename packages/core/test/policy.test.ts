import { describe, expect, it, vi } from 'vitest';
import {
  AuthContext,
  createAuth,
  HTTPError,
  ImproperlyConfigured,
  InternalError,
  InvalidRequest,
  InvalidToken,
  ServiceUnavailable,
  Unauthorized,
  type Authenticate,
  type AuthOptions,
  type AuthRequest,
  type HeadersInput,
} from '../src/index.js';
import { anonymous, never, outcome, recordingLogger, requestWith, SECRET, sleep, TOKEN } from './fixtures/policy.js';

const user = (): AuthContext => new AuthContext({ subject: 'user_1' });
const accept: Authenticate = async () => user();
const decline: Authenticate = async () => null;

function configError(options: unknown): ImproperlyConfigured {
  try {
    createAuth(options as AuthOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    return error as ImproperlyConfigured;
  }
  throw new Error('createAuth accepted bad options');
}

async function rejection(promise: Promise<unknown>): Promise<HTTPError> {
  const { error } = await outcome(promise);
  expect(error).toBeInstanceOf(HTTPError);
  return error as HTTPError;
}

describe('createAuth: options are validated when the policy is built', () => {
  it('accepts one hook or a list, and reports its settings', () => {
    const policy = createAuth({ authenticate: accept, logger: false });
    expect(policy.timeoutMs).toBe(5000);
    expect(policy.approvalHeader).toBe('x-approval-token');
    expect(policy.canApprove).toBe(false);
    const custom = createAuth({ authenticate: [decline, accept], timeoutMs: 250, approvalHeader: 'x-ok', approve: async () => true, logger: false });
    expect(custom.timeoutMs).toBe(250);
    expect(custom.approvalHeader).toBe('x-ok');
    expect(custom.canApprove).toBe(true);
  });

  it('returns a frozen policy', () => {
    expect(Object.isFrozen(createAuth({ authenticate: accept, logger: false }))).toBe(true);
  });

  it('rejects options that are not an object', () => {
    for (const options of [undefined, null, 'x', 1]) expect(configError(options).message).toMatch(/^createAuth: options /);
  });

  it('rejects a missing authenticate, saying it must be a function or a non-empty array of functions', () => {
    expect(configError({}).message).toBe("createAuth: option 'authenticate' must be a function or a non-empty array of functions");
  });

  it('rejects an authenticate that is neither a function nor an array', () => {
    for (const authenticate of ['hook', 1, {}, null, true]) {
      expect(configError({ authenticate }).message).toBe("createAuth: option 'authenticate' must be a function or a non-empty array of functions");
    }
  });

  it('rejects an empty authenticate list', () => {
    expect(configError({ authenticate: [] }).message).toBe("createAuth: option 'authenticate' must be a function or a non-empty array of functions");
  });

  it('rejects an authenticate list holding something other than functions', () => {
    expect(configError({ authenticate: [accept, 'x'] }).message).toContain("option 'authenticate' must be a function or a non-empty array of functions");
    // eslint-disable-next-line no-sparse-arrays
    expect(configError({ authenticate: [, accept] }).message).toContain("option 'authenticate'");
  });

  it('never repeats a bad value in the message', () => {
    expect(configError({ authenticate: `Bearer ${SECRET}` }).message).not.toContain(SECRET);
    expect(configError({ authenticate: accept, superuserRole: { SECRET } }).message).not.toContain(SECRET);
  });

  it('rejects an approve hook that is not a function', () => {
    expect(configError({ authenticate: accept, approve: true }).message).toMatch(/^createAuth: option 'approve' must be a function/);
  });

  it('rejects a timeoutMs that is not a whole number from 1 to 120000', () => {
    for (const timeoutMs of [0, -1, 1.5, '100', Number.NaN, Number.POSITIVE_INFINITY, 120_001]) {
      expect(configError({ authenticate: accept, timeoutMs }).message).toMatch(/^createAuth: option 'timeoutMs' /);
    }
  });

  it('rejects an errorResponse that is not a function', () => {
    expect(configError({ authenticate: accept, errorResponse: {} }).message).toMatch(/^createAuth: option 'errorResponse' must be a function/);
  });

  it('rejects a logger without warn() and error(), or true', () => {
    for (const logger of [{}, { warn() {} }, true, 'console', null]) {
      expect(configError({ authenticate: accept, logger }).message).toBe("createAuth: option 'logger' must have warn() and error() methods, or be false");
    }
  });

  it('rejects rolePermissions that is not an object of role → permissions', () => {
    expect(configError({ authenticate: accept, rolePermissions: [] }).message).toMatch(/^createAuth: option 'rolePermissions' /);
    expect(configError({ authenticate: accept, rolePermissions: 'admin' }).message).toMatch(/^createAuth: option 'rolePermissions' /);
  });

  it('rejects a role whose grant is neither a list nor a matrix', () => {
    expect(configError({ authenticate: accept, rolePermissions: { admin: 'all' } }).message).toBe(
      "createAuth: option 'rolePermissions.admin' must be a permission list or a resource matrix",
    );
  });

  it('rejects a malformed permission in a role', () => {
    for (const bad of ['read', 'doc:read:all', 'doc :read', '*:read', 'doc:re*d', '', 5]) {
      expect(configError({ authenticate: accept, rolePermissions: { editor: [bad] } }).message).toMatch(/^createAuth: option 'rolePermissions\.editor'.* is not a permission/);
    }
  });

  it('rejects a matrix resource that is not an array of action names', () => {
    expect(configError({ authenticate: accept, rolePermissions: { reader: { MEMORY: 'READ' } } }).message).toBe(
      "createAuth: option 'rolePermissions.reader.MEMORY' must be an array of actions",
    );
    expect(configError({ authenticate: accept, rolePermissions: { reader: { MEMORY: [5] } } }).message).toBe(
      "createAuth: option 'rolePermissions.reader.MEMORY' must hold action names (strings)",
    );
  });

  it('rejects an empty or non-string superuserRole', () => {
    expect(configError({ authenticate: accept, superuserRole: '' }).message).toMatch(/^createAuth: option 'superuserRole' /);
    expect(configError({ authenticate: accept, superuserRole: 1 }).message).toMatch(/^createAuth: option 'superuserRole' /);
  });

  it('rejects an approvalHeader that is not a lowercase header name', () => {
    for (const approvalHeader of ['X-Approval', 'x approval', '', 'x:y']) {
      expect(configError({ authenticate: accept, approvalHeader }).message).toMatch(/^createAuth: option 'approvalHeader' /);
    }
  });

  it('rejects an unknown option, naming it', () => {
    expect(configError({ authenticate: accept, timeout: 5 }).message).toBe("createAuth: options has unknown key(s) 'timeout'");
  });
});

describe('authenticate: what a hook returns', () => {
  it('resolves to the AuthContext the hook returned, frozen', async () => {
    const auth = user();
    const policy = createAuth({ authenticate: async () => auth, logger: false });
    const result = await policy.authenticate(requestWith());
    expect(result).toBe(auth);
    expect(Object.isFrozen(result)).toBe(true);
  });

  it('accepts and freezes an AuthContext subclass instance', async () => {
    class Service extends AuthContext {
      label = 'svc';
    }
    const policy = createAuth({ authenticate: async () => new Service({ subject: 'svc' }), logger: false });
    const result = await policy.authenticate(requestWith());
    expect(result).toBeInstanceOf(Service);
    expect(Object.isFrozen(result)).toBe(true);
  });

  it('accepts a hook that returns synchronously', async () => {
    const policy = createAuth({ authenticate: (() => user()) as unknown as Authenticate, logger: false });
    expect((await policy.authenticate(requestWith()))?.subject).toBe('user_1');
  });

  it('answers 401 unauthorized with WWW-Authenticate when the hook returns null', async () => {
    const policy = createAuth({ authenticate: decline, logger: false });
    const error = await rejection(policy.authenticate(requestWith()));
    expect(error).toBeInstanceOf(Unauthorized);
    expect(policy.respond(error)).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
  });

  const impostors: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['true', true],
    ['a string', 'user_1'],
    ['a number', 1],
    ['a plain { subject } object', { subject: 'user_1' }],
    ['a full look-alike object', { subject: 'user_1', metadata: {}, roles: ['admin'], permissions: ['*'], scopes: [] }],
    ['an object made from AuthContext.prototype', Object.create(AuthContext.prototype) as unknown],
    ['an array', [user()]],
  ];
  for (const [what, value] of impostors) {
    it(`answers 401 when the hook returns ${what}`, async () => {
      const logger = recordingLogger();
      const policy = createAuth({ authenticate: (async () => value) as unknown as Authenticate, logger });
      const error = await rejection(policy.authenticate(requestWith()));
      expect(error).toBeInstanceOf(Unauthorized);
      expect(error.status).toBe(401);
      expect(logger.calls.map((c) => c.level)).toEqual(['warn']);
    });
  }

  it('rejects an argument that is not an AuthRequest', async () => {
    const policy = createAuth({ authenticate: accept, logger: false });
    await expect(policy.authenticate({ method: 'GET', path: '/', headers: new Headers() } as unknown as AuthRequest)).rejects.toThrow(TypeError);
  });
});

describe('authenticate: a list of hooks', () => {
  it('tries hooks in order until one returns an AuthContext', async () => {
    const order: string[] = [];
    const hook = (name: string, result: AuthContext | null): Authenticate => async () => {
      order.push(name);
      return result;
    };
    const policy = createAuth({ authenticate: [hook('a', null), hook('b', user()), hook('c', null)], logger: false });
    expect((await policy.authenticate(requestWith()))?.subject).toBe('user_1');
    expect(order).toEqual(['a', 'b']);
  });

  it('answers 401 when every hook returns null', async () => {
    const calls = vi.fn(decline);
    const policy = createAuth({ authenticate: [calls, calls, calls], logger: false });
    expect((await rejection(policy.authenticate(requestWith()))).status).toBe(401);
    expect(calls).toHaveBeenCalledTimes(3);
  });

  it('stops at a hook that throws, without trying the next', async () => {
    const next = vi.fn(accept);
    const policy = createAuth({ authenticate: [async () => Promise.reject(new InvalidToken()), next], logger: false });
    expect((await rejection(policy.authenticate(requestWith()))).code).toBe('invalid_token');
    expect(next).not.toHaveBeenCalled();
  });

  it('stops with 401 at a hook that returns something other than null or an AuthContext', async () => {
    const next = vi.fn(accept);
    const policy = createAuth({ authenticate: [(async () => ({ subject: 'x' })) as unknown as Authenticate, next], logger: false });
    expect((await rejection(policy.authenticate(requestWith()))).status).toBe(401);
    expect(next).not.toHaveBeenCalled();
  });

  it('is a copy: changing the list after createAuth has no effect', async () => {
    const hooks: Authenticate[] = [decline];
    const policy = createAuth({ authenticate: hooks, logger: false });
    hooks.push(accept);
    hooks[0] = accept;
    expect((await rejection(policy.authenticate(requestWith()))).status).toBe(401);
  });

  it('hands every hook the same AuthRequest', async () => {
    const seen: AuthRequest[] = [];
    const spy: Authenticate = async (req) => {
      seen.push(req);
      return null;
    };
    const req = requestWith();
    await outcome(createAuth({ authenticate: [spy, spy], logger: false }).authenticate(req));
    expect(seen).toEqual([req, req]);
  });
});

describe('authenticate: duplicate credentials are a 400 before any hook runs', () => {
  const forms = (name: string): Array<[string, HeadersInput]> => {
    const joined = new Headers();
    joined.append(name, 'Bearer a');
    joined.append(name, 'Bearer b');
    return [
      ['a record array', { [name]: ['Bearer a', 'Bearer b'] }],
      ['record keys differing in case', { [name]: 'Bearer a', [name.toUpperCase()]: 'Bearer b' }],
      ['[name, value] pairs', [[name, 'Bearer a'], [name, 'Bearer b']]],
      ['a Fetch Headers joined "Bearer a, Bearer b"', joined],
    ];
  };

  for (const name of ['authorization', 'proxy-authorization']) {
    for (const [form, headers] of forms(name)) {
      it(`answers 400 invalid_request for two ${name} values in ${form}, never calling the hook`, async () => {
        const hook = vi.fn(accept);
        const policy = createAuth({ authenticate: [hook], logger: false });
        const error = await rejection(policy.authenticate(requestWith(headers)));
        expect(error).toBeInstanceOf(InvalidRequest);
        expect(policy.respond(error)).toMatchObject({ status: 400 });
        expect(JSON.parse(policy.respond(error).body)).toMatchObject({ code: 'invalid_request' });
        expect(hook).not.toHaveBeenCalled();
      });
    }
  }

  it('answers 400 in optional mode too, never calling the hook', async () => {
    const hook = vi.fn(decline);
    const policy = createAuth({ authenticate: hook, logger: false });
    const error = await rejection(policy.authenticate(requestWith({ authorization: ['Bearer a', 'Bearer b'] }), { optional: true }));
    expect(error.status).toBe(400);
    expect(hook).not.toHaveBeenCalled();
  });
});

describe('authenticate: a hook that throws an HTTPError', () => {
  it('keeps its status and its own detail', async () => {
    const policy = createAuth({ authenticate: async () => Promise.reject(new HTTPError('Account suspended', { status: 403 })), logger: false });
    const error = await rejection(policy.authenticate(requestWith()));
    const response = policy.respond(error);
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({ type: 'about:blank', title: 'Forbidden', status: 403, detail: 'Account suspended', code: 'http_error' });
  });

  it('clamps its status to 400–599', async () => {
    for (const [given, clamped] of [[200, 400], [302, 400], [700, 599]] as const) {
      const policy = createAuth({ authenticate: async () => Promise.reject(new HTTPError('x', { status: given })), logger: false });
      expect(policy.respond(await rejection(policy.authenticate(requestWith()))).status).toBe(clamped);
    }
  });

  it('clamps a status tampered with after construction', async () => {
    const thrown = new HTTPError('x', { status: 404 });
    Object.defineProperty(thrown, 'status', { value: 204 });
    const policy = createAuth({ authenticate: async () => Promise.reject(thrown), logger: false });
    expect(policy.respond(await rejection(policy.authenticate(requestWith()))).status).toBe(400);
  });

  it('never exposes its cause or stack', async () => {
    const thrown = new HTTPError('Nope', { status: 401, cause: new Error(`upstream said ${SECRET}`) });
    const policy = createAuth({ authenticate: async () => Promise.reject(thrown), logger: false });
    const response = policy.respond(await rejection(policy.authenticate(requestWith())));
    expect(JSON.stringify(response)).not.toContain(SECRET);
    expect(response.body).not.toContain('at ');
  });

  it('does not log it (the hook chose the answer)', async () => {
    const logger = recordingLogger();
    const policy = createAuth({ authenticate: async () => Promise.reject(new InvalidToken()), logger });
    await outcome(policy.authenticate(requestWith()));
    expect(logger.calls).toEqual([]);
  });
});

describe('authenticate: a hook that throws anything else', () => {
  const thrownValues: Array<[string, () => unknown]> = [
    ['an Error whose message holds the token and a secret', () => new Error(`lookup failed for Bearer ${TOKEN} using ${SECRET}`)],
    ['an Error whose name holds the token', () => Object.assign(new Error('x'), { name: TOKEN })],
    ['a TypeError', () => new TypeError(`cannot read ${SECRET}`)],
    ['a string holding the token', () => `bad token ${TOKEN}`],
    ['an object that looks like an HTTPError', () => ({ status: 401, detail: SECRET, headers: { 'x-secret': SECRET } })],
    ['null', () => null],
    ['undefined', () => undefined],
  ];

  for (const [what, make] of thrownValues) {
    it(`answers a generic 500 for ${what}, leaking nothing into the response or the log`, async () => {
      const logger = recordingLogger();
      const policy = createAuth({ authenticate: async () => Promise.reject(make()), logger });
      const error = await rejection(policy.authenticate(requestWith()));
      expect(error).toBeInstanceOf(InternalError);
      const response = policy.respond(error);
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body)).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'Internal Server Error', code: 'internal_error' });
      const everything = JSON.stringify(response) + logger.text();
      for (const secret of [TOKEN, SECRET, 'lookup failed', 'cannot read', 'bad token']) expect(everything).not.toContain(secret);
      expect(logger.calls).toHaveLength(1);
      expect(logger.calls[0]).toMatchObject({ level: 'error', message: 'authenticate hook failed', fields: { requestId: 'req-1' } });
    });
  }

  it('logs the class name of an Error subclass, which code (not data) sets', async () => {
    class DatabaseDown extends Error {}
    const logger = recordingLogger();
    const policy = createAuth({ authenticate: async () => Promise.reject(new DatabaseDown(SECRET)), logger });
    await outcome(policy.authenticate(requestWith()));
    expect(logger.calls[0]?.fields).toEqual({ error: 'DatabaseDown', requestId: 'req-1' });
  });

  it('answers a generic 500 for a hook that throws synchronously', async () => {
    const policy = createAuth({
      authenticate: (() => {
        throw new Error(SECRET);
      }) as unknown as Authenticate,
      logger: false,
    });
    expect(await rejection(policy.authenticate(requestWith()))).toBeInstanceOf(InternalError);
  });

  it('keeps the same answer when the logger itself throws', async () => {
    const broken = {
      warn() {
        throw new Error('logger down');
      },
      error() {
        throw new Error('logger down');
      },
    };
    const failing = createAuth({ authenticate: async () => Promise.reject(new Error('x')), logger: broken });
    expect(await rejection(failing.authenticate(requestWith()))).toBeInstanceOf(InternalError);
    const impostor = createAuth({ authenticate: (async () => 'user') as unknown as Authenticate, logger: broken });
    expect(await rejection(impostor.authenticate(requestWith()))).toBeInstanceOf(Unauthorized);
  });

  it('leaks nothing through the default console logger either', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const policy = createAuth({ authenticate: async () => Promise.reject(new Error(`${TOKEN} ${SECRET}`)) });
      await outcome(policy.authenticate(requestWith()));
      expect(error).toHaveBeenCalledTimes(1);
      const printed = JSON.stringify([...error.mock.calls, ...warn.mock.calls]);
      expect(printed).not.toContain(TOKEN);
      expect(printed).not.toContain(SECRET);
    } finally {
      error.mockRestore();
      warn.mockRestore();
    }
  });
});

describe('authenticate: a hook that never settles', () => {
  it('ends at the configured timeout with a 503 temporarily_unavailable', async () => {
    const policy = createAuth({ authenticate: () => never(), timeoutMs: 20, logger: false });
    const error = await rejection(policy.authenticate(requestWith()));
    expect(error).toBeInstanceOf(ServiceUnavailable);
    const response = policy.respond(error);
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'temporarily_unavailable' });
  });

  it('aborts the signal the hook was handed', async () => {
    let signal: AbortSignal | undefined;
    const policy = createAuth({
      authenticate: (req) => {
        signal = req.signal;
        return never();
      },
      timeoutMs: 20,
      logger: false,
    });
    await outcome(policy.authenticate(requestWith()));
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(ServiceUnavailable);
  });

  it('shows the signal aborted to a hook that only looks after the timeout', async () => {
    let abortedWhenLooked: boolean | undefined;
    const looked = new Promise<void>((done) => {
      const policy = createAuth({
        authenticate: async (req) => {
          await sleep(60);
          abortedWhenLooked = req.signal.aborted;
          done();
          return null;
        },
        timeoutMs: 10,
        logger: false,
      });
      void outcome(policy.authenticate(requestWith()));
    });
    await looked;
    expect(abortedWhenLooked).toBe(true);
  });

  it('ignores a result that arrives after the timeout', async () => {
    let late = false;
    const policy = createAuth({
      authenticate: async () => {
        await sleep(60);
        late = true;
        return user();
      },
      timeoutMs: 10,
      logger: false,
    });
    const result = await outcome(policy.authenticate(requestWith()));
    expect(result.error).toBeInstanceOf(ServiceUnavailable);
    await sleep(80);
    expect(late).toBe(true);
    expect(result.value).toBeUndefined();
  });

  it('ignores a rejection that arrives after the timeout, without an unhandled rejection', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const policy = createAuth({
        authenticate: async () => {
          await sleep(40);
          throw new Error(SECRET);
        },
        timeoutMs: 10,
        logger: false,
      });
      expect((await outcome(policy.authenticate(requestWith()))).error).toBeInstanceOf(ServiceUnavailable);
      await sleep(80);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('logs the timeout without the token', async () => {
    const logger = recordingLogger();
    const policy = createAuth({ authenticate: () => never(), timeoutMs: 10, logger });
    await outcome(policy.authenticate(requestWith()));
    expect(logger.calls).toEqual([{ level: 'warn', message: 'authenticate hook timed out', fields: { timeoutMs: 10, requestId: 'req-1' } }]);
    expect(logger.text()).not.toContain(TOKEN);
  });

  it('leaves the signal alone when the hook finishes in time', async () => {
    let signal: AbortSignal | undefined;
    const policy = createAuth({
      authenticate: async (req) => {
        signal = req.signal;
        return user();
      },
      timeoutMs: 1000,
      logger: false,
    });
    await policy.authenticate(requestWith());
    expect(signal?.aborted).toBe(false);
  });
});

describe('authenticate: optional mode', () => {
  it('resolves null for an anonymous request that no hook claimed', async () => {
    const policy = createAuth({ authenticate: decline, logger: false });
    expect(await policy.authenticate(anonymous(), { optional: true })).toBeNull();
  });

  it('still answers 401 when an Authorization header was sent and no hook accepted it', async () => {
    const policy = createAuth({ authenticate: decline, logger: false });
    expect((await rejection(policy.authenticate(requestWith(), { optional: true }))).status).toBe(401);
    expect((await rejection(policy.authenticate(requestWith({ AUTHORIZATION: 'Basic eDp5' }), { optional: true }))).status).toBe(401);
  });

  it('still answers 401 for an empty Authorization header', async () => {
    const policy = createAuth({ authenticate: decline, logger: false });
    expect((await rejection(policy.authenticate(requestWith({ authorization: '' }), { optional: true }))).status).toBe(401);
  });

  it('still resolves the caller a hook accepted', async () => {
    const policy = createAuth({ authenticate: accept, logger: false });
    expect((await policy.authenticate(anonymous(), { optional: true }))?.subject).toBe('user_1');
  });

  it('still answers 401 for a hook result that is not an AuthContext', async () => {
    const policy = createAuth({ authenticate: (async () => ({ subject: 'x' })) as unknown as Authenticate, logger: false });
    expect((await rejection(policy.authenticate(anonymous(), { optional: true }))).status).toBe(401);
  });

  it("still answers a hook's HTTPError", async () => {
    const policy = createAuth({ authenticate: async () => Promise.reject(new InvalidToken()), logger: false });
    expect((await rejection(policy.authenticate(anonymous(), { optional: true }))).code).toBe('invalid_token');
  });

  it('is off unless optional is exactly true', async () => {
    const policy = createAuth({ authenticate: decline, logger: false });
    expect((await rejection(policy.authenticate(anonymous()))).status).toBe(401);
    expect((await rejection(policy.authenticate(anonymous(), { optional: 'yes' } as never))).status).toBe(401);
  });
});

describe('respond: the policy envelope applies everywhere', () => {
  it('uses errorResponse for every error the policy answers', async () => {
    const policy = createAuth({ authenticate: decline, logger: false, errorResponse: (info) => ({ body: { error: info.code } }) });
    const error = await rejection(policy.authenticate(requestWith()));
    expect(JSON.parse(policy.respond(error).body)).toEqual({ error: 'unauthorized' });
    expect(JSON.parse(policy.respond(new Error(SECRET)).body)).toEqual({ error: 'internal_error' });
  });

  it('falls back to a generic 500 when the envelope throws, and never throws itself', () => {
    const policy = createAuth({
      authenticate: decline,
      logger: false,
      errorResponse: () => {
        throw new Error(SECRET);
      },
    });
    const response = policy.respond(new Unauthorized());
    expect(response.status).toBe(500);
    expect(response.body).not.toContain(SECRET);
  });
});

describe('createAuth: the challenge sent to callers without a credential', () => {
  it('sends WWW-Authenticate: Bearer by default', async () => {
    const policy = createAuth({ authenticate: decline, logger: false });
    const error = await rejection(policy.authenticate(anonymous()));
    expect(policy.respond(error).headers['www-authenticate']).toBe('Bearer');
  });

  it('sends the configured challenge, e.g. Basic for a Basic-only policy', async () => {
    const policy = createAuth({ authenticate: decline, logger: false, challenge: 'Basic realm="admin", charset="UTF-8"' });
    const error = await rejection(policy.authenticate(anonymous()));
    expect(error).toBeInstanceOf(Unauthorized);
    expect(policy.respond(error).headers['www-authenticate']).toBe('Basic realm="admin", charset="UTF-8"');
  });

  it('uses the configured challenge when a hook returns a wrong type too', async () => {
    const policy = createAuth({ authenticate: async () => ({ subject: 'x' }) as unknown as AuthContext, logger: false, challenge: 'Basic' });
    const error = await rejection(policy.authenticate(anonymous()));
    expect(policy.respond(error).headers['www-authenticate']).toBe('Basic');
  });

  it.each([['Basic\r\nSet-Cookie: a=b'], [''], [' Basic'], ['Basic realm="é"']])('refuses the challenge %j', (challenge) => {
    expect(configError({ authenticate: decline, challenge }).message).toContain("option 'challenge'");
  });
});

describe('approve: a policy without an approve hook', () => {
  const approval = (policy: ReturnType<typeof createAuth>, args: unknown = { amount: 10 }) =>
    policy.approve({ req: requestWith({ authorization: `Bearer ${TOKEN}`, 'x-approval-token': SECRET }), auth: user(), action: 'transfer', args });

  it('throws ImproperlyConfigured, which the policy answers with the generic 500', async () => {
    const policy = createAuth({ authenticate: accept, logger: false, errorResponse: (e) => ({ body: { oops: e.code } }) });
    const { error } = await outcome(approval(policy));
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    const response = policy.respond(error);
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ oops: 'internal_error' });
  });

  it('logs one error through the policy logger, naming the action and the request, never a token', async () => {
    const logger = recordingLogger();
    await outcome(approval(createAuth({ authenticate: accept, logger })));
    expect(logger.calls).toEqual([
      {
        level: 'error',
        message: 'action "transfer" refused: the policy has no approve hook (createAuth({ approve })), so approval-gated actions always fail',
        fields: { action: 'transfer', requestId: 'req-1' },
      },
    ]);
    expect(logger.text()).not.toContain(TOKEN);
    expect(logger.text()).not.toContain(SECRET);
  });

  it('decides before hashing: arguments with no canonical form still get the 500, not a 400', async () => {
    const logger = recordingLogger();
    const { error } = await outcome(approval(createAuth({ authenticate: accept, logger }), { amount: Number.NaN }));
    expect(error).toBeInstanceOf(ImproperlyConfigured);
    expect(logger.calls).toHaveLength(1);
  });

  it('does not write to the console when the logger is false', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await outcome(approval(createAuth({ authenticate: accept, logger: false })));
      expect(error).not.toHaveBeenCalled();
    } finally {
      error.mockRestore();
    }
  });
});
