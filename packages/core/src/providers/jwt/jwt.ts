import type { AuthContext } from '../../context.js';
import { InvalidToken } from '../../errors.js';
import { PENDING, withSyncTwin, type Authenticate, type Pending } from '../../policy.js';
import type { AuthRequest } from '../../request.js';
import { bearerCredential } from '../credentials.js';
import { VerdictCache, type Verdict } from './cache.js';
import { checkClaims, checkTimes, type TimeClaims } from './claims.js';
import { checkHeader, type AcceptedHeader } from './header.js';
import { compileJwtOptions, type JwtSettings } from './options.js';
import { parseCompact, type CompactToken } from './segments.js';
import { acceptedContext } from './to-context.js';
import type { JwtClaims, JwtHeader, JwtOptions } from './types.js';

// Every cached token counts against this many characters in total (8 MiB at 1 byte each).
const CACHE_MAX_CHARS = 8 * 1024 * 1024;
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A provider that authenticates `Authorization: Bearer <JWT>` (or `?token=` on WebSocket
 * upgrades). Resolves null when the request carries no bearer token; throws InvalidToken (401,
 * RFC 6750 header, the same body for every failure) for any token that does not pass, and
 * ServiceUnavailable (503) when a remote JWKS cannot be had. Options are checked now: a mistake
 * is ImproperlyConfigured. Keys are imported once; verified tokens are cached (re-checking time
 * claims, key currency and `revoked` on every hit), and concurrent requests with one never-seen
 * token share a single verification and `toContext` call (`revoked` still runs for each).
 *
 * @example
 * const auth = createAuth({
 *   authenticate: jwt({
 *     algorithms: ['ES256'],
 *     jwksUrl: 'https://issuer.example/.well-known/jwks.json',
 *     issuer: 'https://issuer.example/',
 *     audience: 'my-api',
 *   }),
 * });
 *
 * @example
 * jwt({ algorithms: ['HS256'], secret: process.env.JWT_SECRET!, claims: { roles: ['realm_access', 'roles'] } });
 */
export function jwt(options: JwtOptions): Authenticate {
  const settings = compileJwtOptions(options);
  const cache = settings.cacheMax === 0 ? null : new VerdictCache(settings.cacheMax, CACHE_MAX_CHARS);
  const { revoked, claims: rules } = settings;
  // One token the synchronous twin prechecked before saying PENDING for its signature check; the
  // asynchronous call that follows at once takes it instead of parsing the token again.
  let handoff: { readonly token: string; readonly pre: Prechecked } | undefined;
  // Verifications under way, by token: concurrent requests with one never-seen token share one
  // signature check and one `toContext` call. Holds a token only while it is being verified.
  const inflight = new Map<string, Promise<Verdict>>();

  const verifyShared = (token: string, now: number, pre: Prechecked | undefined): Promise<Verdict> => {
    let pending = inflight.get(token);
    if (pending !== undefined) return pending;
    pending = verify(token, now, settings, pre);
    inflight.set(token, pending);
    const settle = (): void => {
      inflight.delete(token);
    };
    pending.then((verdict) => {
      settle();
      cache?.offer(token, verdict);
    }, settle);
    return pending;
  };

  // The cached verdict for `token`, its time claims checked again; an expired one is dropped (401).
  const cached = (token: string, now: number): Verdict | undefined => {
    const verdict = cache?.get(token, now);
    if (verdict !== undefined && !checkTimes(verdict.times, now / 1000, rules)) {
      cache!.delete(token);
      throw new InvalidToken();
    }
    return verdict;
  };

  // The credential is not scanned for b64token characters: parseCompact accepts only canonical
  // base64url segments (a subset) and answers the same 401 for anything else, and a cache hit is a
  // token that passed it.
  const authenticate = async (req: AuthRequest): Promise<AuthContext | null> => {
    const token = bearerCredential(req);
    if (token === null) return null;
    const now = Date.now();
    let verdict = cached(token, now);
    if (verdict === undefined) {
      // The twin may have just parsed this very token and stopped at an asynchronous signature check.
      const pre = handoff !== undefined && handoff.token === token ? handoff.pre : undefined;
      handoff = undefined;
      verdict = await verifyShared(token, now, pre);
      // A shared verification may have begun before this request: its time claims are this request's to check.
      if (!checkTimes(verdict.times, Date.now() / 1000, rules)) throw new InvalidToken();
    }
    if (revoked !== undefined && (await revoked(verdict.claims, verdict.header)) !== false) throw new InvalidToken();
    return verdict.context;
  };

  // The same outcome as `authenticate` whenever it is reachable without awaiting: no token, a
  // cache hit, a token refused by its shape, header or claims, or an HMAC miss verified on
  // node:crypto with the key at hand and the built-in mapping.
  // A `revoked` hook may await, so with one every token is PENDING.
  const sync = (req: AuthRequest): AuthContext | null | Pending => {
    const token = bearerCredential(req);
    if (token === null) return null;
    if (revoked !== undefined) return PENDING;
    const now = Date.now();
    const hit = cached(token, now);
    if (hit !== undefined) return hit.context;
    if (!settings.defaultToContext) return PENDING;
    const verdict = verifySync(token, now, settings);
    if (verdict === PENDING) return PENDING;
    if (!('context' in verdict)) {
      handoff = { token, pre: verdict };
      return PENDING;
    }
    cache?.offer(token, verdict);
    return verdict.context;
  };

  const summary = `jwt ${JSON.stringify(settings.summary)}`;
  Object.defineProperties(authenticate, {
    name: { value: 'jwt' },
    toJSON: { value: () => ({ provider: 'jwt', ...settings.summary }) },
    [INSPECT]: { value: () => summary },
  });
  return withSyncTwin(authenticate, sync);
}

interface Prechecked {
  readonly parsed: CompactToken;
  readonly accepted: AcceptedHeader;
  readonly times: TimeClaims;
}

// Cheap checks (shape, header, claims, time) come before any key lookup, so garbage and
// expired tokens never cause a JWKS fetch; the signature is checked before anything is mapped.
function precheck(token: string, now: number, settings: JwtSettings): Prechecked {
  const parsed = parseCompact(token, settings.maxTokenSize);
  if (parsed === null) throw new InvalidToken();
  const accepted = checkHeader(parsed.header, settings.header);
  if (accepted === null) throw new InvalidToken();
  const times = checkClaims(parsed.payload, settings.claims);
  if (times === null || !checkTimes(times, now / 1000, settings.claims)) throw new InvalidToken();
  return { parsed, accepted, times };
}

// `pre`: what `precheck` gave for this token moments ago; its times are checked again against `now`.
async function verify(token: string, now: number, settings: JwtSettings, pre?: Prechecked): Promise<Verdict> {
  if (pre !== undefined && !checkTimes(pre.times, now / 1000, settings.claims)) throw new InvalidToken();
  const { parsed, accepted, times } = pre ?? precheck(token, now, settings);
  const pending = settings.keys.key(accepted.alg, accepted.kid);
  const key = pending instanceof Promise ? await pending : pending;
  if (parsed.signatureLength !== key.signatureLength) throw new InvalidToken();
  const result = key.verify(parsed);
  if ((typeof result === 'boolean' ? result : await result) !== true) throw new InvalidToken();
  const claims = parsed.payload as JwtClaims;
  const header = parsed.header as JwtHeader;
  const context = acceptedContext(await settings.toContext(claims, header));
  if (context === null) throw new InvalidToken();
  return { context, claims, header, times, lease: key.lease };
}

// `verify` without awaiting, for the built-in mapping only: PENDING (before any side effect) when
// the key is not at hand, and the prechecked token when the key verifies asynchronously.
function verifySync(token: string, now: number, settings: JwtSettings): Verdict | Prechecked | Pending {
  const pre = precheck(token, now, settings);
  const { parsed, accepted, times } = pre;
  const key = settings.keys.keySync(accepted.alg, accepted.kid);
  if (key === undefined) return PENDING;
  if (parsed.signatureLength !== key.signatureLength) throw new InvalidToken();
  if (!key.sync) return pre;
  if ((key.verify(parsed) as boolean) !== true) throw new InvalidToken();
  const claims = parsed.payload as JwtClaims;
  const header = parsed.header as JwtHeader;
  const context = acceptedContext(settings.toContext(claims, header));
  if (context === null) throw new InvalidToken();
  return { context, claims, header, times, lease: key.lease };
}
