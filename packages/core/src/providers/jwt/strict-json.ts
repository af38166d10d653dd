/** Deepest nesting accepted in a token header, payload or JWKS document. */
export const MAX_JSON_DEPTH = 32;

/**
 * `JSON.parse` for documents that must be a JSON object, made strict: a repeated member name at
 * any depth (JSON.parse silently keeps the last one), nesting deeper than {@link MAX_JSON_DEPTH},
 * or a top-level value that is not an object gives null instead of a value. With `freeze`, the
 * value comes back deeply frozen (in the same walk that checks it).
 */
export function parseJsonObject(text: string, freeze = false): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  // Each member written in the text became an own property unless an earlier one had its name
  // (JSON.parse keeps the last of a repeated name, `__proto__` included, as an own data
  // property): the counts differ exactly when some object repeats a name.
  const members = countMembers(text);
  return members >= 0 && members === countNames(value, freeze) ? (value as Record<string, unknown>) : null;
}

// The members written in text JSON.parse accepted (its colons outside strings), or -1 when it
// nests deeper than MAX_JSON_DEPTH. String bodies are skipped with indexOf, not char by char.
function countMembers(text: string): number {
  let members = 0;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) i = closingQuote(text, i);
    else if (c === 0x3a /* : */) members++;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > MAX_JSON_DEPTH) return -1;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return members;
}

// The index of the quote that ends the string opened at `open`: one preceded by an even run of
// backslashes. The text parsed, so there is one; n (ending the scan) if not.
function closingQuote(text: string, open: number): number {
  let i = open;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(i - 1 - backslashes) === 0x5c) backslashes++;
    if ((backslashes & 1) === 0) return i;
  }
}

// Own property names of every object in a parsed tree (array indices excluded), freezing each
// object and array on the way when asked. Nesting is already known to be within MAX_JSON_DEPTH.
function countNames(value: object, freeze: boolean): number {
  if (freeze) Object.freeze(value);
  let names = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) names += countNames(item, freeze);
    }
    return names;
  }
  const keys = Object.keys(value);
  names = keys.length;
  for (let i = 0; i < keys.length; i++) {
    const item = (value as Record<string, unknown>)[keys[i]!];
    if (typeof item === 'object' && item !== null) names += countNames(item, freeze);
  }
  return names;
}
