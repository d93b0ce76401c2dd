import { describe, expect, it } from 'vitest';
import { lockSeconds, secondsUntil } from './lockout.js';

describe('lockout arithmetic', () => {
  const policy = { threshold: 5, baseSeconds: 30, maxSeconds: 900 };
  it('locks from the threshold on, doubling per further failure up to the cap', () => {
    expect([1, 4, 5, 6, 7, 9, 10, 40].map((f) => lockSeconds(f, policy))).toEqual([0, 0, 30, 60, 120, 480, 900, 900]);
  });
  it('Retry-After rounds up and is never 0', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(secondsUntil(new Date(now.getTime() + 1500), now)).toBe(2);
    expect(secondsUntil(now, now)).toBe(1);
  });
});
