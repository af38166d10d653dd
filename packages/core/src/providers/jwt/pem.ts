const PUBLIC_KEY_PEM = /^-----BEGIN PUBLIC KEY-----\r?\n?([A-Za-z0-9+/=\r\n\t ]+)-----END PUBLIC KEY-----$/;
const ANY_PEM = /-----BEGIN [A-Z0-9 ]+-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** True for text carrying any PEM block (a key, a certificate). */
export function looksLikePem(text: string): boolean {
  return ANY_PEM.test(text);
}

/** The DER bytes of a `BEGIN PUBLIC KEY` (SPKI) PEM, or null. */
export function spkiFromPem(pem: string): Uint8Array | null {
  const match = PUBLIC_KEY_PEM.exec(pem.trim());
  if (match === null) return null;
  return base64Decode(match[1]!.replace(/\s+/g, ''));
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
