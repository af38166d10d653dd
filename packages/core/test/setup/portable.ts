import { crypto as backend, installBackend, portableBackend } from '../../src/crypto/backend.js';

// The portable project must take the jose path for JWS: no synchronous key import may be installed.
installBackend(portableBackend);
if (backend().jwsKey !== undefined) throw new Error('the portable backend must not carry a synchronous JWS key import');
