import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import * as backend from '../../src/crypto/backend.js';
import { apiKey } from '../../src/providers/api-key/provider.js';
import { AuthRequest } from '../../src/request.js';

// Timing cannot be asserted; what can be is that every secret comparison goes through the
// constant-time helper rather than `===` on strings.
vi.mock('../../src/crypto/backend.js', async (importOriginal) => {
  const original = await importOriginal<typeof backend>();
  return { ...original, timingSafeEqualText: vi.fn(original.timingSafeEqualText) };
});

const KEY = 'sk_test_0123456789abcdefABCDEF';
const hexOf = (key: string): string => createHash('sha256').update(key).digest('hex');

describe('apiKey constant-time comparison', () => {
  it('compares the presented key digest with timingSafeEqualText', async () => {
    const spy = vi.mocked(backend.timingSafeEqualText);
    spy.mockClear();
    const auth = apiKey({ keys: [{ key: KEY, subject: 's' }] });
    await auth(new AuthRequest({ method: 'GET', path: '/', headers: { 'x-api-key': KEY } }));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]).toEqual([hexOf(KEY), hexOf(KEY)]);
  });
});
