// JWT verification: our jwt() provider on a prepared AuthRequest (with its verified-token cache, and
// with the cache off) against jose.jwtVerify with an imported key and fast-jwt's createVerifier.
import { AuthRequest, jwt, type Authenticate } from '@auth/core';
import { createVerifier } from 'fast-jwt';
import { importSPKI, jwtVerify } from 'jose';
import { webcrypto } from 'node:crypto';
import { subjectOf, tamper, type Fixtures, type JwtAlg } from '../fixtures.js';
import type { MicroGroup } from './suite.js';

export const OURS_CACHED = '@auth jwt()';
export const OURS_NO_CACHE = '@auth jwt() no cache';
const JOSE = 'jose.jwtVerify';
const FAST_JWT = 'fast-jwt';
const FAST_JWT_CACHED = 'fast-jwt cache';

export async function jwtGroup(alg: JwtAlg, f: Fixtures, token: string): Promise<MicroGroup> {
  const provider = (cache?: false): Authenticate =>
    alg === 'HS256'
      ? jwt({ algorithms: ['HS256'], secret: f.hsSecret, ...(cache === false ? { cache } : {}) })
      : jwt({ algorithms: ['ES256'], key: f.esPublicPem, ...(cache === false ? { cache } : {}) });
  const cached = provider();
  const uncached = provider(false);
  const req = new AuthRequest({ method: 'GET', path: '/me', headers: { authorization: `Bearer ${token}` } });
  const badReq = new AuthRequest({ method: 'GET', path: '/me', headers: { authorization: `Bearer ${tamper(token)}` } });

  const joseKey =
    alg === 'HS256'
      ? await webcrypto.subtle.importKey('raw', new TextEncoder().encode(f.hsSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
      : await importSPKI(f.esPublicPem, 'ES256');
  const fastKey = alg === 'HS256' ? f.hsSecret : f.esPublicPem;
  const fast = createVerifier({ key: fastKey, algorithms: [alg] });
  const fastCached = createVerifier({ key: fastKey, algorithms: [alg], cache: true });

  const subjectOfContext = async (run: Promise<{ subject: string } | null>): Promise<string | null> => (await run)?.subject ?? null;

  return {
    id: `jwt.${alg}`,
    title: `JWT verify ${alg}`,
    candidates: [
      { name: OURS_CACHED, fn: () => cached(req) },
      { name: OURS_NO_CACHE, fn: () => uncached(req) },
      { name: JOSE, fn: () => jwtVerify(token, joseKey, { algorithms: [alg] }) },
      { name: FAST_JWT, fn: () => fast(token) as unknown },
      { name: FAST_JWT_CACHED, fn: () => fastCached(token) as unknown },
    ],
    comparisons: [
      { ours: OURS_NO_CACHE, base: JOSE },
      { ours: OURS_NO_CACHE, base: FAST_JWT },
      { ours: OURS_CACHED, base: JOSE },
      { ours: OURS_CACHED, base: FAST_JWT_CACHED },
    ],
    async verify() {
      const problems: string[] = [];
      const want = subjectOf(0);
      for (const [name, provider] of [
        [OURS_CACHED, cached],
        [OURS_NO_CACHE, uncached],
      ] as const) {
        const got = await subjectOfContext(provider(req));
        if (got !== want) problems.push(`${name} gave subject ${got}`);
        const bad = await provider(badReq).then(
          () => 'accepted',
          () => 'rejected',
        );
        if (bad !== 'rejected') problems.push(`${name} ${bad} a tampered token`);
      }
      const josePayload = (await jwtVerify(token, joseKey, { algorithms: [alg] })).payload;
      if (josePayload.sub !== want) problems.push(`${JOSE} gave subject ${josePayload.sub}`);
      for (const [name, verifier] of [
        [FAST_JWT, fast],
        [FAST_JWT_CACHED, fastCached],
      ] as const) {
        const payload = verifier(token) as { sub?: string };
        if (payload.sub !== want) problems.push(`${name} gave subject ${payload.sub}`);
      }
      return problems;
    },
  };
}
