import { base64urlDecodeStrict, utf8, utf8DecodeStrict } from '../../encoding.js';
import { deepFreeze, parseJsonObject } from './strict-json.js';

/** A compact JWS taken apart: decoded header and payload, and the exact bytes that were signed. */
export interface CompactToken {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** ASCII `base64url(header) "." base64url(payload)`, exactly as received. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * Splits and decodes a compact JWS, refusing everything that is not exactly canonical: more or
 * fewer than three segments, empty segments, padding, whitespace or other characters outside
 * unpadded base64url, non-zero unused bits, malformed UTF-8, duplicate member names, and a header
 * or payload that is not a JSON object. Returns null for all of them alike.
 */
export function parseCompact(token: string, maxLength: number): CompactToken | null {
  if (token.length > maxLength) return null;
  const first = token.indexOf('.');
  if (first <= 0) return null;
  const second = token.indexOf('.', first + 1);
  if (second <= first + 1 || second === token.length - 1 || token.indexOf('.', second + 1) !== -1) return null;
  const header = jsonSegment(token.slice(0, first));
  if (header === null) return null;
  const payload = jsonSegment(token.slice(first + 1, second));
  if (payload === null) return null;
  const signature = base64urlDecodeStrict(token.slice(second + 1));
  if (signature === null) return null;
  return { header, payload, signingInput: utf8(token.slice(0, second)), signature };
}

function jsonSegment(segment: string): Record<string, unknown> | null {
  const bytes = base64urlDecodeStrict(segment);
  if (bytes === null) return null;
  const text = utf8DecodeStrict(bytes);
  if (text === null) return null;
  const value = parseJsonObject(text);
  return value === null ? null : deepFreeze(value);
}
