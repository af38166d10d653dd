import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import {
  ApprovalDenied,
  ApprovalRequest,
  ApprovalRequired,
  argumentsHash,
  AuthContext,
  AuthRequest,
  createAuth,
  HTTPError,
  ImproperlyConfigured,
  InternalError,
  InvalidRequest,
  ServiceUnavailable,
  type ActionApproval,
  type ApproveParams,
  type HeadersInput,
} from '../src/index.js';
import { never, outcome, recordingLogger, SECRET } from './fixtures/policy.js';

const APPROVAL_TOKEN = 'apv_7c1e2f9b0d4a6e3c5b8a';
const ARGS = { to: 'acct_1', amount: 10 };
const HASH = argumentsHash('transfer', ARGS);
const caller = new AuthContext({ subject: 'user_1' });

const req = (headers: HeadersInput = { 'x-approval-token': APPROVAL_TOKEN }): AuthRequest =>
  new AuthRequest({ method: 'POST', path: '/transfer', headers, context: { source: 'mcp', tool: 'bank', requestId: 'r-9' } });

const params = (overrides: Partial<ApproveParams> = {}): ApproveParams => ({ req: req(), auth: caller, action: 'transfer', args: ARGS, ...overrides });

function policyWith(approve: ActionApproval, extra: { timeoutMs?: number; approvalHeader?: string } = {}) {
  return createAuth({ authenticate: async () => null, approve, logger: false, ...extra });
}

async function refusal(promise: Promise<unknown>): Promise<HTTPError> {
  const { error } = await outcome(promise);
  expect(error).toBeInstanceOf(HTTPError);
  return error as HTTPError;
}

describe('ApprovalRequest', () => {
  const init = { action: 'transfer', argumentsHash: HASH, token: APPROVAL_TOKEN, auth: caller, context: { source: 'cli' as const } };

  it('carries action, argumentsHash, token, auth and a frozen context', () => {
    const request = new ApprovalRequest(init);
    expect(request.action).toBe('transfer');
    expect(request.argumentsHash).toBe(HASH);
    expect(request.token).toBe(APPROVAL_TOKEN);
    expect(request.auth).toBe(caller);
    expect(request.context).toEqual({ source: 'cli', entrypoint: 'server' });
    expect(Object.isFrozen(request)).toBe(true);
    expect(Object.isFrozen(request.context)).toBe(true);
  });

  it('defaults auth to null and the context to http/server', () => {
    const request = new ApprovalRequest({ action: 'a', argumentsHash: HASH, token: 't' });
    expect(request.auth).toBeNull();
    expect(request.context).toEqual({ source: 'http', entrypoint: 'server' });
  });

  it('keeps the token out of JSON.stringify, inspect and Object.keys', () => {
    const request = new ApprovalRequest(init);
    expect(JSON.stringify(request)).not.toContain(APPROVAL_TOKEN);
    expect(JSON.stringify(request)).not.toContain(APPROVAL_TOKEN.slice(-4));
    expect(inspect(request)).not.toContain(APPROVAL_TOKEN);
    expect(Object.keys(request)).not.toContain('token');
    expect(JSON.parse(JSON.stringify(request))).toMatchObject({ action: 'transfer', argumentsHash: HASH, token: '****' });
  });

  it('rejects an empty action', () => {
    expect(() => new ApprovalRequest({ ...init, action: '' })).toThrow(/action/);
  });

  it('rejects an argumentsHash that is not sha256 hex', () => {
    for (const bad of ['', 'abc', HASH.toUpperCase(), HASH.slice(0, -1), 'md5:' + HASH.slice(7)]) {
      expect(() => new ApprovalRequest({ ...init, argumentsHash: bad })).toThrow(/argumentsHash/);
    }
  });

  it('rejects an empty or non-string token', () => {
    expect(() => new ApprovalRequest({ ...init, token: '' })).toThrow(/token/);
    expect(() => new ApprovalRequest({ ...init, token: 1 as never })).toThrow(/token/);
  });

  it('rejects an auth that is not an AuthContext', () => {
    expect(() => new ApprovalRequest({ ...init, auth: { subject: 'x' } as never })).toThrow(/auth/);
  });

  it('rejects an invalid context', () => {
    expect(() => new ApprovalRequest({ ...init, context: { source: 'smtp' as never } })).toThrow(/source/);
  });
});

describe('policy.approve: approval_required (409)', () => {
  it('answers 409 when no token was sent, without calling the hook', async () => {
    const hook = vi.fn(async () => true);
    const error = await refusal(policyWith(hook).approve(params({ req: req({}) })));
    expect(error).toBeInstanceOf(ApprovalRequired);
    expect(error.status).toBe(409);
    expect(hook).not.toHaveBeenCalled();
  });

  it('answers 409 for an empty token header', async () => {
    expect((await refusal(policyWith(async () => true).approve(params({ req: req({ 'x-approval-token': '' }) })))).status).toBe(409);
  });

  it('answers 409 for a token header of only spaces', async () => {
    expect((await refusal(policyWith(async () => true).approve(params({ req: req({ 'x-approval-token': '   ' }) })))).status).toBe(409);
  });

  it('answers 409 for an explicit empty, blank, null or non-string token', async () => {
    for (const token of ['', '  ', null, 5]) {
      const hook = vi.fn(async () => true);
      expect((await refusal(policyWith(hook).approve(params({ token } as never)))).code).toBe('approval_required');
      expect(hook).not.toHaveBeenCalled();
    }
  });

  it('carries the action and arguments hash in the 409 body', async () => {
    const policy = policyWith(async () => true);
    const response = policy.respond(await refusal(policy.approve(params({ req: req({}) }))));
    expect(response.status).toBe(409);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'approval_required', action: 'transfer', argumentsHash: HASH });
  });
});

describe('policy.approve: only exactly true allows', () => {
  it('resolves the ApprovalRequest the hook approved', async () => {
    const hook = vi.fn(async () => true);
    const approved = await policyWith(hook).approve(params());
    expect(approved).toBeInstanceOf(ApprovalRequest);
    expect(approved).toMatchObject({ action: 'transfer', argumentsHash: HASH, token: APPROVAL_TOKEN, auth: caller });
    expect(approved.context).toEqual({ source: 'mcp', entrypoint: 'server', tool: 'bank', requestId: 'r-9' });
    expect(hook).toHaveBeenCalledWith(approved);
  });

  it('binds the request to the exact arguments: other arguments give another hash', async () => {
    const seen: string[] = [];
    const policy = policyWith(async (request) => {
      seen.push(request.argumentsHash);
      return true;
    });
    await policy.approve(params());
    await policy.approve(params({ args: { ...ARGS, amount: 11 } }));
    await policy.approve(params({ args: { amount: 10, to: 'acct_1' } }));
    expect(seen[0]).toBe(HASH);
    expect(seen[1]).not.toBe(HASH);
    expect(seen[2]).toBe(HASH);
  });

  it('answers 403 approval_denied when the hook returns false', async () => {
    const error = await refusal(policyWith(async () => false).approve(params()));
    expect(error).toBeInstanceOf(ApprovalDenied);
    expect(error.status).toBe(403);
  });

  const notTrue: Array<[string, unknown]> = [
    ["the string 'true'", 'true'],
    ['1', 1],
    ['{}', {}],
    ['[true]', [true]],
    ['undefined', undefined],
    ['null', null],
    ['a Boolean object wrapping true', Object(true)],
  ];
  for (const [what, verdict] of notTrue) {
    it(`answers 403 approval_denied when the hook returns ${what}`, async () => {
      const error = await refusal(policyWith((async () => verdict) as unknown as ActionApproval).approve(params()));
      expect(error.code).toBe('approval_denied');
    });
  }

  it('carries the action and arguments hash in the 403 body', async () => {
    const policy = policyWith(async () => false);
    const response = policy.respond(await refusal(policy.approve(params())));
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'approval_denied', action: 'transfer', argumentsHash: HASH });
  });

  it('allows an anonymous caller (auth null) when the hook approves', async () => {
    expect((await policyWith(async () => true).approve(params({ auth: null }))).auth).toBeNull();
  });
});

describe('policy.approve: the hook fails', () => {
  it('keeps the status of an HTTPError the hook throws', async () => {
    const error = await refusal(policyWith(async () => Promise.reject(new HTTPError('Slow down', { status: 429 }))).approve(params()));
    expect(error.status).toBe(429);
    expect(error.detail).toBe('Slow down');
  });

  it('answers a generic 500 for any other throw, leaking neither message nor token', async () => {
    const logger = recordingLogger();
    const policy = createAuth({
      authenticate: async () => null,
      approve: async (request) => Promise.reject(new Error(`store failed for ${request.token} ${SECRET}`)),
      logger,
    });
    const error = await refusal(policy.approve(params()));
    expect(error).toBeInstanceOf(InternalError);
    const everything = JSON.stringify(policy.respond(error)) + logger.text();
    expect(everything).not.toContain(APPROVAL_TOKEN);
    expect(everything).not.toContain(SECRET);
    expect(logger.calls[0]).toMatchObject({ level: 'error', message: 'approve hook failed' });
  });

  it('ends a hook that never settles at the timeout with 503, aborting the request signal', async () => {
    const request = req();
    const policy = policyWith(() => never(), { timeoutMs: 10 });
    expect(await refusal(policy.approve(params({ req: request })))).toBeInstanceOf(ServiceUnavailable);
    expect(request.signal.aborted).toBe(true);
  });
});

describe('policy.approve: input checks before the hook', () => {
  it('answers 400 for two approval token headers, without calling the hook', async () => {
    for (const headers of [{ 'x-approval-token': ['a', 'b'] }, [['x-approval-token', 'a'], ['X-Approval-Token', 'a']]] as HeadersInput[]) {
      const hook = vi.fn(async () => true);
      const error = await refusal(policyWith(hook).approve(params({ req: req(headers) })));
      expect(error).toBeInstanceOf(InvalidRequest);
      expect(error.status).toBe(400);
      expect(hook).not.toHaveBeenCalled();
    }
  });

  it('answers 400 for arguments with no canonical form, without calling the hook', async () => {
    const hook = vi.fn(async () => true);
    const error = await refusal(policyWith(hook).approve(params({ args: { amount: Number.NaN } })));
    expect(error.status).toBe(400);
    expect(hook).not.toHaveBeenCalled();
  });

  it('reads the token from the configured approval header', async () => {
    const hook = vi.fn(async () => true);
    const policy = policyWith(hook, { approvalHeader: 'x-confirm' });
    expect((await refusal(policy.approve(params()))).status).toBe(409);
    expect((await policy.approve(params({ req: req({ 'X-Confirm': ` ${APPROVAL_TOKEN} ` }) }))).token).toBe(APPROVAL_TOKEN);
  });

  it('prefers an explicitly given token to the header', async () => {
    expect((await policyWith(async () => true).approve(params({ token: 'explicit' }))).token).toBe('explicit');
  });

  it('raises ImproperlyConfigured when the policy has no approve hook', async () => {
    const policy = createAuth({ authenticate: async () => null, logger: false });
    await expect(policy.approve(params())).rejects.toBeInstanceOf(ImproperlyConfigured);
  });

  it('rejects a req that is not an AuthRequest and an auth that is not an AuthContext', async () => {
    const policy = policyWith(async () => true);
    await expect(policy.approve(params({ req: {} as never }))).rejects.toThrow(TypeError);
    await expect(policy.approve(params({ auth: { subject: 'forged' } as never }))).rejects.toThrow(TypeError);
  });
});
