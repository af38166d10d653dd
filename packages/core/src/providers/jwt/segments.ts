import { crypto, type CryptoBackend } from '../../crypto/backend.js';
import type { JwsParts } from '../../crypto/jws.js';
import { base64urlDecodedLength, isCanonicalBase64url } from '../../encoding.js';
import { parseJsonObject } from './strict-json.js';

/** A compact JWS taken apart: decoded header and payload, beside the parts a signature check needs. */
export interface CompactToken extends JwsParts {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** How many bytes the signature segment stands for (it is checked canonical, not decoded). */
  readonly signatureLength: number;
}

/**
 * Splits and decodes a compact JWS, refusing everything that is not exactly canonical: more or
 * fewer than three segments, empty segments, padding, whitespace or other characters outside
 * unpadded base64url, non-zero unused bits, malformed UTF-8, duplicate member names, and a header
 * or payload that is not a JSON object. Returns null for all of them alike. The header and
 * payload come back deeply frozen.
 */
export function parseCompact(token: string, maxLength: number): CompactToken | null {
  if (token.length > maxLength) return null;
  const first = token.indexOf('.');
  if (first <= 0) return null;
  const second = token.indexOf('.', first + 1);
  if (second <= first + 1 || second === token.length - 1 || token.indexOf('.', second + 1) !== -1) return null;
  const backend = crypto();
  const memo = memoizedHeader(token, first);
  let protectedSegment: string;
  let header: Readonly<Record<string, unknown>> | null;
  if (memo !== undefined) {
    protectedSegment = memo.segment;
    header = memo.header;
  } else {
    protectedSegment = token.slice(0, first);
    header = jsonSegment(protectedSegment, backend);
    if (header === null) return null;
    memoizeHeader(protectedSegment, header);
  }
  const payloadSegment = token.slice(first + 1, second);
  const payload = jsonSegment(payloadSegment, backend);
  if (payload === null) return null;
  const signatureSegment = token.slice(second + 1);
  if (!isCanonicalBase64url(signatureSegment)) return null;
  return {
    header,
    payload,
    flattened: { protected: protectedSegment, payload: payloadSegment, signature: signatureSegment },
    signingInput: token.slice(0, second),
    signatureLength: base64urlDecodedLength(signatureSegment.length),
  };
}

function jsonSegment(segment: string, backend: CryptoBackend): Record<string, unknown> | null {
  const text = backend.textFromBase64url(segment);
  return text === null ? null : parseJsonObject(text, true);
}

// Nearly every token of an issuer carries the very same header segment, so the last few decoded
// headers are kept by their exact text (frozen, so shared safely). A fixed number of slots,
// reused in turn: headers an attacker makes up only displace one another.
interface HeaderMemo {
  readonly segment: string;
  readonly header: Readonly<Record<string, unknown>>;
}
const HEADER_MEMO_SLOTS = 4;
const headerMemo: (HeaderMemo | undefined)[] = new Array<HeaderMemo | undefined>(HEADER_MEMO_SLOTS).fill(undefined);
let headerMemoNext = 0;

// Compared in place (no slice) against the token's first `length` characters.
function memoizedHeader(token: string, length: number): HeaderMemo | undefined {
  for (let i = 0; i < HEADER_MEMO_SLOTS; i++) {
    const memo = headerMemo[i];
    if (memo !== undefined && memo.segment.length === length && token.startsWith(memo.segment)) return memo;
  }
  return undefined;
}

function memoizeHeader(segment: string, header: Readonly<Record<string, unknown>>): void {
  headerMemo[headerMemoNext] = { segment, header };
  headerMemoNext = (headerMemoNext + 1) % HEADER_MEMO_SLOTS;
}
