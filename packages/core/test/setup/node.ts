import { installBackend } from '../../src/crypto/backend.js';
import { nodeBackend } from '../../src/crypto/node.js';

installBackend(nodeBackend);
