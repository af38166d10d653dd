import { z } from 'zod';
import { AuthContext, type MetadataValue } from '../../context.js';
import { ImproperlyConfigured, InvalidRequest, InvalidToken } from '../../errors.js';
import { parseOptions } from '../../options.js';
import { withSyncTwin, type Authenticate } from '../../policy.js';
import type { AuthRequest, RequestSource } from '../../request.js';
import { redact } from '../../secret.js';
import {
  bearerHeaderToken,
  declareTransports,
  presentTransports,
  queryToken,
  singleHeader,
  type CredentialTransport,
} from '../credentials.js';
import { entrySchema, isPlausibleKey, KeySet, type ApiKeyEntry, type ParsedEntry } from './key-set.js';
import { publicUsers, readUserId, type PublicUserOptions } from './public-user.js';

/** Looks a presented key up elsewhere (a database, a vault); null means the key is not valid. */
export type ApiKeyVerify = (key: string, req: AuthRequest) => Promise<AuthContext | null>;

/** Separate key sets per surface (Cheshire Cat's CCAT_API_KEY and CCAT_API_KEY_WS); an unlisted surface accepts no key. */
export type ApiKeysBySurface = { readonly [S in RequestSource]?: readonly ApiKeyEntry[] };

interface ApiKeyReadOptions {
  /** Header the key is read from, or `false` for none. Default `x-api-key`. */
  readonly header?: string | false;
  /** Also read `Authorization: Bearer <key>` (Cheshire Cat's HTTP rule). Default false. */
  readonly bearer?: boolean;
  /**
   * Also read the key from a query parameter (default name `token`): on WebSocket upgrades only,
   * and on plain HTTP only with `onHttp: true`. Default off: query strings end up in logs.
   */
  readonly query?: boolean | { readonly param?: string; readonly onHttp?: boolean };
  /**
   * On the transports other providers share (Bearer, query), only tokens starting with one of these
   * prefixes are API keys; any other token is left to the next provider (null). Without it, every
   * token there is taken for an API key, and an unknown one is 401.
   */
  readonly prefix?: string | readonly string[];
  /** Cheshire Cat's public users: the subject comes from the `user_id` header (default `user`). */
  readonly publicUsers?: boolean | PublicUserOptions;
}

/** Either static `keys` (plain or hashed) or a `verify` callback, never both. */
export type ApiKeyOptions = ApiKeyReadOptions &
  (
    | { readonly keys: readonly ApiKeyEntry[] | ApiKeysBySurface; readonly verify?: never }
    | { readonly verify: ApiKeyVerify; readonly keys?: never }
  );

const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const entries = z.array(entrySchema).min(1, 'must list at least one key (an empty list would accept nothing)').readonly();
const bySurfaceSchema = z.object({ http: entries.optional(), websocket: entries.optional(), mcp: entries.optional(), cli: entries.optional() }).strict();
const optionsSchema = z
  .object({
    keys: z.custom<NonNullable<unknown>>((v) => typeof v === 'object' && v !== null, 'must be a list of keys or an object of lists per surface').optional(),
    verify: z.custom<ApiKeyVerify>((v) => typeof v === 'function', 'must be a function').optional(),
    header: z.union([z.literal(false), z.string().regex(HEADER, 'must be a header name')]).optional(),
    bearer: z.boolean().optional(),
    query: z.union([z.boolean(), z.object({ param: z.string().min(1).optional(), onHttp: z.boolean().optional() }).strict()]).optional(),
    prefix: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).readonly()]).optional(),
    publicUsers: z.union([z.boolean(), z.custom<object>((v) => typeof v === 'object' && v !== null, 'must be a boolean or an object')]).optional(),
  })
  .strict();

const WHERE = 'apiKey';

/**
 * API-key authentication. Keys configured in plain text are hashed (SHA-256) when the provider is
 * built and compared as digests in constant time; a stored `hash` works the same way. The key is
 * read from `x-api-key` by default, optionally from `Authorization: Bearer` and, when enabled, from
 * a query parameter on WebSocket upgrades. A key sent by two transports, or a repeated header, is
 * 400; an unknown key is 401 `invalid_token`; a request without one resolves null.
 *
 * @example
 * const keys = apiKey({
 *   keys: {
 *     http: [{ hash: process.env.CCAT_API_KEY_HASH!, subject: 'http-client' }],
 *     websocket: [{ key: process.env.CCAT_API_KEY_WS!, subject: 'ws-client' }],
 *   },
 *   bearer: true,
 *   query: true,          // ?token= on WebSocket upgrades
 *   publicUsers: true,    // subject from the user_id header
 * });
 * export const policy = createAuth({ authenticate: keys });
 */
export function apiKey(options: ApiKeyOptions): Authenticate {
  const opts = parseOptions(optionsSchema, options, WHERE);
  if ((opts.keys === undefined) === (opts.verify === undefined)) {
    throw new ImproperlyConfigured(`${WHERE}: give exactly one of option 'keys' or option 'verify'`);
  }
  const headerName = opts.header === false ? null : (opts.header ?? 'x-api-key').toLowerCase();
  if (headerName === 'authorization') throw new ImproperlyConfigured(`${WHERE}: option 'header' cannot be authorization; use option 'bearer'`);
  const bearer = opts.bearer === true;
  const query = opts.query === undefined || opts.query === false ? null : { param: opts.query === true ? 'token' : (opts.query.param ?? 'token'), onHttp: opts.query !== true && opts.query.onHttp === true };
  if (headerName === null && !bearer && query === null) throw new ImproperlyConfigured(`${WHERE}: no transport is enabled (header, bearer or query)`);
  const prefixes = opts.prefix === undefined ? null : typeof opts.prefix === 'string' ? [opts.prefix] : [...opts.prefix];
  if (prefixes !== null && !bearer && query === null) throw new ImproperlyConfigured(`${WHERE}: option 'prefix' applies only with option 'bearer' or 'query'`);
  const users = publicUsers(opts.publicUsers, WHERE);
  const surfaces = compileSurfaces(opts.keys);
  const verify = opts.verify;

  const transports: CredentialTransport[] = [];
  if (headerName !== null) transports.push({ header: headerName });
  if (bearer) transports.push({ header: 'authorization' });
  if (query !== null) transports.push({ query: query.param, onHttp: query.onHttp });

  function presentedKey(req: AuthRequest): { key: string; shared: boolean } | null {
    const present = presentTransports(req, transports);
    if (present.length > 1) throw new InvalidRequest('Credentials were sent by more than one method.');
    if (present.length === 0) return null;
    if (headerName !== null) {
      const value = singleHeader(req, headerName);
      if (value !== null) return { key: value.trim(), shared: false };
    }
    if (bearer && req.headers.has('authorization')) {
      const token = bearerHeaderToken(req);
      // Another scheme (Basic, …) belongs to another provider.
      return token === null ? null : { key: token, shared: true };
    }
    const token = query === null ? null : queryToken(req, { queryParam: query.param, allowQueryOnHttp: query.onHttp });
    return token === null ? null : { key: token, shared: true };
  }

  // The key this provider should decide on; null when the request carries none for it.
  function plausibleKey(req: AuthRequest): string | null {
    const presented = presentedKey(req);
    if (presented === null) return null;
    const { key, shared } = presented;
    if (shared && prefixes !== null && !prefixes.some((p) => key.startsWith(p))) return null;
    if (key === '' || !isPlausibleKey(key)) throw new InvalidToken();
    return key;
  }

  function lookup(key: string, req: AuthRequest): AuthContext {
    const record = surfaces.get(req.context.source)?.find(key) ?? null;
    if (record === null) throw new InvalidToken();
    return forUser(record.value, req);
  }

  // With `users`, the key acts for the user the request names.
  function forUser(context: AuthContext, req: AuthRequest): AuthContext {
    return users === null ? context : asPublicUser(context, readUserId(req, users));
  }

  async function authenticate(req: AuthRequest): Promise<AuthContext | null> {
    const key = plausibleKey(req);
    if (key === null) return null;
    if (verify === undefined) return lookup(key, req);
    const result: unknown = await verify(key, req);
    if (result === null) throw new InvalidToken();
    if (!(result instanceof AuthContext)) throw new TypeError('apiKey: verify must resolve to an AuthContext or null');
    return forUser(result, req);
  }

  // Static keys decide synchronously; a `verify` callback may await, so it has no twin.
  if (verify === undefined) {
    withSyncTwin(authenticate, (req) => {
      const key = plausibleKey(req);
      return key === null ? null : lookup(key, req);
    });
  }

  const keyCount = [...new Set(surfaces.values())].reduce((n, set) => n + set.size, 0);
  redact(authenticate, 'apiKey', () => ({
    keys: verify === undefined ? keyCount : 'verify()',
    header: headerName ?? false,
    bearer,
    query: query?.param ?? false,
    publicUsers: users !== null,
  }));
  return declareTransports(authenticate, transports);
}

// The two forms of `keys` are parsed apart so a mistake names its exact option (a zod union would not).
function compileSurfaces(keys: unknown): ReadonlyMap<RequestSource, KeySet<AuthContext>> {
  const out = new Map<RequestSource, KeySet<AuthContext>>();
  if (keys === undefined) return out;
  if (Array.isArray(keys)) {
    const list = parseOptions(z.object({ keys: entries }), { keys }, WHERE).keys;
    const set = compileSet(list, `${WHERE}: option 'keys'`);
    for (const source of ['http', 'websocket', 'mcp', 'cli'] as const) out.set(source, set);
    return out;
  }
  const bySurface = parseOptions(z.object({ keys: bySurfaceSchema }), { keys }, WHERE).keys;
  for (const source of ['http', 'websocket', 'mcp', 'cli'] as const) {
    const list = bySurface[source];
    if (list !== undefined) out.set(source, compileSet(list, `${WHERE}: option 'keys.${source}'`));
  }
  if (out.size === 0) throw new ImproperlyConfigured(`${WHERE}: option 'keys' lists no surface, so no key would ever be accepted`);
  return out;
}

function compileSet(list: readonly ParsedEntry[], where: string): KeySet<AuthContext> {
  return new KeySet(list, where, (entry, id) => {
    try {
      return new AuthContext({
        subject: entry.subject,
        metadata: { ...(entry.metadata as Readonly<Record<string, MetadataValue>> | undefined), apiKeyId: id },
        roles: entry.roles ?? [],
        permissions: entry.permissions ?? [],
        scopes: entry.scopes ?? [],
        method: 'api_key',
      });
    } catch (error) {
      throw new ImproperlyConfigured(`${where}: key '${id}' has an invalid identity (${(error as Error).message})`);
    }
  });
}

function asPublicUser(context: AuthContext, userId: string): AuthContext {
  return new AuthContext({
    subject: userId,
    metadata: { ...context.metadata, apiKeySubject: context.subject },
    roles: context.roles,
    permissions: context.permissions,
    scopes: context.scopes,
    method: context.method ?? 'api_key',
  });
}

