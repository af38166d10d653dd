const PUBLIC_KEY_PEM = /^-----BEGIN PUBLIC KEY-----\r?\n?[A-Za-z0-9+/=\r\n\t ]+-----END PUBLIC KEY-----$/;
const ANY_PEM = /-----BEGIN [A-Z0-9 ]+-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// Algorithm identifiers a DER public key opens with: rsaEncryption, RSASSA-PSS, id-ecPublicKey, and the
// 1.3.101 arc (Ed25519, Ed448, X25519, X448); each with its OBJECT IDENTIFIER tag and length.
const KEY_ALGORITHM_OIDS: readonly (readonly number[])[] = [
  [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
  [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a],
  [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
  [0x06, 0x03, 0x2b, 0x65],
];
// SEQUENCE, length (up to 3 bytes), SEQUENCE, length: the identifier starts within these first bytes.
const DER_HEAD = 16;

/** True for text carrying any PEM block (a key, a certificate). */
export function looksLikePem(text: string): boolean {
  return ANY_PEM.test(text);
}

/** The trimmed text of a `BEGIN PUBLIC KEY` (SPKI) PEM, or null; what it holds is learnt by importing it. */
export function publicKeyPem(text: string): string | null {
  const pem = text.trim();
  return PUBLIC_KEY_PEM.test(pem) ? pem : null;
}

/**
 * True for bytes that open like a DER-encoded key: a SEQUENCE naming a public-key algorithm in its
 * first bytes. A policy check on would-be HMAC secrets, not a parser (a random secret matches with
 * negligible probability).
 */
export function looksLikeDerKey(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x30) return false;
  const end = Math.min(bytes.length, DER_HEAD);
  for (let i = 1; i < end; i++) {
    if (KEY_ALGORITHM_OIDS.some((oid) => oid.every((byte, j) => bytes[i + j] === byte))) return true;
  }
  return false;
}

/** Standard or url-safe base64 (padding optional) to bytes, or null. For set-up checks only. */
export function base64Decode(text: string): Uint8Array | null {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!BASE64.test(standard) || standard.replace(/=+$/, '').length % 4 === 1) return null;
  const binary = atob(standard.replace(/=+$/, ''));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
