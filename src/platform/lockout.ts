/**
 * Lockout after repeated failures (wrong passwords, wrong pickup codes): the arithmetic, shared by
 * the modules that keep the counts in their own tables.
 */
export interface LockoutPolicy {
  /** Failures in a row that lock. */
  threshold: number;
  /** The first lock; each further failure doubles it. */
  baseSeconds: number;
  maxSeconds: number;
}

/** A count untouched this long starts over: an occasional typo never adds up to a lock. */
export const FORGET_FAILURES_AFTER_MS = 60 * 60_000;

/** How long `failures` in a row lock for: nothing below the threshold, then base · 2^(failures − threshold), capped. */
export function lockSeconds(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 30);
  return Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** doublings);
}

/** Whole seconds from `now` until `until`, at least 1: what Retry-After says. */
export function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}
