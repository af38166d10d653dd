import { z } from 'zod';
import { AuthContext } from '../../context.js';
import { crypto } from '../../crypto/backend.js';
import { ImproperlyConfigured, InvalidToken } from '../../errors.js';
import { parseOptions } from '../../options.js';
import type { Authenticate } from '../../policy.js';
import type { AuthRequest } from '../../request.js';
import { redact } from '../../secret.js';
import { bearerToken, declareTransports, DEFAULT_TRANSPORTS } from '../credentials.js';
import { ExpiringLru } from './cache.js';
import { checkClaims, defaultToContext, type ClaimExpectations, type IntrospectionClaims } from './claims.js';
import { introspect, type ClientAuthMethod, type IntrospectionClient } from './client.js';

/** Maps active, checked claims to an AuthContext; null means the token grants nothing (401). */
export type IntrospectionToContext = (claims: IntrospectionClaims, req: AuthRequest) => AuthContext | null | Promise<AuthContext | null>;

export interface IntrospectionOptions {
  /** The RFC 7662 endpoint. `https:` required, except on a loopback host (localhost, 127.0.0.0/8, [::1]). */
  readonly endpoint: string | URL;
  readonly clientId: string;
  /** At least 16 characters; never logged, serialised or put in an error. */
  readonly clientSecret: string;
  /** How the client authenticates (RFC 6749 §2.3.1). Default `client_secret_basic`. */
  readonly clientAuth?: ClientAuthMethod;
  /** Sent as `token_type_hint`; `false` to omit it. Default `access_token`. */
  readonly tokenTypeHint?: string | false;
  /** Accepted `iss` value(s); when set, a response without a matching `iss` is 401. */
  readonly issuer?: string | readonly string[];
  /** Accepted `aud` value(s); when set, the response's `aud` must contain one. */
  readonly audience?: string | readonly string[];
  /** Accepted `token_type` value(s), compared case-insensitively (e.g. `Bearer`). */
  readonly tokenType?: string | readonly string[];
  /** Refuse active responses without `exp`. Default false (RFC 7662 makes `exp` optional). */
  readonly requireExp?: boolean;
  /** Seconds of leeway for `exp` and `nbf`. Default 5, at most 300. */
  readonly clockTolerance?: number;
  /**
   * Longest time, in seconds, an active result is reused. Never beyond the token's `exp`.
   * Default 60; 0 turns the cache off. Inactive tokens and failures are never cached.
   */
  readonly cacheMaxAge?: number;
  /** Most results kept (least recently used go first). Default 1000. */
  readonly cacheSize?: number;
  /** Milliseconds before the call is abandoned (503). Default 5000. */
  readonly timeoutMs?: number;
  /** Largest response body read. Default 64 KiB. */
  readonly maxResponseBytes?: number;
  /** Longest token sent to the endpoint; longer ones are 401 without a call. Default 8192. */
  readonly maxTokenLength?: number;
  readonly toContext?: IntrospectionToContext;
  /** The fetch to use (e.g. one with a proxy agent). Default `globalThis.fetch`. */
  readonly fetch?: typeof globalThis.fetch;
}

const list = z.union([z.string().min(1), z.array(z.string().min(1)).min(1).readonly()]);
const fn = <T>() => z.custom<T>((v) => typeof v === 'function', 'must be a function');
const optionsSchema = z
  .object({
    endpoint: z.custom<string | URL>((v) => typeof v === 'string' || v instanceof URL, 'must be a URL or a string'),
    clientId: z.string().min(1),
    clientSecret: z.string().min(16, 'must be at least 16 characters'),
    clientAuth: z.enum(['client_secret_basic', 'client_secret_post']).optional(),
    tokenTypeHint: z.union([z.literal(false), z.string().min(1)]).optional(),
    issuer: list.optional(),
    audience: list.optional(),
    tokenType: list.optional(),
    requireExp: z.boolean().optional(),
    clockTolerance: z.number().min(0).max(300).optional(),
    cacheMaxAge: z.number().min(0).max(86_400).optional(),
    cacheSize: z.number().int().min(0).max(1_000_000).optional(),
    timeoutMs: z.number().int().min(1).max(60_000).optional(),
    maxResponseBytes: z.number().int().min(256).max(16 * 1024 * 1024).optional(),
    maxTokenLength: z.number().int().min(16).max(65_536).optional(),
    toContext: fn<IntrospectionToContext>().optional(),
    fetch: fn<typeof globalThis.fetch>().optional(),
  })
  .strict();

const WHERE = 'introspection';

/**
 * OAuth 2.0 token introspection (RFC 7662) for opaque bearer tokens. The token (from
 * `Authorization: Bearer`, or `?token=` on WebSocket upgrades) is POSTed to the endpoint with
 * client authentication; only `"active": true` (the JSON boolean) with acceptable `exp`, `nbf`,
 * `iss`, `aud` and `token_type` authenticates. An inactive or unacceptable token is 401
 * `invalid_token`. An endpoint that is down, slow, redirects, answers non-200, non-JSON,
 * malformed or oversized JSON is 503: an outage never authenticates anyone.
 *
 * Active results are cached by the SHA-256 of the token, for at most `cacheMaxAge` and never past
 * `exp`; concurrent checks of one token share a single call. Negative results are not cached: a
 * flood of bad tokens cannot evict good entries, and a revoked token is never served from cache
 * longer than `cacheMaxAge`.
 *
 * @example
 * const auth = introspection({
 *   endpoint: 'https://idp.example.com/oauth2/introspect',
 *   clientId: 'api',
 *   clientSecret: process.env.INTROSPECTION_SECRET!,
 *   audience: 'https://api.example.com',
 * });
 */
export function introspection(options: IntrospectionOptions): Authenticate {
  const opts = parseOptions(optionsSchema, options, WHERE);
  const client: IntrospectionClient = Object.freeze({
    endpoint: endpointUrl(opts.endpoint),
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    clientAuth: opts.clientAuth ?? 'client_secret_basic',
    tokenTypeHint: opts.tokenTypeHint === false ? null : (opts.tokenTypeHint ?? 'access_token'),
    timeoutMs: opts.timeoutMs ?? 5000,
    maxResponseBytes: opts.maxResponseBytes ?? 65_536,
    fetch: opts.fetch ?? lateFetch,
  });
  const expect: ClaimExpectations = Object.freeze({
    issuers: toList(opts.issuer),
    audiences: toList(opts.audience),
    tokenTypes: toList(opts.tokenType)?.map((t) => t.toLowerCase()) ?? null,
    requireExp: opts.requireExp ?? false,
    clockTolerance: opts.clockTolerance ?? 5,
  });
  const cacheMaxAgeMs = (opts.cacheMaxAge ?? 60) * 1000;
  const cache = new ExpiringLru<IntrospectionClaims>(cacheMaxAgeMs === 0 ? 0 : (opts.cacheSize ?? 1000));
  const inflight = new Map<string, Promise<IntrospectionClaims>>();
  const maxTokenLength = opts.maxTokenLength ?? 8192;
  const toContext = opts.toContext ?? defaultToContext;

  async function lookup(token: string, key: string): Promise<IntrospectionClaims> {
    const response = await introspect(client, token);
    const now = Date.now();
    const claims = checkClaims(response, expect, Math.floor(now / 1000));
    const lifetime = claims.exp === undefined ? cacheMaxAgeMs : Math.min(cacheMaxAgeMs, claims.exp * 1000 - now);
    if (lifetime > 0) cache.set(key, claims, now + lifetime);
    return claims;
  }

  async function authenticate(req: AuthRequest): Promise<AuthContext | null> {
    const token = bearerToken(req);
    if (token === null) return null;
    if (token.length > maxTokenLength) throw new InvalidToken();
    const key = crypto().sha256Hex(token);
    let claims = cache.get(key, Date.now());
    if (claims !== undefined) {
      // Re-checked on every hit, so the cached answer is held to the same rules as a fresh one.
      checkClaims(claims, expect, Math.floor(Date.now() / 1000));
    } else {
      let pending = inflight.get(key);
      if (pending === undefined) {
        pending = lookup(token, key).finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      claims = await pending;
    }
    const context: unknown = await toContext(claims, req);
    if (context === null) throw new InvalidToken();
    if (!(context instanceof AuthContext)) throw new TypeError('introspection: toContext must return an AuthContext or null');
    return context;
  }

  redact(authenticate, 'introspection', () => ({
    endpoint: client.endpoint.origin + client.endpoint.pathname,
    clientId: client.clientId,
    clientSecret: '[redacted]',
    clientAuth: client.clientAuth,
    cached: cache.size,
  }));
  return declareTransports(authenticate, DEFAULT_TRANSPORTS);
}

// Looked up per call, so a fetch installed after start-up (a test double, an agent) is honoured.
const lateFetch: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, init);

function endpointUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ImproperlyConfigured(`${WHERE}: option 'endpoint' must be an absolute URL`);
  }
  if (url.username !== '' || url.password !== '') throw new ImproperlyConfigured(`${WHERE}: option 'endpoint' must not embed credentials; use clientId and clientSecret`);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  throw new ImproperlyConfigured(`${WHERE}: option 'endpoint' must use https: (http: is allowed on loopback hosts only)`);
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function toList(value: string | readonly string[] | undefined): readonly string[] | null {
  if (value === undefined) return null;
  return Object.freeze(typeof value === 'string' ? [value] : [...value]);
}
