import { z } from 'zod';
import { AuthContext, type MetadataValue } from '../../context.js';
import { ImproperlyConfigured, InvalidToken } from '../../errors.js';
import { utf8DecodeStrict } from '../../encoding.js';
import { parseOptions } from '../../options.js';
import type { Authenticate } from '../../policy.js';
import type { AuthRequest } from '../../request.js';
import { redact } from '../../secret.js';
import { authorizationHeader, declareTransports } from '../credentials.js';
import { base64DecodeStrict } from './base64.js';
import { dummyHash, matches, parsePasswordHash, type ParsedHash } from './password.js';

/** Checks a username and password (a database, a directory); null means they are wrong. */
export type BasicVerify = (username: string, password: string, req: AuthRequest) => Promise<AuthContext | null>;

/** A user of the built-in `users` table: a {@link hashPassword} string and what the user is granted. */
export interface BasicUser {
  readonly passwordHash: string;
  readonly roles?: readonly string[];
  readonly permissions?: readonly string[];
  readonly scopes?: readonly string[];
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
}

/** A `verify` callback or a `users` table of password hashes, never both. */
export type BasicOptions = {
  /** Shown in the `WWW-Authenticate: Basic realm="…"` challenge. Default `Restricted`. */
  readonly realm?: string;
} & (
  | { readonly verify: BasicVerify; readonly users?: never }
  | { readonly users: Readonly<Record<string, string | BasicUser>>; readonly verify?: never }
);

// Longest Authorization credential read; Basic credentials are small.
const MAX_CREDENTIALS = 4096;
// RFC 7617 §2: user-id and password exclude CTL characters (U+0000–U+001F, U+007F).
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
const names = z.array(z.string().min(1)).readonly().optional();

const optionsSchema = z
  .object({
    realm: z.string().regex(REALM, 'must be 1–128 printable ASCII characters without quotes or backslashes').optional(),
    verify: z.custom<BasicVerify>((v) => typeof v === 'function', 'must be a function').optional(),
    users: z
      .record(
        z.string().min(1).refine((u) => !u.includes(':') && !hasControl(u), 'usernames must not contain a colon or control characters'),
        z.union([
          z.string(),
          z.object({ passwordHash: z.string(), roles: names, permissions: names, scopes: names, metadata: z.record(z.string(), z.unknown()).optional() }).strict(),
        ]),
      )
      .optional(),
  })
  .strict();

const WHERE = 'basic';

/**
 * HTTP Basic authentication (RFC 7617). The scheme is matched case-insensitively; the credentials
 * must be strict standard base64 of UTF-8 `username:password` (split at the first colon), with a
 * non-empty username and no control characters. Anything else, and every wrong password, is 401
 * `invalid_token` with a `WWW-Authenticate: Basic realm="…", charset="UTF-8"` challenge. A request
 * without Basic credentials resolves null.
 *
 * @example
 * const auth = basic({
 *   realm: 'admin',
 *   verify: async (username, password) =>
 *     (await users.check(username, password)) ? new AuthContext({ subject: username }) : null,
 * });
 * @example
 * const auth = basic({ users: { alice: { passwordHash: await hashPassword(pw), roles: ['admin'] } } });
 */
export function basic(options: BasicOptions): Authenticate {
  const opts = parseOptions(optionsSchema, options, WHERE);
  if ((opts.verify === undefined) === (opts.users === undefined)) {
    throw new ImproperlyConfigured(`${WHERE}: give exactly one of option 'verify' or option 'users'`);
  }
  const realm = opts.realm ?? 'Restricted';
  const challenge = `Basic realm="${realm}", charset="UTF-8"`;
  const verify = opts.verify ?? usersVerifier(opts.users as Readonly<Record<string, string | BasicUser>>);
  const invalid = (): InvalidToken => new InvalidToken(undefined, { headers: { 'www-authenticate': challenge } });

  async function authenticate(req: AuthRequest): Promise<AuthContext | null> {
    const header = authorizationHeader(req);
    if (header === null || header.scheme !== 'basic') return null;
    const credentials = decodeCredentials(header.credentials);
    if (credentials === null) throw invalid();
    const result: unknown = await verify(credentials.username, credentials.password, req);
    if (result === null) throw invalid();
    if (!(result instanceof AuthContext)) throw new TypeError('basic: verify must resolve to an AuthContext or null');
    return result;
  }

  redact(authenticate, 'basic', () => ({ realm, users: opts.users === undefined ? 'verify()' : Object.keys(opts.users).length }));
  return declareTransports(authenticate, [{ header: 'authorization' }]);
}

/** `username` and `password` from Basic credentials, or null when they are not well-formed. */
export function decodeCredentials(encoded: string): { username: string; password: string } | null {
  if (encoded.length > MAX_CREDENTIALS) return null;
  const bytes = base64DecodeStrict(encoded);
  if (bytes === null) return null;
  const text = utf8DecodeStrict(bytes);
  if (text === null) return null;
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  const username = text.slice(0, colon);
  const password = text.slice(colon + 1);
  if (hasControl(username) || hasControl(password)) return null;
  return { username, password };
}

function usersVerifier(users: Readonly<Record<string, string | BasicUser>>): BasicVerify {
  const table = new Map<string, { hash: ParsedHash; context: AuthContext }>();
  for (const username of Object.keys(users)) {
    const entry = users[username]!;
    const user: BasicUser = typeof entry === 'string' ? { passwordHash: entry } : entry;
    const hash = parsePasswordHash(user.passwordHash);
    if (hash === null) throw new ImproperlyConfigured(`${WHERE}: option 'users.${username}' is not a hashPassword() string`);
    let context: AuthContext;
    try {
      context = new AuthContext({
        subject: username,
        roles: user.roles ?? [],
        permissions: user.permissions ?? [],
        scopes: user.scopes ?? [],
        ...(user.metadata === undefined ? {} : { metadata: user.metadata }),
        method: 'basic',
      });
    } catch (error) {
      throw new ImproperlyConfigured(`${WHERE}: option 'users.${username}' is invalid (${(error as Error).message})`);
    }
    table.set(username, { hash, context });
  }
  const first = table.values().next().value;
  if (first === undefined) throw new ImproperlyConfigured(`${WHERE}: option 'users' is empty, so nobody could sign in`);
  const decoy = dummyHash(first.hash);
  return async (username, password) => {
    const user = table.get(username);
    // An unknown user costs one scrypt too, so timing does not reveal which usernames exist.
    const ok = await matches(password, user?.hash ?? decoy);
    return ok && user !== undefined ? user.context : null;
  };
}
