import { allocate, type Fen } from '../../platform/money.js';

/** mulberry32: a small seeded generator; the same seed always gives the same numbers. */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The cuts of a bargain: `total` (start − floor) split into `helpers` positive fen parts, drawn
 * from the seed and largest first (the first friends cut most). Each part is at least one fen and
 * the parts sum to `total` exactly, so the last helper reaches the floor. Same seed, same cuts.
 */
export function bargainCuts(total: Fen, helpers: number, seed: number): Fen[] {
  if (!Number.isInteger(total) || !Number.isInteger(helpers) || helpers < 1 || total < helpers) throw new RangeError('each cut needs at least one fen');
  const next = generator(seed);
  const weights = Array.from({ length: helpers }, () => 1 + Math.floor(next() * 1000));
  return allocate(total - helpers, weights).map((p) => p + 1).sort((a, b) => b - a);
}
