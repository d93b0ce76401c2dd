import { InvalidArgumentError } from 'commander';

/** A commander parser for a whole number of at least `min` (counts of rows, clients, days…). */
export function integerAtLeast(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(min === 1 ? 'expected a positive integer' : `expected an integer of at least ${min}`);
    }
    return n;
  };
}
