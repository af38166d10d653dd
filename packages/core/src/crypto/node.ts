import { Buffer } from 'node:buffer';
import { createHash, createHmac, createSecretKey } from 'node:crypto';
import type { CryptoBackend } from './backend.js';
import { nodeJwsKey } from './node-jws.js';

// A Buffer is a Uint8Array; returning it avoids a copy.
export const nodeBackend: CryptoBackend = Object.freeze({
  name: 'node',
  sha256: (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest(),
  hmacSha256: (key: Uint8Array, data: Uint8Array): Uint8Array => createHmac('sha256', key).update(data).digest(),
  sha256Hex: (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex'),
  hmacKey: (secret: Uint8Array) => {
    // A KeyObject is imported once; createHmac then skips copying the secret per call.
    const key = createSecretKey(secret);
    return { macBase64url: (text: string): string => createHmac('sha256', key).update(text, 'utf8').digest('base64url') };
  },
  base64urlText: (text: string): string => Buffer.from(text, 'utf8').toString('base64url'),
  textFromBase64url: (encoded: string): string | null => {
    // Buffer's decoder is lenient; re-encoding proves the input was the one canonical form.
    const bytes = Buffer.from(encoded, 'base64url');
    if (bytes.toString('base64url') !== encoded) return null;
    const text = bytes.toString('utf8');
    // Invalid UTF-8 decodes to U+FFFD; only then is a re-encoding needed to tell it from a real one.
    return text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes) ? null : text;
  },
  jwsKey: nodeJwsKey,
});
