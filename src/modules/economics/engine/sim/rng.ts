/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna), state filled by splitmix32
 * from the seed. Same seed, same sequence, on every platform: only 32-bit integer operations.
 */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextU32(): number;
  /** Uniform double in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n), n ≤ 2^32. */
  below(n: number): number;
  /** Poisson-distributed count with mean `mean`. */
  poisson(mean: number): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  // Fold seeds beyond 32 bits in, so 1 and 2^32 + 1 differ.
  const init = splitmix32((seed >>> 0) ^ Math.floor(seed / 2 ** 32));
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  if ((a | b | c | d) === 0) a = 1;

  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const next = (): number => nextU32() / 4_294_967_296;
  const below = (n: number): number => Math.floor(next() * n);

  const poisson = (mean: number): number => {
    if (!(mean > 0)) return 0;
    if (mean > 30) {
      // Normal approximation: exact enough for income statistics, O(1) instead of O(mean).
      const u1 = 1 - next();
      const u2 = next();
      const g = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * g));
    }
    const limit = Math.exp(-mean);
    let k = 0;
    let p = next();
    while (p > limit) {
      k++;
      p *= next();
    }
    return k;
  };

  return { nextU32, next, below, poisson };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
