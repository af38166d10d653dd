// The policy the scenarios share: a hand-written bearer hook over a fixed token map (so the suite
// does not depend on the built-in providers), an approve hook, and a logger that records.
import { AuthContext, createAuth, InvalidRequest, InvalidToken, type Authenticate, type AuthOptions, type AuthPolicy, type AuthRequest } from '@auth/core';

export const TOKENS: Readonly<Record<string, { subject: string; roles: string[]; permissions: string[] }>> = {
  'tok-alice': { subject: 'alice', roles: ['admin'], permissions: ['reports:read'] },
  'tok-bob': { subject: 'bob', roles: ['user'], permissions: [] },
};

export const ALICE = { authorization: 'Bearer tok-alice' };
export const BOB = { authorization: 'Bearer tok-bob' };

function credential(req: AuthRequest): string | null {
  const header = req.headers.get('authorization');
  const query = req.context.source === 'websocket' ? req.query.getAll('token') : [];
  if (header !== null && query.length > 0) throw new InvalidRequest('Credentials were sent by more than one method.');
  if (query.length > 1) throw new InvalidRequest('Credentials were sent by more than one method.');
  if (query.length === 1) return query[0]!;
  if (header === null) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  if (match === null) throw new InvalidToken();
  return match[1]!;
}

/** Bearer tokens from {@link TOKENS}; `?token=` counts on WebSocket upgrades only. */
export const bearer: Authenticate = async (req) => {
  const token = credential(req);
  if (token === null) return null;
  const user = TOKENS[token];
  if (user === undefined) throw new InvalidToken();
  return new AuthContext({ ...user, method: 'bearer' });
};

/** Approves a call when the token is `ok:` followed by the call's arguments hash. */
export const approveByHash: NonNullable<AuthOptions['approve']> = async (request) => request.token === `ok:${request.argumentsHash}`;

export interface RecordingPolicy {
  readonly policy: AuthPolicy;
  /** Everything the policy logged, as JSON lines. */
  readonly logs: string[];
}

/** The shared policy, with any option replaced; logs are captured instead of printed. */
export function makePolicy(overrides: Partial<AuthOptions> = {}): RecordingPolicy {
  const logs: string[] = [];
  const record = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    logs.push(JSON.stringify({ level, message, fields }));
  };
  const policy = createAuth({
    authenticate: bearer,
    approve: approveByHash,
    logger: { warn: record('warn'), error: record('error') },
    ...overrides,
  });
  return { policy, logs };
}
