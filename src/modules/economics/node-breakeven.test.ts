import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, manualClock, startSiyu } from '../../../test/fixtures.js';
import { seedDemo } from '../../cli/seed/demo-seed.js';
import { daysBefore, lastDays } from './node-breakeven.service.js';

describe('a B node\'s break-even over the demo data', async () => {
  const { db } = await createTestDatabase();
  // 20:00 UTC is already the next day in Shanghai: a window counted in UTC days would be off by one.
  const now = new Date('2026-11-01T20:00:00Z');
  const clock = manualClock(now);
  await seedDemo(db, { seed: 7, now });
  const siyu = await startSiyu(db, clock);
  const inject = siyu.server.inject.bind(siyu.server);
  const token = (await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: 'demo', login: 'admin', password: 'admin123' } })).json().token as string;
  const admin = auth(token);
  const nodes = (await inject({ method: 'GET', url: '/api/v1/b-nodes', headers: admin })).json().items as { id: string; name: string }[];
  const get = async (url: string) => {
    const r = await inject({ method: 'GET', url, headers: admin });
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };

  it('counts the last N days as the P&L page does: the tenant\'s days, today included', () => {
    expect(lastDays(now, 'Asia/Shanghai', 30)).toEqual({ from: '2026-10-04', to: '2026-11-02' });
    expect(lastDays(now, 'UTC', 1)).toEqual({ from: '2026-11-01', to: '2026-11-01' });
    expect(daysBefore('2026-03-01', 1)).toBe('2026-02-28');
  });

  it('agrees with the P&L table for every node and window: same orders, same margin per order', async () => {
    expect(nodes).toHaveLength(5);
    for (const days of [7, 30, 90]) {
      // The P&L page's default period: from 29 days ago to today, in the tenant's calendar.
      const to = '2026-11-02';
      const from = daysBefore(to, days - 1);
      const rows = (await get(`/api/v1/economics/pnl?by=b_node&from=${from}&to=${to}`)).rows as { key: string; orders: number; contribution_margin: number; paid: number }[];
      for (const node of nodes) {
        const be = await get(`/api/v1/economics/b-nodes/${node.id}/breakeven?days=${days}&fixed_cost_per_day=30000`);
        const row = rows.find((r) => r.key === node.id)!;
        expect(row, node.name).toBeDefined();
        expect({ from: be.from, to: be.to }).toEqual({ from, to });
        expect(be.orders, `${node.name}, ${days} days`).toBe(row.orders);
        expect(be.actual.paid).toBe(row.paid);
        expect(be.contribution_margin, `${node.name}, ${days} days`).toBe(Math.round(row.contribution_margin / row.orders));
        expect(be.actual_orders_per_day).toBe(Math.round((row.orders / days) * 100) / 100);
      }
    }
  });

  it('takes the coupon table at the node\'s real volume, so a losing node shows its loss', async () => {
    const node = nodes[0]!;
    const probe = await get(`/api/v1/economics/b-nodes/${node.id}/breakeven?days=30&fixed_cost_per_day=0`);
    const perDay = probe.orders / 30;
    // A fixed cost the node's real volume does not cover by ¥100 a day.
    const fixed = Math.round(perDay * probe.contribution_margin) + 10_000;
    const be = await get(`/api/v1/economics/b-nodes/${node.id}/breakeven?days=30&fixed_cost_per_day=${fixed}`);
    expect(be.orders_per_day).toBeGreaterThan(be.actual_orders_per_day);
    expect(be.subsidy_volume).toBe('actual');
    expect(be.subsidy_volume_per_day).toBeCloseTo(perDay, 10);
    const noCoupon = be.subsidy_sweep.find((r: { subsidy_bps: number }) => r.subsidy_bps === 0);
    expect(noCoupon.contribution_margin).toBe(be.contribution_margin);
    expect(noCoupon.daily_result).toBe(Math.round(perDay * be.contribution_margin) - fixed);
    expect(noCoupon.daily_result).toBeLessThan(0);
    for (const row of be.subsidy_sweep) expect(row.daily_result).toBeLessThan(0);
  });

  it('a plan on paper still takes the coupon table at its break-even volume, and says so', async () => {
    const r = await inject({ method: 'POST', url: '/api/v1/economics/breakeven', headers: admin, payload: { plan: { name: 'p', product: { price: 3000, cogs: 1500 } }, fixed_cost_per_day: 30000 } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ subsidy_volume: 'break_even', subsidy_volume_per_day: r.json().orders_per_day });
  });
});
