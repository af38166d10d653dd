import type { JwsParts } from '../../crypto/jws.js';
import { base64urlDecodeStrict, utf8, utf8DecodeStrict } from '../../encoding.js';
import { deepFreeze, parseJsonObject } from './strict-json.js';

/** A compact JWS taken apart: decoded header and payload, beside the parts a signature check needs. */
export interface CompactToken extends JwsParts {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
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
  const flattened = { protected: token.slice(0, first), payload: token.slice(first + 1, second), signature: token.slice(second + 1) };
  const header = jsonSegment(flattened.protected);
  if (header === null) return null;
  const payload = jsonSegment(flattened.payload);
  if (payload === null) return null;
  const signature = base64urlDecodeStrict(flattened.signature);
  if (signature === null) return null;
  return { header, payload, flattened, signingInput: utf8(token.slice(0, second)), signature };
}

function jsonSegment(segment: string): Record<string, unknown> | null {
  const bytes = base64urlDecodeStrict(segment);
  if (bytes === null) return null;
  const text = utf8DecodeStrict(bytes);
  if (text === null) return null;
  const value = parseJsonObject(text);
  return value === null ? null : deepFreeze(value);
}
