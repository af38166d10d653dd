// Brands live in one process-wide registry so that instances made by another loaded copy of
// @auth/core are still recognised, while a look-alike plain object never is.
const KEY = Symbol.for('@auth/core.brands.v1');
const has = WeakSet.prototype.has;
const add = WeakSet.prototype.add;

interface Registry {
  readonly authContext: WeakSet<object>;
  readonly httpError: WeakSet<object>;
}

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  const existing = holder[KEY];
  if (
    existing !== undefined &&
    existing.authContext instanceof WeakSet &&
    existing.httpError instanceof WeakSet
  ) {
    return existing;
  }
  const created: Registry = Object.freeze({ authContext: new WeakSet(), httpError: new WeakSet() });
  Object.defineProperty(globalThis, KEY, { value: created, enumerable: false, writable: false, configurable: false });
  return created;
}

const brands = registry();

export function brandAuthContext(value: object): void {
  add.call(brands.authContext, value);
}

export function isBrandedAuthContext(value: unknown): boolean {
  return typeof value === 'object' && value !== null && has.call(brands.authContext, value);
}

export function brandHTTPError(value: object): void {
  add.call(brands.httpError, value);
}

export function isBrandedHTTPError(value: unknown): boolean {
  return typeof value === 'object' && value !== null && has.call(brands.httpError, value);
}

// AuthRequest is input from trusted adapter code, not a credential, so a shared symbol on its
// prototype is brand enough and costs no per-request allocation; it lets a policy from one copy of
// @auth/core accept a request built by another.
export const AUTH_REQUEST_BRAND = Symbol.for('@auth/core.AuthRequest.v1');
export const AUTH_REQUEST_ABORT = Symbol.for('@auth/core.AuthRequest.abort.v1');

export function isAuthRequestLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[AUTH_REQUEST_BRAND] === true;
}
