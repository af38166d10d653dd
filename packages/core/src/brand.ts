// Brands are private class fields, which no plain object, prototype trick or Proxy can carry.
// They are stamped onto an instance by a throwaway subclass of a constructor that returns its
// argument, so the public classes keep structural types. Each loaded copy of @auth/core registers
// its own `#field in value` checks in one process-wide registry, so an instance made by another copy
// is still recognised. Stamping costs about as much as setting one property, and no weak
// collection is involved (V8 pays for WeakMap/WeakSet entries on every garbage collection).
const KEY = Symbol.for('@auth/core.brands.v2');

type Check = (value: object) => boolean;

interface Registry {
  readonly authContext: Check[];
  readonly httpError: Check[];
}

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  const existing = holder[KEY];
  if (existing !== undefined && Array.isArray(existing.authContext) && Array.isArray(existing.httpError)) return existing;
  const created: Registry = Object.freeze({ authContext: [], httpError: [] });
  Object.defineProperty(globalThis, KEY, { value: created, enumerable: false, writable: false, configurable: false });
  return created;
}

const brands = registry();

class Stamp {
  constructor(target: object) {
    // Returning an object makes it `this` for the subclass, whose field initialisers then run on it.
    return target as Stamp;
  }
}

class AuthContextStamp extends Stamp {
  readonly #authContext = true;
  static has(value: object): boolean {
    return #authContext in value;
  }
}

class HTTPErrorStamp extends Stamp {
  readonly #httpError = true;
  static has(value: object): boolean {
    return #httpError in value;
  }
}

brands.authContext.push(AuthContextStamp.has);
brands.httpError.push(HTTPErrorStamp.has);

/** Marks `value` (once, before it is frozen) as an AuthContext made by a real constructor. */
export function brandAuthContext(value: object): void {
  new AuthContextStamp(value);
}

/** Marks `value` (once) as an HTTPError made by a real constructor. */
export function brandHTTPError(value: object): void {
  new HTTPErrorStamp(value);
}

// This copy's check first; the registry then answers for every other loaded copy.
function anyCopy(checks: readonly Check[], value: object): boolean {
  for (let i = 0; i < checks.length; i++) if (checks[i]!(value)) return true;
  return false;
}

export function isBrandedAuthContext(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (AuthContextStamp.has(value) || anyCopy(brands.authContext, value));
}

export function isBrandedHTTPError(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (HTTPErrorStamp.has(value) || anyCopy(brands.httpError, value));
}

// AuthRequest is input from trusted adapter code, not a credential, so a shared symbol on its
// prototype is brand enough and costs no per-request allocation; it lets a policy from one copy of
// @auth/core accept a request built by another.
export const AUTH_REQUEST_BRAND = Symbol.for('@auth/core.AuthRequest.v1');
export const AUTH_REQUEST_ABORT = Symbol.for('@auth/core.AuthRequest.abort.v1');

export function isAuthRequestLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[AUTH_REQUEST_BRAND] === true;
}
