import { installBackend } from '../../src/crypto/backend.js';
import { nodeBackend } from '../../src/crypto/node.js';

// The node project runs every test on the node:crypto fast paths, the synchronous JWS verifier included.
if (nodeBackend.jwsVerifier === undefined) throw new Error('the node backend must provide its synchronous JWS verifier');
installBackend(nodeBackend);
