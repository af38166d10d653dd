import { describe, expect, it } from 'vitest';
import { crypto } from '../../src/crypto/backend.js';
import { nodeJwsKey } from '../../src/crypto/node-jws.js';
import * as nodeEntry from '../../src/index.node.js';
import { rsa, SECRET } from './helpers/jwt-keys.js';
import { request, token } from './helpers/jwt-tokens.js';

const RSA = await rsa();

describe('jwt through the package entry points', () => {
  it('the node entry installs the synchronous node:crypto JWS key import', () => {
    expect(crypto().jwsKey).toBe(nodeJwsKey);
  });

  it('the node entry exports jwt(), which verifies HS256 and RS256 tokens', async () => {
    const hs = nodeEntry.jwt({ algorithms: ['HS256'], secret: SECRET });
    expect((await hs(request(await token('HS256', SECRET))))?.subject).toBe('user-1');
    const rs = nodeEntry.jwt({ algorithms: ['RS256'], key: RSA.pem });
    expect((await rs(request(await token('RS256', RSA.privateKey))))?.subject).toBe('user-1');
  });
});
