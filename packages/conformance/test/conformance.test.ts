// Runs every scenario against every adapter and checks that all adapters observed the same thing.
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../src/scenarios.js';
import { TARGETS } from '../src/targets.js';

describe('every adapter answers identically', () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(name, async () => {
      const observed = new Map<string, unknown>();
      for (const target of TARGETS) {
        try {
          observed.set(target.name, await scenario(target.start));
        } catch (error) {
          if (error instanceof Error) error.message = `[${target.name}] ${error.message}`;
          throw error;
        }
      }
      const [reference, ...others] = [...observed];
      for (const [adapter, result] of others) {
        expect({ adapter, result }).toEqual({ adapter, result: reference![1] });
      }
    });
  }
});
