import { createHash, createHmac } from 'node:crypto';
import type { CryptoBackend } from './backend.js';
import { nodeJwsKey } from './node-jws.js';

// A Buffer is a Uint8Array; returning it avoids a copy.
export const nodeBackend: CryptoBackend = Object.freeze({
  name: 'node',
  sha256: (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest(),
  hmacSha256: (key: Uint8Array, data: Uint8Array): Uint8Array => createHmac('sha256', key).update(data).digest(),
  jwsKey: nodeJwsKey,
});
