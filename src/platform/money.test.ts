import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate, fen, formatYuan } from './money.js';

describe('money', () => {
  it('allocate: parts always sum to the whole and stay within one fen of the exact share', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 20 }), (total, weights) => {
      const parts = allocate(total, weights);
      const sum = weights.reduce((a, b) => a + b, 0);
      if (sum === 0) return parts.every((p) => p === 0);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      parts.forEach((p, i) => expect(Math.abs(p - (total * weights[i]!) / sum)).toBeLessThan(1));
      return true;
    }));
  });

  it('fen refuses anything that is not an exact integer', () => {
    expect(fen('123')).toBe(123);
    expect(() => fen('1.5')).toThrow(RangeError);
    expect(() => fen('9007199254740993')).toThrow(RangeError);
  });

  it('formats yuan from fen', () => {
    expect(formatYuan(123456, { grouped: false })).toBe('¥1234.56');
    // Every amount shown anywhere is grouped unless asked otherwise: thousands are read at a glance.
    expect(formatYuan(1234567)).toBe('¥12,345.67');
    expect(formatYuan(-100000000)).toBe('-¥1,000,000.00');
    expect(formatYuan(99999)).toBe('¥999.99');
    expect(formatYuan(-5)).toBe('-¥0.05');
    expect(formatYuan(7350)).toBe('¥73.50');
    expect(formatYuan(123456789, { grouped: true })).toBe('¥1,234,567.89');
    expect(formatYuan(-123456789, { whole: true, grouped: true })).toBe('-¥1,234,568');
    expect(formatYuan(1249, { whole: true })).toBe('¥12');
    expect(formatYuan(Number.NaN)).toBe('¥—');
    expect(formatYuan(0.5)).toBe('¥—');
  });
});
