import { describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../src/platform/config.js';
import { withDatabase } from '../test/global-setup.js';
import { runJourneyBench } from './journey.bench.js';

// Not a timing: a few journeys, to show each one goes from sign-in to paid and the books balance.
describe('siyu bench journey', () => {
  it('takes every journey from shop session to a paid order, and oversells nothing', async () => {
    const config = loadConfig({ DATABASE_URL: withDatabase(inject('pgAdminUrl'), 'postgres') });
    const r = await runJourneyBench({ clients: 3, orders: 9, json: true, warmup: 1 }, config);
    expect(r).toMatchObject({ clients: 3, orders: 9, paid: 9, unpaid: 0, refused: 0, oversold: 0 });
    expect(r.orders_per_s).toBeGreaterThan(0);
    expect(r.confirm_p50_ms).toBeLessThanOrEqual(r.p50_ms);
    expect(r.polls_per_order).toBeGreaterThanOrEqual(1);
    for (const key of ['p99_ms', 'confirm_p99_ms', 'jobs_max_due', 'rss_mb']) expect(r, key).toHaveProperty(key);
    // One long poll per order: the status call is held until the payment lands.
    expect(r.polls_per_order).toBe(1);
    // The server is on this machine, so both CPU figures are read.
    expect(r.cpu_ms_per_order.node).toBeGreaterThan(0);
    expect(r.cpu_ms_per_order.postgres).toBeGreaterThan(0);
  });
});
