import { cryptoKeyShape } from '../../crypto/crypto-key.js';
import type { JwsKeyMaterial, KeyShape, PublicJwk } from '../../crypto/jws.js';
import { base64urlDecodeStrict } from '../../encoding.js';
import { base64Decode } from './pem.js';

/**
 * What a configured key is, read without importing it: from the DER inside an SPKI PEM, from a
 * JWK's members, from a CryptoKey's `algorithm`. Null for anything no JWS algorithm verifies with,
 * or a structure that is not what it claims. The portable path has no synchronous import, so this
 * is how it refuses a bad key at start-up as node:crypto does; the import, on first use, must then
 * agree with it.
 */
export function declaredShape(material: JwsKeyMaterial): KeyShape | null {
  switch (material.type) {
    case 'secret':
      return { kty: 'oct' };
    case 'cryptokey':
      return cryptoKeyShape(material.key);
    case 'jwk':
      return jwkShape(material.jwk);
    case 'spki': {
      const der = base64Decode(material.pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''));
      return der === null ? null : spkiShape(der);
    }
  }
}

function jwkShape(jwk: PublicJwk): KeyShape | null {
  if (jwk.kty === 'EC') return pointFits(base64urlDecodeStrict(jwk.x), jwk.crv) && pointFits(base64urlDecodeStrict(jwk.y), jwk.crv) ? { kty: 'EC', crv: jwk.crv } : null;
  if (jwk.kty === 'OKP') return base64urlDecodeStrict(jwk.x)?.length === ED25519_KEY_BYTES ? { kty: 'OKP', crv: 'Ed25519' } : null;
  const n = base64urlDecodeStrict(jwk.n);
  const e = base64urlDecodeStrict(jwk.e);
  return n === null || e === null || !isPositive(e) ? null : rsaShape(n);
}

// At most the curve's field size. RFC 7518 §6.2.1.2 asks for exactly that, but some issuers drop
// leading zero bytes and node:crypto (like Node's WebCrypto) accepts such keys: the node entry
// does, so this check does not refuse them either, and the import decides.
function pointFits(coordinate: Uint8Array | null, crv: 'P-256' | 'P-384' | 'P-521'): boolean {
  return coordinate !== null && coordinate.length > 0 && coordinate.length <= COORDINATE_BYTES[crv];
}

const COORDINATE_BYTES = { 'P-256': 32, 'P-384': 48, 'P-521': 66 } as const;
const ED25519_KEY_BYTES = 32;

// DER tags.
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const NULL = 0x05;
const OID = 0x06;
const SEQUENCE = 0x30;

// Object identifiers, as their DER content bytes.
const RSA_ENCRYPTION = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]; // 1.2.840.113549.1.1.1
const EC_PUBLIC_KEY = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]; // 1.2.840.10045.2.1
const ED25519 = [0x2b, 0x65, 0x70]; // 1.3.101.112
const CURVES: readonly (readonly [readonly number[], 'P-256' | 'P-384' | 'P-521'])[] = [
  [[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07], 'P-256'], // 1.2.840.10045.3.1.7
  [[0x2b, 0x81, 0x04, 0x00, 0x22], 'P-384'], // 1.3.132.0.34
  [[0x2b, 0x81, 0x04, 0x00, 0x23], 'P-521'], // 1.3.132.0.35
];

/** One DER element: its tag and where its content lies. */
interface Element {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/**
 * The shape of a DER SubjectPublicKeyInfo (RFC 5280 §4.1): rsaEncryption with NULL parameters
 * (RFC 3279), id-ecPublicKey on a named P-256/384/521 curve (RFC 5480) with a point of that curve's
 * size, or Ed25519 (RFC 8410) with a 32-byte key. Every length must add up, to the last byte.
 */
export function spkiShape(der: Uint8Array): KeyShape | null {
  const spki = element(der, 0, der.length, SEQUENCE);
  if (spki === null || spki.end !== der.length) return null;
  const algorithm = element(der, spki.start, spki.end, SEQUENCE);
  if (algorithm === null) return null;
  const key = element(der, algorithm.end, spki.end, BIT_STRING);
  if (key === null || key.end !== spki.end || key.end - key.start < 2 || der[key.start] !== 0) return null;
  const keyBytes = der.subarray(key.start + 1, key.end);
  const oid = element(der, algorithm.start, algorithm.end, OID);
  if (oid === null) return null;
  const parameters = oid.end === algorithm.end ? null : element(der, oid.end, algorithm.end, -1);
  if (parameters !== null && parameters.end !== algorithm.end) return null;

  if (sameBytes(der, oid, RSA_ENCRYPTION)) {
    if (parameters?.tag !== NULL || parameters.start !== parameters.end) return null;
    const sequence = element(keyBytes, 0, keyBytes.length, SEQUENCE);
    if (sequence === null || sequence.end !== keyBytes.length) return null;
    const n = element(keyBytes, sequence.start, sequence.end, INTEGER);
    const e = n === null ? null : element(keyBytes, n.end, sequence.end, INTEGER);
    if (n === null || e === null || e.end !== sequence.end) return null;
    const modulus = keyBytes.subarray(n.start, n.end);
    const exponent = keyBytes.subarray(e.start, e.end);
    // DER INTEGERs are signed: a modulus or exponent with its top bit set is negative.
    return (modulus[0] ?? 0x80) >= 0x80 || (exponent[0] ?? 0x80) >= 0x80 || !isPositive(exponent) ? null : rsaShape(modulus);
  }
  if (sameBytes(der, oid, EC_PUBLIC_KEY)) {
    if (parameters?.tag !== OID) return null;
    const crv = CURVES.find(([curve]) => sameBytes(der, parameters, curve))?.[1];
    if (crv === undefined) return null;
    const size = COORDINATE_BYTES[crv];
    // Uncompressed (04 X Y) or compressed (02/03 X) SEC 1 point.
    const fits = keyBytes[0] === 0x04 ? keyBytes.length === 1 + 2 * size : (keyBytes[0] === 0x02 || keyBytes[0] === 0x03) && keyBytes.length === 1 + size;
    return fits ? { kty: 'EC', crv } : null;
  }
  if (sameBytes(der, oid, ED25519)) {
    return parameters === null && keyBytes.length === ED25519_KEY_BYTES ? { kty: 'OKP', crv: 'Ed25519' } : null;
  }
  return null;
}

// The element at `at`, which must lie within `end` and carry `tag` (any tag for -1). Definite
// lengths only, in at most four bytes.
function element(bytes: Uint8Array, at: number, end: number, tag: number): Element | null {
  if (at + 2 > end || (tag !== -1 && bytes[at] !== tag)) return null;
  let length = bytes[at + 1]!;
  let start = at + 2;
  if (length >= 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > end) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i]!;
    start += count;
  }
  return start + length > end ? null : { tag: bytes[at]!, start, end: start + length };
}

function sameBytes(bytes: Uint8Array, { start, end }: Element, expected: readonly number[]): boolean {
  return end - start === expected.length && expected.every((byte, i) => bytes[start + i] === byte);
}

function isPositive(integer: Uint8Array): boolean {
  return integer.some((byte) => byte !== 0);
}

// The modulus size in bits, leading zero bytes aside (as a KeyObject or CryptoKey reports it).
function rsaShape(modulus: Uint8Array): KeyShape | null {
  let first = 0;
  while (first < modulus.length && modulus[first] === 0) first++;
  if (first === modulus.length) return null;
  return { kty: 'RSA', modulusBits: (modulus.length - first) * 8 - (Math.clz32(modulus[first]!) - 24) };
}
