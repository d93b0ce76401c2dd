import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';

const draw = (seed: number, n = 1_000) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.nextU32());
};

describe('createRng', () => {
  it('repeats the same sequence for the same seed and differs across seeds', () => {
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(1)).not.toEqual(draw(2 ** 32 + 1));
  });

  it('is uniform enough for the simulator', () => {
    const rng = createRng(7);
    const n = 200_000;
    const buckets = new Array<number>(10).fill(0);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      const b = Math.floor(u * 10);
      buckets[b] = (buckets[b] ?? 0) + 1;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    for (const b of buckets) expect(Math.abs(b / n - 0.1)).toBeLessThan(0.005);
  });

  it('below(n) stays in range and reaches both ends', () => {
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 5_000; i++) {
      const v = rng.below(5);
      expect(Number.isInteger(v) && v >= 0 && v < 5).toBe(true);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('poisson has the requested mean, small and large', () => {
    const rng = createRng(11);
    for (const mean of [0.7, 6, 80]) {
      let sum = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) sum += rng.poisson(mean);
      expect(Math.abs(sum / n - mean)).toBeLessThan(4 * Math.sqrt(mean / n));
    }
    expect(rng.poisson(0)).toBe(0);
  });
});
