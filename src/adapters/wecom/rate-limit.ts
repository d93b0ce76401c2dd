import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A token bucket per key (corp + API path): WeCom blocks an API for 60 s once a corp passes
 * 10,000 calls a minute, so calls wait here at `perMinute` (below that) with a burst of
 * `burst`. In-process: processes of one deployment each stay under their share. Written here
 * rather than taken from a library: p-limit bounds concurrency, not rate, and bottleneck has had
 * no release since 2019.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(readonly perMinute = 9_000, readonly burst = 200, private readonly now: () => number = Date.now) {}

  /** Waits until a call under `key` may go; returns how long it waited (ms). */
  async take(key: string): Promise<number> {
    const ratePerMs = this.perMinute / 60_000;
    let waited = 0;
    for (;;) {
      const t = this.now();
      const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
      b.tokens = Math.min(this.burst, b.tokens + (t - b.at) * ratePerMs);
      b.at = t;
      this.buckets.set(key, b);
      if (b.tokens >= 1) { b.tokens -= 1; return waited; }
      const ms = Math.ceil((1 - b.tokens) / ratePerMs);
      waited += ms;
      await sleep(ms);
    }
  }
}

/** Shared by every client of the process, so two tenants' calls to one corp's API count together. */
export const processRateLimiter = new RateLimiter();
