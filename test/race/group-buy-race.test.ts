/**
 * Group buys under contention, over real sockets: 100 joiners race for the last K slots of an open
 * group and exactly K get in; groups past their timer are settled by several runs at once and each
 * paid member is refunded exactly once.
 */
import { describe, expect, it } from 'vitest';
import { raceHarness } from './harness.js';
import { expectProblem, expectStockConsistent, type Res } from './helpers.js';
import { groupBuyFixtures } from '../group-buys.js';
import { settleDueGroupBuys } from '../../src/flows/group-settlement.flow.js';

const JOINERS = 100;

describe('group buy race', async () => {
  const race = await raceHarness({ pool: 60 });
  const { db, api, clock } = race;
  type RaceWorld = Parameters<typeof groupBuyFixtures>[3];
  const fixtures = (world: RaceWorld) => groupBuyFixtures(db, api, clock, world);

  async function campaign(world: RaceWorld, size: number) {
    const res = await fixtures(world).createGroupBuy({ name: '大团', group_size: size, timer_minutes: 30, stock_cap: 10_000 });
    expect(res.status, res.text).toBe(201);
    return res.json().id as string;
  }
  const order = (world: RaceWorld, token: string, ref: string, groupId?: string) => fixtures(world).order(token, ref, groupId);
  async function pay(world: RaceWorld, token: string, orderId: string) {
    expect(await fixtures(world).pay(token, orderId)).toBe('order_paid');
  }

  for (const k of [1, 7]) {
    it(`${JOINERS} joiners race for the last ${k} slot(s) → exactly ${k} members join`, async () => {
      const world = await race.shop({ skuCount: 1, stock: 5000, buyers: JOINERS + 3, phonePrefix: k === 1 ? '152' : '153' });
      const id = await campaign(world, 3 + k);
      const opener = await order(world, world.tokens[0]!, id);
      await pay(world, world.tokens[0]!, opener.json().id);
      const groupId = await fixtures(world).groupOf(opener.json().id);
      for (const t of world.tokens.slice(1, 3)) expect((await order(world, t, id, groupId)).status).toBe(201);

      const results: Res[] = await Promise.all(world.tokens.slice(3).map((t) => order(world, t, id, groupId)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(k);
      for (const r of results.filter((x) => x.status !== 201)) expectProblem(r, 409, 'group_full');
      const group = await db.selectFrom('group_buy_groups').selectAll().where('id', '=', groupId).executeTakeFirstOrThrow();
      expect(group.members).toBe(3 + k);
      const members = await db.selectFrom('group_buy_members').select('order_id').where('group_id', '=', groupId).execute();
      expect(members).toHaveLength(3 + k);
      const orders = await db.selectFrom('orders').select('id').where('tenant_id', '=', world.tenantId).where('campaign_ref', '=', id).execute();
      expect(orders).toHaveLength(3 + k);
      await expectStockConsistent(db, world.tenantId);
    }, 60_000);
  }

  it('settles expired groups once when several settlement runs race: every paid member refunded exactly once', async () => {
    const world = await race.shop({ skuCount: 1, stock: 5000, buyers: 40, phonePrefix: '154' });
    const id = await campaign(world, 5);
    const paidOrders: string[] = [];
    // Ten groups, each with its opener and two members paid (short of five).
    for (let g = 0; g < 10; g++) {
      const [a, b, c] = world.tokens.slice(g * 3, g * 3 + 3) as [string, string, string];
      const opener = await order(world, a, id);
      await pay(world, a, opener.json().id);
      const groupId = await fixtures(world).groupOf(opener.json().id);
      paidOrders.push(opener.json().id);
      for (const t of [b, c]) {
        const o = await order(world, t, id, groupId);
        await pay(world, t, o.json().id);
        paidOrders.push(o.json().id);
      }
    }
    clock.advance(31 * 60_000);
    // Four runs at once, in small batches so they overlap group by group (the earlier tests' groups expire too).
    await Promise.all(Array.from({ length: 4 }, () => settleDueGroupBuys(db, clock, 3)));
    await settleDueGroupBuys(db, clock);
    const groups = await db.selectFrom('group_buy_groups').select(['id', 'status']).where('group_buy_id', '=', id).execute();
    expect(groups.map((g) => g.status)).toEqual(Array(10).fill('failed'));
    const settledOnce = await db.selectFrom('audit_log').select('entity_id').where('tenant_id', '=', world.tenantId).where('action', '=', 'group_buy.group_failed').execute();
    expect(settledOnce.map((a) => a.entity_id).sort()).toEqual(groups.map((g) => g.id).sort());
    const refunds = await db.selectFrom('refunds').select(['order_id']).where('tenant_id', '=', world.tenantId).execute();
    expect(refunds.map((r) => r.order_id).sort()).toEqual([...paidOrders].sort());
    const statuses = await db.selectFrom('orders').select('status').where('id', 'in', paidOrders).execute();
    expect(statuses.every((s) => s.status === 'refunded')).toBe(true);
    const taken = await db.selectFrom('group_buys').select('taken').where('id', '=', id).executeTakeFirstOrThrow();
    expect(taken.taken).toBe(0);
    await expectStockConsistent(db, world.tenantId);
  }, 60_000);
});
