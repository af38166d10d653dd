import { hex } from '../../encoding.js';
import { MIN_RSA_BYTES, type KeyShape } from './key-shape.js';

const RSA_ENCRYPTION = '2a864886f70d010101';
const EC_PUBLIC_KEY = '2a8648ce3d0201';
const ED25519 = '2b6570';
const CURVES: Readonly<Record<string, { crv: 'P-256' | 'P-384' | 'P-521'; size: number }>> = {
  '2a8648ce3d030107': { crv: 'P-256', size: 32 },
  '2b81040022': { crv: 'P-384', size: 48 },
  '2b81040023': { crv: 'P-521', size: 66 },
};

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Reads the key type, curve or RSA modulus size from a DER SubjectPublicKeyInfo, so a key that
 * cannot serve the configured algorithms is refused at start-up. Null for anything else,
 * including RSA keys under 2048 bits and RSASSA-PSS-only key identifiers.
 */
export function spkiShape(der: Uint8Array): KeyShape | null {
  const outer = tlv(der, 0, der.length, 0x30);
  if (outer === null || outer.end !== der.length) return null;
  const algorithm = tlv(der, outer.start, outer.end, 0x30);
  if (algorithm === null) return null;
  const oid = tlv(der, algorithm.start, algorithm.end, 0x06);
  if (oid === null) return null;
  const key = tlv(der, algorithm.end, outer.end, 0x03);
  if (key === null || key.end !== outer.end || key.start === key.end || der[key.start] !== 0) return null;
  const bits = { start: key.start + 1, end: key.end };
  const id = hex(der.subarray(oid.start, oid.end));
  if (id === RSA_ENCRYPTION) {
    const params = tlv(der, oid.end, algorithm.end, 0x05);
    if (params === null || params.start !== params.end || params.end !== algorithm.end) return null;
    return rsaShape(der, bits.start, bits.end);
  }
  if (id === EC_PUBLIC_KEY) {
    const curveOid = tlv(der, oid.end, algorithm.end, 0x06);
    if (curveOid === null || curveOid.end !== algorithm.end) return null;
    const curve = CURVES[hex(der.subarray(curveOid.start, curveOid.end))];
    // An uncompressed point: 0x04 || X || Y.
    if (curve === undefined || bits.end - bits.start !== 1 + 2 * curve.size || der[bits.start] !== 4) return null;
    return { kty: 'EC', crv: curve.crv };
  }
  if (id === ED25519) {
    if (oid.end !== algorithm.end || bits.end - bits.start !== 32) return null;
    return { kty: 'OKP', crv: 'Ed25519' };
  }
  return null;
}

function rsaShape(der: Uint8Array, start: number, end: number): KeyShape | null {
  const sequence = tlv(der, start, end, 0x30);
  if (sequence === null || sequence.end !== end) return null;
  const modulus = tlv(der, sequence.start, sequence.end, 0x02);
  if (modulus === null) return null;
  const exponent = tlv(der, modulus.end, sequence.end, 0x02);
  if (exponent === null || exponent.end !== sequence.end || exponent.start === exponent.end) return null;
  let first = modulus.start;
  while (first < modulus.end && der[first] === 0) first++;
  const modulusBytes = modulus.end - first;
  return modulusBytes >= MIN_RSA_BYTES ? { kty: 'RSA', modulusBytes } : null;
}

// DER only: definite, minimal lengths, and the element must fit inside [pos, limit).
function tlv(der: Uint8Array, pos: number, limit: number, tag: number): Tlv | null {
  if (pos + 2 > limit || der[pos] !== tag) return null;
  let length = der[pos + 1]!;
  let start = pos + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3 || start + count > limit || der[start] === 0) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i]!;
    if (length < 128) return null;
    start += count;
  }
  return start + length > limit ? null : { tag, start, end: start + length };
}
