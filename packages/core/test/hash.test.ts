import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argumentsHash, InvalidRequest, MAX_CANONICAL_DEPTH } from '../src/index.js';
import { reorder, safeJson } from './fixtures/arbitraries.js';

// An oracle independent of the installed backend: node:crypto over the canonical text written by hand.
const sha256 = (text: string): string => 'sha256:' + createHash('sha256').update(text, 'utf8').digest('hex');

function refusal(action: unknown, args: unknown): InvalidRequest {
  try {
    argumentsHash(action as string, args);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequest);
    return error as InvalidRequest;
  }
  throw new Error('argumentsHash accepted input with no canonical form');
}

describe('argumentsHash', () => {
  it("is 'sha256:' and 64 lowercase hex digits", () => {
    expect(argumentsHash('transfer', { amount: 10 })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('hashes the UTF-8 JCS text of { action, arguments }', () => {
    expect(argumentsHash('transfer', { to: 'acct_1', amount: 10 })).toBe(sha256('{"action":"transfer","arguments":{"amount":10,"to":"acct_1"}}'));
  });

  it('hashes non-ASCII text as UTF-8', () => {
    expect(argumentsHash('näme', ['€', '\ud83d\ude00'])).toBe(sha256('{"action":"näme","arguments":["€","\ud83d\ude00"]}'));
  });

  it('hashes null, scalars and empty structures as arguments', () => {
    expect(argumentsHash('a', null)).toBe(sha256('{"action":"a","arguments":null}'));
    expect(argumentsHash('a', 1.5)).toBe(sha256('{"action":"a","arguments":1.5}'));
    expect(argumentsHash('a', [])).toBe(sha256('{"action":"a","arguments":[]}'));
    expect(argumentsHash('a', {})).toBe(sha256('{"action":"a","arguments":{}}'));
  });

  it('is the same whatever order the arguments were written in', () => {
    expect(argumentsHash('t', { a: 1, b: { c: 2, d: 3 } })).toBe(argumentsHash('t', { b: { d: 3, c: 2 }, a: 1 }));
  });

  it('tells apart calls that differ only in the action', () => {
    expect(argumentsHash('read', { id: 1 })).not.toBe(argumentsHash('delete', { id: 1 }));
  });

  it('tells apart a number from the string of its digits', () => {
    expect(argumentsHash('t', { id: 1 })).not.toBe(argumentsHash('t', { id: '1' }));
  });

  it('tells apart array order, which canonicalisation keeps', () => {
    expect(argumentsHash('t', [1, 2])).not.toBe(argumentsHash('t', [2, 1]));
  });

  it('writes -0 as 0, so both hash alike', () => {
    expect(argumentsHash('t', -0)).toBe(argumentsHash('t', 0));
  });

  it('hashes an own __proto__ key as data (as JSON.parse reads it), never as a prototype', () => {
    const parsed = JSON.parse('{"__proto__":1}') as unknown;
    expect(argumentsHash('t', parsed)).toBe(sha256('{"action":"t","arguments":{"__proto__":1}}'));
    expect(argumentsHash('t', parsed)).not.toBe(argumentsHash('t', {}));
    const polluting = JSON.parse('{"__proto__":{"admin":true}}') as unknown;
    expect(argumentsHash('t', polluting)).toBe(sha256('{"action":"t","arguments":{"__proto__":{"admin":true}}}'));
  });

  it('rejects an empty action name', () => {
    expect(refusal('', {}).status).toBe(400);
  });

  it('rejects an action name that is not a string', () => {
    expect(refusal(42, {}).code).toBe('invalid_request');
    expect(refusal(undefined, {}).code).toBe('invalid_request');
  });

  it('rejects an action name holding a lone surrogate', () => {
    expect(refusal('act\ud800', {}).detail).toContain('lone surrogate');
  });

  it('rejects undefined arguments', () => {
    expect(refusal('t', undefined).detail).toContain('$ is undefined');
  });

  it('rejects arguments with no canonical form as a 400 invalid_request', () => {
    for (const bad of [Number.NaN, 2 ** 53, '\udc00', 1n, () => 1, Symbol('s'), new Map(), new Set(), new Date(0), [undefined]]) {
      const error = refusal('t', bad);
      expect(error.status).toBe(400);
      expect(error.code).toBe('invalid_request');
    }
  });

  it(`accepts arguments nested exactly MAX_CANONICAL_DEPTH (${MAX_CANONICAL_DEPTH}) levels, the wrapper not counted`, () => {
    let args: unknown = 1;
    for (let i = 0; i < MAX_CANONICAL_DEPTH; i++) args = [args];
    expect(argumentsHash('t', args)).toMatch(/^sha256:/);
    expect(refusal('t', [args]).detail).toContain('nests deeper');
  });

  it('is invariant under key reordering of arbitrary JSON objects (property)', () => {
    fc.assert(
      fc.property(safeJson, fc.integer(), (value, seed) => {
        expect(argumentsHash('act', reorder(value, seed))).toBe(argumentsHash('act', value));
      }),
      { numRuns: 300 },
    );
  });
});
