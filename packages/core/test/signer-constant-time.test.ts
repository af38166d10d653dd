import { describe, expect, it, vi } from 'vitest';
import * as backend from '../src/crypto/backend.js';
import { SignedCookieSigner } from '../src/signer.js';

// Timing cannot be asserted; what can be is that MACs are compared by the constant-time helper.
vi.mock('../src/crypto/backend.js', async (importOriginal) => {
  const original = await importOriginal<typeof backend>();
  return { ...original, timingSafeEqualText: vi.fn(original.timingSafeEqualText) };
});

describe('SignedCookieSigner constant-time comparison', () => {
  it('compares MACs with timingSafeEqualText, trying every secret', () => {
    const spy = vi.mocked(backend.timingSafeEqualText);
    const signer = new SignedCookieSigner('c'.repeat(32), { fallbackSecrets: ['o'.repeat(32), 'p'.repeat(32)] });
    const signed = signer.sign('v');
    spy.mockClear();
    expect(signer.verify(signed)).toBe('v');
    // The current secret matched first, yet both fallbacks were still tried.
    expect(spy).toHaveBeenCalledTimes(3);
  });
});
