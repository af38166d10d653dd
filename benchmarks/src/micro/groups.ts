// What the micro benchmarks compare, each group with a correctness check run before measuring.
import { argumentsHash, SignedCookieSigner } from '@auth/core';
import canonicalize from 'canonicalize';
import { sign as cookieSign, unsign as cookieUnsign } from 'cookie-signature';
import { createHash, randomBytes } from 'node:crypto';
import type { MicroGroup } from './suite.js';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function signerGroup(): MicroGroup {
  const secret = randomBytes(32).toString('base64url');
  const value = 's_' + randomBytes(24).toString('base64url'); // a session id, as cookies carry
  const signer = new SignedCookieSigner(secret);
  return {
    id: 'signer',
    title: 'cookie sign+verify',
    candidates: [
      { name: 'SignedCookieSigner', fn: () => signer.verify(signer.sign(value)) },
      { name: 'cookie-signature', fn: () => cookieUnsign(cookieSign(value, secret), secret) },
    ],
    comparisons: [{ ours: 'SignedCookieSigner', base: 'cookie-signature', target: 1.0 }],
    async verify() {
      const problems: string[] = [];
      if (signer.verify(signer.sign(value)) !== value) problems.push('SignedCookieSigner round trip failed');
      if (signer.verify(signer.sign(value) + 'x') !== null) problems.push('SignedCookieSigner accepted a tampered value');
      if (cookieUnsign(cookieSign(value, secret), secret) !== value) problems.push('cookie-signature round trip failed');
      return problems;
    },
  };
}

/** Inputs for argumentsHash: a typical tool call, a nested one, and a large batch. */
export const HASH_INPUTS: ReadonlyArray<{ readonly id: string; readonly action: string; readonly args: unknown }> = [
  { id: 'small', action: 'transfer', args: { to: 'acct_1', amount: 10, memo: 'rent' } },
  {
    id: 'nested',
    action: 'deploy',
    args: {
      service: 'billing-api',
      version: '2.14.3',
      replicas: 3,
      canary: { percent: 12.5, durationSeconds: 600, abortOn: ['5xx>1%', 'p99>800ms'] },
      env: { REGION: 'eu-west-1', LOG_LEVEL: 'info', FEATURE_FLAGS: 'a,b,c', GREETING: 'grüß dich — 你好 👋' },
      owners: ['ana@example.com', 'bo@example.com'],
      dryRun: false,
      budget: null,
      limits: { cpu: 0.25, memoryMiB: 512, ratio: 1e-7, big: 12345678901234 },
    },
  },
  {
    id: 'batch-100',
    action: 'bulk_update',
    args: {
      items: Array.from({ length: 100 }, (_, i) => ({
        id: `item_${i}`,
        qty: i * 3,
        price: Math.round(i * 137.5) / 100,
        tags: ['t' + (i % 7), 'z' + (i % 3)],
        active: i % 2 === 0,
      })),
    },
  },
];

function canonicalHash(action: string, args: unknown): string {
  return createHash('sha256').update(canonicalize({ action, arguments: args })!).digest('hex');
}

export function argumentsHashGroups(): MicroGroup[] {
  return HASH_INPUTS.map(({ id, action, args }) => ({
    id: `argumentsHash.${id}`,
    title: `argumentsHash (${id})`,
    candidates: [
      { name: 'argumentsHash', fn: () => argumentsHash(action, args) },
      { name: 'canonicalize+sha256', fn: () => canonicalHash(action, args) },
    ],
    comparisons: [{ ours: 'argumentsHash', base: 'canonicalize+sha256', target: 1.0 }],
    async verify() {
      const ours = argumentsHash(action, args);
      const theirs = 'sha256:' + canonicalHash(action, args);
      return same(ours, theirs) ? [] : [`argumentsHash gave ${ours}, canonicalize+sha256 gave ${theirs}`];
    },
  }));
}
