/** Attributes of a `Set-Cookie` header. Defaults are the safe ones: HttpOnly, Secure, SameSite=Lax, Path=/. */
export interface CookieOptions {
  /** Default `/`. */
  readonly path?: string;
  /** Omitted by default (host-only cookie). Not allowed with a `__Host-` name. */
  readonly domain?: string;
  /** Default true. Required by `__Host-` and `__Secure-` names, `SameSite=None` and `Partitioned`. */
  readonly secure?: boolean;
  /** Default true: scripts cannot read the cookie. */
  readonly httpOnly?: boolean;
  /** Default `Lax`. */
  readonly sameSite?: 'Strict' | 'Lax' | 'None';
  /** CHIPS partitioned cookie. Default false. */
  readonly partitioned?: boolean;
  /** Lifetime in whole seconds; omitted for a browser-session cookie. 0 deletes the cookie. */
  readonly maxAge?: number;
}

// RFC 6265 §4.1.1: cookie-name is an RFC 7230 token; cookie-value is cookie-octets.
const NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;
const PATH = /^\/[\x20-\x3a\x3c-\x7e]*$/;
const DOMAIN = /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
/** Browsers ignore cookies whose name and value exceed 4096 bytes. */
export const MAX_COOKIE_BYTES = 4096;

/** What is wrong with these cookie settings, or null when they are safe to send. */
export function cookieProblem(name: string, options: CookieOptions): string | null {
  if (!NAME.test(name)) return 'the cookie name must be a token (letters, digits and !#$%&\'*+.^_`|~-)';
  const secure = options.secure ?? true;
  const path = options.path ?? '/';
  if (!PATH.test(path)) return "the path must start with '/' and hold no ';' or control characters";
  if (options.domain !== undefined && !DOMAIN.test(options.domain)) return 'the domain must be a host name';
  if (options.maxAge !== undefined && (!Number.isInteger(options.maxAge) || options.maxAge < 0)) return 'maxAge must be a whole number of seconds';
  if (name.startsWith('__Host-') && (!secure || path !== '/' || options.domain !== undefined)) {
    return 'a __Host- cookie needs Secure, Path=/ and no Domain';
  }
  if (name.startsWith('__Secure-') && !secure) return 'a __Secure- cookie needs Secure';
  if (options.sameSite === 'None' && !secure) return 'SameSite=None needs Secure';
  if (options.partitioned === true && !secure) return 'Partitioned needs Secure';
  return null;
}

/**
 * A `Set-Cookie` header value. Throws a TypeError for an unsafe or malformed combination (a
 * `__Host-` name with a Domain, SameSite=None without Secure, a value needing quotes, …).
 *
 * @example
 * serializeCookie('__Host-flash', 'saved', { maxAge: 60 });
 * // '__Host-flash=saved; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Lax'
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const problem = cookieProblem(name, options);
  if (problem !== null) throw new TypeError(`serializeCookie: ${problem}`);
  if (!VALUE.test(value)) throw new TypeError('serializeCookie: the value holds characters a cookie cannot carry (encode it first)');
  if (name.length + 1 + value.length > MAX_COOKIE_BYTES) throw new TypeError(`serializeCookie: name and value exceed ${MAX_COOKIE_BYTES} bytes`);
  let header = `${name}=${value}`;
  if (options.maxAge !== undefined) header += `; Max-Age=${options.maxAge}`;
  if (options.maxAge === 0) header += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT';
  if (options.domain !== undefined) header += `; Domain=${options.domain}`;
  header += `; Path=${options.path ?? '/'}`;
  if (options.httpOnly ?? true) header += '; HttpOnly';
  if (options.secure ?? true) header += '; Secure';
  header += `; SameSite=${options.sameSite ?? 'Lax'}`;
  if (options.partitioned === true) header += '; Partitioned';
  return header;
}
