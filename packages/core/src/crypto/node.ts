import { Buffer, isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { base64urlDecodedLength, base64urlDecodeStrict, base64urlEndIsCanonical, utf8DecodeStrict } from '../encoding.js';
import type { CryptoBackend } from './backend.js';
import { hashOnce, hmacBase64url } from './node-hmac.js';
import { nodeJwsKey } from './node-jws.js';

/**
 * Strict unpadded base64url decoding on Buffer's native decoder: accepts exactly what
 * `base64urlDecodeStrict` accepts. Buffer's decoder is lenient: it reads each UTF-16 code unit
 * modulo 256 (U+0141 'Ł' reads as 'A'), takes '+' and '/' for '-' and '_', skips every other
 * character outside the alphabet and stops at '='. So, besides the length and the final
 * character's unused bits, the input must be
 * - ASCII: a code unit above 0x7F (a lone surrogate included) takes more than one UTF-8 byte;
 * - free of '+' and '/';
 * - decoded character for character: a skipped character or an early stop leaves at most n - 1
 *   characters decoded, and floor(3(n - 1) / 4) < floor(3n / 4) for every possible length n
 *   (n % 4 !== 1), so the output comes out shorter than a text of length n decodes to.
 */
function decodeNative(encoded: string): Buffer | null {
  const expected = base64urlDecodedLength(encoded.length);
  if (expected < 0) return null;
  if (Buffer.byteLength(encoded, 'utf8') !== encoded.length) return null;
  if (encoded.indexOf('+') !== -1 || encoded.indexOf('/') !== -1) return null;
  const bytes = Buffer.from(encoded, 'base64url');
  return bytes.length === expected && base64urlEndIsCanonical(encoded) ? bytes : null;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The checks in `decodeNative` lean on how Buffer treats characters outside the alphabet. They are
 * confirmed once, on the runtime at hand, for every ASCII character at every position of a group
 * (and for the alphabet itself); a runtime whose decoder differs gets the JS decoder instead.
 */
function nativeDecoderIsAsAssumed(): boolean {
  try {
    const reference = 'QUJD';
    for (let code = 0; code < 128; code++) {
      const c = String.fromCharCode(code);
      if (ALPHABET.includes(c) || c === '+' || c === '/') continue;
      for (let at = 0; at < 4; at++) {
        if (Buffer.from(reference.slice(0, at) + c + reference.slice(at + 1), 'base64url').length >= 3) return false;
      }
    }
    return Buffer.from(ALPHABET, 'base64url').equals(base64urlDecodeStrict(ALPHABET)!);
  } catch {
    return false;
  }
}

const base64urlDecode: (encoded: string) => Uint8Array | null = nativeDecoderIsAsAssumed() ? decodeNative : base64urlDecodeStrict;

function textFromBase64url(encoded: string): string | null {
  const bytes = base64urlDecode(encoded);
  if (bytes === null) return null;
  if (!Buffer.isBuffer(bytes)) return utf8DecodeStrict(bytes);
  // Malformed UTF-8 decodes to U+FFFD; only then is the strict check needed, to tell it from a real one.
  const text = bytes.toString();
  return text.indexOf('\uFFFD') === -1 || isUtf8(bytes) ? text : null;
}

// One-shot digests where node:crypto has them (no stream object per call); createHash elsewhere.
// A Buffer is a Uint8Array; returning it avoids a copy.
const once = hashOnce;
const sha256: (data: Uint8Array) => Uint8Array =
  once === undefined ? (data) => createHash('sha256').update(data).digest() : (data) => once('sha256', data, 'buffer') as Buffer;
const sha256Hex: (text: string) => string =
  once === undefined ? (text) => createHash('sha256').update(text, 'utf8').digest('hex') : (text) => once('sha256', text, 'hex') as string;

export const nodeBackend: CryptoBackend = Object.freeze({
  name: 'node',
  sha256,
  sha256Hex,
  hmacKey: (secret: Uint8Array) => ({ macBase64url: hmacBase64url('sha256', secret) }),
  base64urlText: (text: string): string => Buffer.from(text, 'utf8').toString('base64url'),
  base64urlDecode,
  textFromBase64url,
  jwsKey: nodeJwsKey,
});
