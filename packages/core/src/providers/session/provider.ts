import { z } from 'zod';
import { AuthContext, type MetadataValue } from '../../context.js';
import { ImproperlyConfigured, InvalidRequest, InvalidToken } from '../../errors.js';
import { parseOptions } from '../../options.js';
import type { AuthRequest } from '../../request.js';
import { redact } from '../../secret.js';
import { SignedCookieSigner } from '../../signer.js';
import { declareTransports } from '../credentials.js';
import { cookieProblem, serializeCookie, type CookieOptions } from './cookie.js';

/** What a JSON session cookie carries (signed, not encrypted: everyone holding it can read it). */
export interface SessionData {
  readonly sub: string;
  readonly roles?: readonly string[];
  readonly permissions?: readonly string[];
  readonly scopes?: readonly string[];
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
}

/** Turns a verified cookie value (e.g. a session id) into a context; null means the session is gone. */
export type SessionLoad = (value: string, req: AuthRequest) => Promise<AuthContext | null>;

export interface SessionOptions {
  /** Current signing secret, at least 32 bytes. */
  readonly secret: string | Uint8Array;
  /** Old secrets still accepted; a cookie signed with one is reported by {@link SessionProvider.resignCookie}. */
  readonly fallbackSecrets?: readonly (string | Uint8Array)[];
  /** Signing salt, so session cookies never verify as other signed values. Default `auth.session`. */
  readonly salt?: string;
  /** Session lifetime in seconds: the cookie's Max-Age and the signed expiry. Default 86400 (1 day). */
  readonly maxAge?: number;
  /** Cookie name (default `__Host-session`) and attributes (default HttpOnly, Secure, SameSite=Lax, Path=/). */
  readonly cookie?: CookieOptions & { readonly name?: string };
  /** Look the session up from the cookie value instead of reading JSON {@link SessionData} from it. */
  readonly load?: SessionLoad;
}

/** An `Authenticate` hook that also issues, clears and re-signs its cookie. */
export interface SessionProvider {
  (req: AuthRequest): Promise<AuthContext | null>;
  readonly cookieName: string;
  /**
   * A `Set-Cookie` value starting a session: JSON {@link SessionData}, or, with `load`, the string
   * `load` will receive (e.g. a session id).
   */
  issue(value: SessionData | string): string;
  /** A `Set-Cookie` value that deletes the session cookie. */
  clear(): string;
  /**
   * A `Set-Cookie` value re-signing the session behind `auth` with the current secret, when it was
   * verified with a fallback secret; null otherwise. Send it to finish a secret rotation.
   */
  resignCookie(auth: AuthContext): string | null;
}

const names = z.array(z.string().min(1)).readonly().optional();
const dataSchema = z.object({ sub: z.string().min(1), roles: names, permissions: names, scopes: names, metadata: z.record(z.string(), z.unknown()).optional() });
const optionsSchema = z
  .object({
    secret: z.unknown(),
    fallbackSecrets: z.unknown().optional(),
    salt: z.string().optional(),
    maxAge: z.number().int().min(1).max(400 * 86_400).optional(),
    cookie: z
      .object({
        name: z.string().optional(),
        path: z.string().optional(),
        domain: z.string().optional(),
        secure: z.boolean().optional(),
        httpOnly: z.boolean().optional(),
        sameSite: z.enum(['Strict', 'Lax', 'None']).optional(),
        partitioned: z.boolean().optional(),
      })
      .strict()
      .optional(),
    load: z.custom<SessionLoad>((v) => typeof v === 'function', 'must be a function').optional(),
  })
  .strict();

const WHERE = 'session';

/**
 * Signed-cookie sessions on {@link SignedCookieSigner}. The cookie (default `__Host-session`) is
 * verified, its signed time checked against `maxAge`, and its value mapped to an AuthContext:
 * parsed as JSON {@link SessionData}, or handed to `load`. No cookie resolves null; a bad, expired
 * or empty one is 401; a cookie name sent twice is 400 (the browser cannot tell us which one is
 * ours, so neither is trusted).
 *
 * @example
 * export const sessions = session({ secret: process.env.SESSION_SECRET! });
 * // sign-in: res.setHeader('set-cookie', sessions.issue({ sub: user.id, roles: user.roles }));
 * // sign-out: res.setHeader('set-cookie', sessions.clear());
 * // rotation: const again = sessions.resignCookie(auth); if (again) res.setHeader('set-cookie', again);
 * export const policy = createAuth({ authenticate: sessions });
 */
export function session(options: SessionOptions): SessionProvider {
  const opts = parseOptions(optionsSchema, options, WHERE);
  const maxAge = opts.maxAge ?? 86_400;
  const signer = buildSigner(opts.secret, opts.fallbackSecrets, opts.salt ?? 'auth.session', maxAge);
  const { name: cookieName = '__Host-session', ...attributes } = opts.cookie ?? {};
  const cookie: CookieOptions = Object.freeze({ ...(stripUndefined(attributes) as CookieOptions), maxAge });
  const problem = cookieProblem(cookieName, cookie);
  if (problem !== null) throw new ImproperlyConfigured(`${WHERE}: option 'cookie': ${problem}`);
  const load = opts.load;
  const pendingResign = new WeakMap<AuthContext, string>();

  async function authenticate(req: AuthRequest): Promise<AuthContext | null> {
    const values = req.cookies.getAll(cookieName);
    if (values.length === 0) return null;
    if (values.length > 1) throw new InvalidRequest('The session cookie was sent more than once.');
    const verified = signer.verifyDetailed(values[0]);
    if (verified === null) throw new InvalidToken();
    let context: AuthContext;
    if (load === undefined) {
      context = fromJson(verified.value);
    } else {
      const result: unknown = await load(verified.value, req);
      if (result === null) throw new InvalidToken();
      if (!(result instanceof AuthContext)) throw new TypeError('session: load must resolve to an AuthContext or null');
      // A fresh object per request, so a re-sign note can never attach to a context load shares.
      context = verified.fallback ? copyContext(result) : result;
    }
    if (verified.fallback) pendingResign.set(context, serializeCookie(cookieName, signer.sign(verified.value), cookie));
    return context;
  }

  const provider = Object.assign(authenticate, {
    cookieName,
    issue(value: SessionData | string): string {
      return serializeCookie(cookieName, signer.sign(encodeValue(value, load !== undefined)), cookie);
    },
    clear(): string {
      return serializeCookie(cookieName, '', { ...cookie, maxAge: 0 });
    },
    resignCookie(auth: AuthContext): string | null {
      return pendingResign.get(auth) ?? null;
    },
  });
  redact(provider, 'session', () => ({ cookie: cookieName, secret: '[redacted]', maxAge, load: load !== undefined }));
  return declareTransports(provider, []);
}

function buildSigner(secret: unknown, fallbackSecrets: unknown, salt: string, maxAge: number): SignedCookieSigner {
  try {
    return new SignedCookieSigner(secret as string, { ...(fallbackSecrets === undefined ? {} : { fallbackSecrets: fallbackSecrets as readonly string[] }), salt, maxAge });
  } catch (error) {
    // Same checks and messages, named after the function the user called.
    if (error instanceof ImproperlyConfigured) throw new ImproperlyConfigured(error.message.replace(/^SignedCookieSigner:/, `${WHERE}:`));
    throw error;
  }
}

function encodeValue(value: SessionData | string, loadMode: boolean): string {
  if (loadMode) {
    if (typeof value !== 'string') throw new TypeError('session.issue: with load, pass the string load will receive');
    return value;
  }
  const parsed = dataSchema.safeParse(value);
  if (!parsed.success) throw new TypeError('session.issue: pass SessionData ({ sub, roles?, permissions?, scopes?, metadata? })');
  return JSON.stringify(parsed.data);
}

function fromJson(value: string): AuthContext {
  try {
    const data = dataSchema.parse(JSON.parse(value));
    return new AuthContext({
      subject: data.sub,
      roles: data.roles ?? [],
      permissions: data.permissions ?? [],
      scopes: data.scopes ?? [],
      ...(data.metadata === undefined ? {} : { metadata: data.metadata as Readonly<Record<string, MetadataValue>> }),
      method: 'session',
    });
  } catch {
    // Validly signed but not a session (another salt's value, an older format): not trusted.
    throw new InvalidToken();
  }
}

function copyContext(auth: AuthContext): AuthContext {
  return new AuthContext({
    subject: auth.subject,
    metadata: auth.metadata,
    roles: auth.roles,
    permissions: auth.permissions,
    scopes: auth.scopes,
    method: auth.method ?? 'session',
  });
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
