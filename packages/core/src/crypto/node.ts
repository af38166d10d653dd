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
  jwsKey: nodeJwsKey,
});
