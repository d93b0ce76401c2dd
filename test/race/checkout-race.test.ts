/**
 * Checkout under contention, over real sockets: many buyers, few units, one conditional stock update.
 * Nothing is oversold, every loser gets a clean 409 out_of_stock, and reserved stock always equals
 * the sum of active reservations.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { stockOf, type World } from '../fixtures.js';
import { raceHarness } from './harness.js';
import {
  SEEDS, dbActivityMeter, expectProblem, expectStockConsistent, inFlightMeter, rng, rowCounts, startingGate,
  type Line, type Res, type Rng,
} from './helpers.js';

const BUYERS = 200;
const HOT_UNITS = 20;

describe('checkout race', async () => {
  const race = await raceHarness({ pool: 60 });
  const { db, url, siyu, api } = race;

  async function setStock(world: World, skuIndex: number, onHand: number) {
    await db.updateTable('stock').set({ on_hand: onHand }).where('tenant_id', '=', world.tenantId).where('sku_id', '=', world.skus[skuIndex]!.id).execute();
  }

  /** Fires every cart at once (in the seed's order) and measures how many were really in flight together. */
  async function burst(tokens: string[], world: World, carts: Line[][], r: Rng) {
    const order = r.shuffle(carts.map((_, i) => i));
    const meter = inFlightMeter(siyu);
    const dbMeter = await dbActivityMeter(url);
    const gate = startingGate(siyu, carts.length);
    const results: Res[] = new Array(carts.length);
    await Promise.all(order.map(async (i) => {
      results[i] = await api.post('/api/v1/orders', { shop: world.shop, lines: carts[i] }, { token: tokens[i] });
    }));
    meter.stop();
    expect(gate.released).toBe(true);
    return { results, peak: meter.peak, dbPeak: await dbMeter.stop() };
  }

  async function ordersOf(tenantId: string) {
    return db.selectFrom('orders').select(['id', 'status']).where('tenant_id', '=', tenantId).execute();
  }

  /** Σ quantity of pending orders' lines per SKU, straight from order_lines. */
  async function orderedPerSku(tenantId: string) {
    const { rows } = await sql<{ sku_id: string; q: number }>`
      SELECT l.sku_id, sum(l.quantity)::int AS q FROM order_lines l JOIN orders o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
       WHERE l.tenant_id = ${tenantId} AND o.status = 'pending_payment' GROUP BY 1`.execute(db);
    return new Map(rows.map((r) => [r.sku_id, r.q]));
  }

  for (const seed of SEEDS) {
    it(`${BUYERS} concurrent buyers, ${HOT_UNITS} units of a hot SKU in mixed carts → exactly ${HOT_UNITS} orders (seed ${seed})`, async () => {
      const r = rng(seed);
      const ctx = `seed ${seed}`;
      // skus 0 hot (20 units); 1, 2 plentiful; 3, 4 scarce and 5 plentiful for the second round.
      const world = await race.shop({ skuCount: 6, stock: 5000, buyers: BUYERS });
      await setStock(world, 0, HOT_UNITS);
      const { tokens } = world;
      const hot = world.skus[0]!.id;
      const plenty = [world.skus[1]!.id, world.skus[2]!.id];

      // Round 1: every cart takes one hot unit plus 0–3 lines of plentiful SKUs (repeats allowed), lines shuffled.
      const carts: Line[][] = tokens.map(() => r.shuffle([
        { sku_id: hot, quantity: 1 },
        ...Array.from({ length: r.int(0, 3) }, () => ({ sku_id: r.pick(plenty), quantity: r.int(1, 5) })),
      ]));
      const before = await stockOf(db, world.tenantId, hot);
      const { results, peak, dbPeak } = await burst(tokens, world, carts, r);

      // ≥ 50 requests inside the server at once, and ≥ 50 PostgreSQL backends of this database busy at once.
      expect(peak, `${ctx}: requests in flight at once`).toBeGreaterThanOrEqual(50);
      expect(dbPeak, `${ctx}: database backends busy at once`).toBeGreaterThanOrEqual(50);
      const byStatus = new Map<number, number>();
      for (const res of results) byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
      const summary = `${ctx}: statuses ${JSON.stringify([...byStatus])}`;
      expect(results.filter((x) => x.status === 0 || x.status >= 500).map((x) => x.text.slice(0, 200)), `${summary}: 5xx or time-outs`).toEqual([]);
      expect(byStatus.get(201), summary).toBe(HOT_UNITS);
      expect(byStatus.get(409), summary).toBe(BUYERS - HOT_UNITS);
      for (const res of results.filter((x) => x.status === 409)) {
        const problem = expectProblem(res, 409, 'out_of_stock', ctx);
        expect(problem.sku_ids, ctx).toEqual([hot]);
      }

      const orders = await ordersOf(world.tenantId);
      expect(orders.length, `${ctx}: rows in orders`).toBe(HOT_UNITS);
      const created = new Set(results.filter((x) => x.status === 201).map((x) => x.json().id as string));
      expect(new Set(orders.map((o) => o.id)), `${ctx}: orders answered 201 are the orders stored`).toEqual(created);
      expect(await stockOf(db, world.tenantId, hot), ctx).toEqual({ on_hand: HOT_UNITS, reserved: before.reserved + HOT_UNITS, live_reservations: before.reserved + HOT_UNITS });

      // Every SKU: reserved equals the active reservations and the lines of the orders that exist.
      const stock = await expectStockConsistent(db, world.tenantId, ctx);
      const ordered = await orderedPerSku(world.tenantId);
      for (const [sku, row] of stock) expect(row.reserved, `${ctx}: ${sku} reserved vs ordered lines`).toBe(ordered.get(sku) ?? 0);
      // The winners' carts, merged per SKU, are exactly what their orders hold.
      for (const res of results.filter((x) => x.status === 201)) {
        const body = res.json();
        const i = results.indexOf(res);
        expect(body.lines.map((l: Line) => [l.sku_id, l.quantity]), ctx).toEqual(carts[i]!.map((l) => [l.sku_id, l.quantity]));
      }

      // Round 2: random quantities over two scarce SKUs and a plentiful one, duplicates within carts.
      await setStock(world, 3, r.int(10, 30));
      await setStock(world, 4, r.int(10, 30));
      const pool2 = [world.skus[3]!.id, world.skus[4]!.id, world.skus[5]!.id];
      const carts2: Line[][] = tokens.map(() => Array.from({ length: r.int(1, 4) }, () => ({ sku_id: r.pick(pool2), quantity: r.int(1, 3) })));
      const start2 = new Map((await expectStockConsistent(db, world.tenantId, ctx)));
      const round2 = await burst(tokens, world, carts2, r);
      expect(round2.peak, `${ctx}: round 2 requests in flight at once`).toBeGreaterThanOrEqual(50);
      expect(round2.dbPeak, `${ctx}: round 2 database backends busy at once`).toBeGreaterThanOrEqual(50);
      expect(round2.results.filter((x) => x.status === 0 || x.status >= 500).map((x) => x.text.slice(0, 200)), `${ctx}: round 2 5xx or time-outs`).toEqual([]);
      const end2 = await expectStockConsistent(db, world.tenantId, `${ctx} round 2`);
      const sold = new Map<string, number>();
      round2.results.forEach((res, i) => {
        if (res.status === 201) {
          for (const l of carts2[i]!) sold.set(l.sku_id, (sold.get(l.sku_id) ?? 0) + l.quantity);
          return;
        }
        expectProblem(res, 409, 'out_of_stock', `${ctx} round 2`);
        // Stock only shrank during the burst, so a cart refused for lack of stock must still not fit at the end.
        const want = new Map<string, number>();
        for (const l of carts2[i]!) want.set(l.sku_id, (want.get(l.sku_id) ?? 0) + l.quantity);
        const fitsNow = [...want].every(([sku, q]) => end2.get(sku)!.on_hand - end2.get(sku)!.reserved >= q);
        expect(fitsNow, `${ctx}: cart ${i} ${JSON.stringify([...want])} was refused although it still fits`).toBe(false);
        expect(res.json().sku_ids.every((s: string) => want.has(s)), `${ctx}: out_of_stock names the cart's SKUs`).toBe(true);
      });
      for (const sku of pool2) {
        expect(end2.get(sku)!.reserved - start2.get(sku)!.reserved, `${ctx}: ${sku} reserved grew by what the 201s bought`).toBe(sold.get(sku) ?? 0);
      }
      const counted = await ordersOf(world.tenantId);
      expect(counted.length, `${ctx}: rows in orders after round 2`).toBe(HOT_UNITS + round2.results.filter((x) => x.status === 201).length);
      const ordered2 = await orderedPerSku(world.tenantId);
      for (const [sku, row] of end2) expect(row.reserved, `${ctx}: ${sku} reserved vs ordered lines after round 2`).toBe(ordered2.get(sku) ?? 0);
    });
  }

  it('two lines of one SKU whose sum exceeds stock: the whole cart is refused and nothing is written', async () => {
    const world = await race.shop({ skuCount: 2, stock: 10, buyers: 1, phonePrefix: '138' });
    const [token] = world.tokens;
    const [a, b] = [world.skus[0]!.id, world.skus[1]!.id];
    const beforeA = await stockOf(db, world.tenantId, a);
    const beforeB = await stockOf(db, world.tenantId, b);
    const counts = await rowCounts(db);

    // 6 + 5 > 10 although each line alone fits; the other SKU in the cart must not stay reserved either.
    const res = await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: a, quantity: 6 }, { sku_id: b, quantity: 1 }, { sku_id: a, quantity: 5 }] }, { token });
    const problem = expectProblem(res, 409, 'out_of_stock');
    expect(problem.sku_ids).toEqual([a]);
    expect(await rowCounts(db)).toEqual(counts);
    expect(await stockOf(db, world.tenantId, a)).toEqual(beforeA);
    expect(await stockOf(db, world.tenantId, b)).toEqual(beforeB);

    // Exactly the stock, split over two lines, is fine: 5 + 5 = 10, and then nothing is left.
    const ok = await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: a, quantity: 5 }, { sku_id: a, quantity: 5 }] }, { token });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json().lines.map((l: Line) => l.quantity)).toEqual([5, 5]);
    expect(await stockOf(db, world.tenantId, a)).toEqual({ on_hand: 10, reserved: 10, live_reservations: 10 });
    expectProblem(await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: a, quantity: 1 }] }, { token }), 409, 'out_of_stock');
  });

  it('carts locking the same SKUs in opposite orders neither deadlock nor oversell', async () => {
    const world = await race.shop({ skuCount: 3, stock: 30, buyers: 60, phonePrefix: '137' });
    const { tokens } = world;
    const ids = world.skus.map((s) => s.id);
    const carts = tokens.map((_, i) => (i % 2 === 0 ? ids : [...ids].reverse()).map((sku_id) => ({ sku_id, quantity: 1 })));
    const results = await Promise.all(tokens.map((token, i) => api.post('/api/v1/orders', { shop: world.shop, lines: carts[i] }, { token })));
    expect(results.filter((x) => x.status === 201).length).toBe(30);
    for (const res of results.filter((x) => x.status !== 201)) expectProblem(res, 409, 'out_of_stock');
    const stock = await expectStockConsistent(db, world.tenantId, 'opposite order');
    for (const id of ids) expect(stock.get(id)).toMatchObject({ on_hand: 30, reserved: 30 });
  });
});
