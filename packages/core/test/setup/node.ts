import { installBackend } from '../../src/crypto/backend.js';
import { nodeBackend } from '../../src/crypto/node.js';

// The node project runs every test on the node:crypto fast paths, the synchronous JWS key import included.
if (nodeBackend.jwsKey === undefined) throw new Error('the node backend must provide its synchronous JWS key import');
installBackend(nodeBackend);
