import { ImproperlyConfigured } from '../errors.js';

/** Cheshire Cat's resource × permission matrix, e.g. `{ MEMORY: ['READ', 'LIST'] }`. */
export type PermissionMatrix = Readonly<Record<string, readonly string[]>>;

/** Role → permissions, given as `resource:action` strings or as a {@link PermissionMatrix}. */
export type RolePermissions = Readonly<Record<string, readonly string[] | PermissionMatrix>>;

const PERMISSION = /^(?:\*|[^\s:*]+:(?:\*|[^\s:*]+))$/;

export function assertPermission(value: unknown, where: string): string {
  if (typeof value !== 'string' || !PERMISSION.test(value)) {
    throw new ImproperlyConfigured(`${where}: ${JSON.stringify(value)} is not a permission ('resource:action', 'resource:*' or '*')`);
  }
  return value;
}

/**
 * Flattens a role map into own-entry lookups, so `constructor`, `__proto__` or `toString` roles grant
 * nothing unless configured as own keys. Mistakes raise ImproperlyConfigured naming `option.role`.
 */
export function compileRolePermissions(map: RolePermissions | undefined, where: string, option: string): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  if (map === undefined) return out;
  const name = (path: string): string => `${where}: option '${path}'`;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new ImproperlyConfigured(`${name(option)} must be an object of role → permissions`);
  for (const role of Object.keys(map)) {
    const entry = map[role];
    const granted: string[] = [];
    if (Array.isArray(entry)) {
      for (const p of entry as readonly unknown[]) granted.push(assertPermission(p, name(`${option}.${role}`)));
    } else if (typeof entry === 'object' && entry !== null) {
      const matrix = entry as PermissionMatrix;
      for (const resource of Object.keys(matrix)) {
        const actions = matrix[resource];
        const where = name(`${option}.${role}.${resource}`);
        if (!Array.isArray(actions)) throw new ImproperlyConfigured(`${where} must be an array of actions`);
        for (const action of actions as readonly unknown[]) {
          if (typeof action !== 'string') throw new ImproperlyConfigured(`${where} must hold action names (strings)`);
          granted.push(assertPermission(`${resource}:${action}`, where));
        }
      }
    } else {
      throw new ImproperlyConfigured(`${name(`${option}.${role}`)} must be a permission list or a resource matrix`);
    }
    out.set(role, Object.freeze(granted));
  }
  return out;
}

/**
 * True when `granted` covers `required`: exact match, `resource:*`, or `*`.
 *
 * @example
 * permits('doc:*', 'doc:read');  // true
 * permits('doc:*', 'docs:read'); // false
 */
export function permits(granted: string, required: string): boolean {
  if (granted === required || granted === '*') return true;
  const star = granted.length - 2;
  return star > 0 && granted.endsWith(':*') && required.length > star + 1 && required.startsWith(granted.slice(0, star + 1));
}
