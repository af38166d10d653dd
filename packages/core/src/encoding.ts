const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// ES2024 String.prototype.isWellFormed where the runtime has it (V8 answers a one-byte string at
// once); the regex elsewhere.
const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** True when `text` holds no lone surrogate, so it round-trips through UTF-8. */
export const isWellFormed: (text: string) => boolean =
  typeof nativeWellFormed === 'function' ? (text) => nativeWellFormed.call(text) : (text) => !LONE_SURROGATE.test(text);

export function utf8(value: string): Uint8Array {
  return encoder.encode(value);
}

/** Decodes UTF-8, returning null for malformed input instead of inserting U+FFFD. */
export function utf8DecodeStrict(bytes: Uint8Array): string | null {
  // ASCII needs no decoder (TextDecoder costs far more than the bytes on short input).
  if (bytes.length <= 256) {
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) ascii = false;
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Unpadded base64url (RFC 4648 §5). */
export function base64url(bytes: Uint8Array): string {
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
  }
  if (i + 1 === n) {
    const v = bytes[i]! << 16;
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]!;
  } else if (i + 2 === n) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]!;
  }
  return out;
}

/**
 * Strict unpadded base64url decoding: returns null for padding, whitespace, characters outside the
 * alphabet, an impossible length, or non-zero unused trailing bits (so every byte string has exactly
 * one accepted encoding).
 */
export function base64urlDecodeStrict(text: string): Uint8Array | null {
  const n = text.length;
  const rem = n & 3;
  if (rem === 1) return null;
  const out = new Uint8Array(((n >> 2) * 3) + (rem === 0 ? 0 : rem - 1));
  let o = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = sextet(text, i), b = sextet(text, i + 1), c = sextet(text, i + 2), d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (rem === 2) {
    const a = sextet(text, i), b = sextet(text, i + 1);
    if ((a | b) < 0 || (b & 15) !== 0) return null;
    out[o] = (a << 2) | (b >> 4);
  } else if (rem === 3) {
    const a = sextet(text, i), b = sextet(text, i + 1), c = sextet(text, i + 2);
    if ((a | b | c) < 0 || (c & 3) !== 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = v >> 16;
    out[o] = (v >> 8) & 255;
  }
  return out;
}

function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? LOOKUP[code]! : -1;
}

/**
 * True exactly when `base64urlDecodeStrict(text)` would decode it (not null), without decoding:
 * the alphabet only, a possible length, zero unused bits at the end.
 */
export function isCanonicalBase64url(text: string): boolean {
  const n = text.length;
  if ((n & 3) === 1) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || LOOKUP[c]! < 0) return false;
  }
  return base64urlEndIsCanonical(text);
}

/** The decoded length of an unpadded base64url text of this length; -1 for an impossible length. */
export function base64urlDecodedLength(length: number): number {
  const rem = length & 3;
  return rem === 1 ? -1 : (length >> 2) * 3 + (rem === 0 ? 0 : rem - 1);
}

/**
 * True when the unused low bits of the final character are zero (the one canonical spelling),
 * given that `text` is made of base64url characters and its length is possible.
 */
export function base64urlEndIsCanonical(text: string): boolean {
  const rem = text.length & 3;
  if (rem === 0) return true;
  const last = sextet(text, text.length - 1);
  return last >= 0 && (last & (rem === 2 ? 15 : 3)) === 0;
}

export function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]!;
  return out;
}
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
