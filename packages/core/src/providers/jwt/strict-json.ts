/** Deepest nesting accepted in a token header, payload or JWKS document. */
export const MAX_JSON_DEPTH = 32;

/**
 * `JSON.parse` for documents that must be a JSON object, made strict: a repeated member name at
 * any depth (JSON.parse silently keeps the last one), nesting deeper than {@link MAX_JSON_DEPTH},
 * or a top-level value that is not an object gives null instead of a value.
 */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return hasUniqueNamesWithinDepth(text) ? (value as Record<string, unknown>) : null;
}

// Walks text JSON.parse already accepted, so only strings and brackets need tracking.
function hasUniqueNamesWithinDepth(text: string): boolean {
  const stack: (Set<string> | null)[] = [];
  let expectName = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      if (!expectName) continue;
      // "a" and "\u0061" name the same member, so escaped names are compared decoded.
      const name = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      const names = stack[stack.length - 1]!;
      if (names.has(name)) return false;
      names.add(name);
      expectName = false;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= MAX_JSON_DEPTH) return false;
      stack.push(c === 0x7b ? new Set() : null);
      expectName = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectName = false;
    } else if (c === 0x2c /* , */) {
      expectName = stack[stack.length - 1] != null;
    }
  }
  return true;
}

/** Freezes a parsed JSON value in place, so cached claims cannot be changed by a hook. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
