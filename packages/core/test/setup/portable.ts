import { crypto as backend, installBackend, portableBackend } from '../../src/crypto/backend.js';

// The portable project must take the WebCrypto path for JWS: no synchronous verifier may be installed.
installBackend(portableBackend);
if (backend().jwsVerifier !== undefined) throw new Error('the portable backend must not carry a synchronous JWS verifier');
