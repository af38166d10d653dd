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

// Walks text JSON.parse already accepted, so only strings and brackets need tracking; string
// bodies are skipped with indexOf rather than character by character.
function hasUniqueNamesWithinDepth(text: string): boolean {
  const stack: (Set<string> | null)[] = [];
  let expectName = false;
  // Position of the next backslash at or after the current string, found once per stretch (linear overall).
  let escape = -1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      i = closingQuote(text, i);
      if (i < 0) return false;
      if (!expectName) continue;
      if (escape < start) {
        const found = text.indexOf('\\', start);
        escape = found < 0 ? n : found;
      }
      // "a" and "\u0061" name the same member, so escaped names are compared decoded.
      const name = escape < i ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
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

// The index of the quote that ends the string opened at `open`: one preceded by an even run of backslashes.
function closingQuote(text: string, open: number): number {
  let i = open;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(i - 1 - backslashes) === 0x5c) backslashes++;
    if ((backslashes & 1) === 0) return i;
  }
}

/** Freezes a parsed JSON value in place, so cached claims cannot be changed by a hook. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
