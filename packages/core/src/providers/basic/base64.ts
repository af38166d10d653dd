import { base64url, base64urlDecodeStrict } from '../../encoding.js';

// Standard base64 (RFC 4648 §4), as Basic credentials and PHC strings use it.
const STANDARD = /^[A-Za-z0-9+/]*(={0,2})$/;

/** Standard base64, padded unless `padded` is false. */
export function base64(bytes: Uint8Array, padded = true): string {
  const text = base64url(bytes).replaceAll('-', '+').replaceAll('_', '/');
  return padded ? text + '='.repeat((4 - (text.length % 4)) % 4) : text;
}

/**
 * Strict standard base64: null for whitespace, the url alphabet, wrong or missing padding (when
 * `padded`), or non-zero unused bits, so every byte string has exactly one accepted encoding.
 */
export function base64DecodeStrict(text: string, padded = true): Uint8Array | null {
  const match = STANDARD.exec(text);
  if (match === null) return null;
  const padding = match[1]!.length;
  const body = text.slice(0, text.length - padding);
  if (padded ? padding !== (4 - (body.length % 4)) % 4 : padding !== 0) return null;
  return base64urlDecodeStrict(body.replaceAll('+', '-').replaceAll('/', '_'));
}
