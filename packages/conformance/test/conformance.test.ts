// Runs every scenario against every adapter and checks that all adapters observed the same thing.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../src/scenarios.js';
import { PROVIDER_SCENARIOS } from '../src/provider-scenarios.js';
import { SCENARIOS } from '../src/scenarios.js';
import { TARGETS } from '../src/targets.js';

function suite(title: string, scenarios: Readonly<Record<string, Scenario>>): void {
  describe(title, () => {
    for (const [name, scenario] of Object.entries(scenarios)) {
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
}

suite('every adapter answers identically', SCENARIOS);
suite('every adapter answers identically with the built-in providers', PROVIDER_SCENARIOS);
