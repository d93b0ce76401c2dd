import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bargainCuts } from './bargain-cuts.js';

describe('bargain cuts', () => {
  it('are positive, sum to start − floor exactly, and are the same for the same seed', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (helpers, extra, seed) => {
      const total = helpers + extra;
      const cuts = bargainCuts(total, helpers, seed);
      expect(cuts).toHaveLength(helpers);
      expect(cuts.every((c) => Number.isInteger(c) && c >= 1)).toBe(true);
      expect(cuts.reduce((a, c) => a + c, 0)).toBe(total);
      expect(bargainCuts(total, helpers, seed)).toEqual(cuts);
    }));
  });
  it('differ between seeds and refuse a split with less than a fen per helper', () => {
    expect(bargainCuts(10_000, 5, 1)).not.toEqual(bargainCuts(10_000, 5, 2));
    expect(() => bargainCuts(4, 5, 1)).toThrow(RangeError);
  });
});
