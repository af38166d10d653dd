// Selected by the `node` export condition: the same API with node:crypto doing the hashing and the
// synchronous JWS verification (no WebCrypto thread hand-off per token).
import { installBackend } from './crypto/backend.js';
import { nodeBackend } from './crypto/node.js';

installBackend(nodeBackend);

export * from './index.js';
