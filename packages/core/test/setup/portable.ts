import { installBackend, portableBackend } from '../../src/crypto/backend.js';

installBackend(portableBackend);
