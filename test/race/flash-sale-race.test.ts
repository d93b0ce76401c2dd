/**
 * A flash sale under a burst, over real sockets: 1,000 buyers for 100 units sell exactly 100, and
 * one customer firing 20 orders at once with a limit of 2 gets exactly 2. The sale's counter, the
 * buyers' rows and the orders agree afterwards, and stock stays consistent.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { raceHarness } from './harness.js';
import { SEEDS, expectProblem, expectStockConsistent, rng, startingGate, type Res } from './helpers.js';

const BUYERS = 1000;
const UNITS = 100;

describe('flash sale race', async () => {
  const race = await raceHarness({ pool: 60 });
  const { db, api, siyu, clock } = race;
  const at = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000).toISOString();

  async function flashSale(world: { adminToken: string; bNodeId: string; skus: { id: string }[] }, stockCap: number, limit: number) {
    const res = await api.post('/api/v1/flash-sales', { name: '整点秒杀', b_node_id: world.bNodeId, sku_id: world.skus[0]!.id, price: 900, stock_cap: stockCap, per_customer_limit: limit, starts_at: at(0), ends_at: at(60) }, { token: world.adminToken });
    expect(res.status, res.text).toBe(201);
    return res.json().id as string;
  }

  /** Units the sale's orders hold, counted from the orders themselves (awaiting payment: none expired here). */
  async function unitsOrdered(tenantId: string, saleId: string) {
    const { rows } = await sql<{ orders: number; units: number }>`
      SELECT count(DISTINCT o.id)::int AS orders, coalesce(sum(l.quantity), 0)::int AS units
        FROM orders o JOIN order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
       WHERE o.tenant_id = ${tenantId} AND o.campaign_kind = 'flash_sale' AND o.campaign_ref = ${saleId}`.execute(db);
    return rows[0]!;
  }

  const seed = SEEDS[0]!;
  it(`${BUYERS} concurrent buyers for ${UNITS} units → exactly ${UNITS} sold, every other buyer a clean 409 (seed ${seed})`, async () => {
    const r = rng(seed);
    const world = await race.shop({ skuCount: 1, stock: 5000, buyers: BUYERS, phonePrefix: '150' });
    const saleId = await flashSale(world, UNITS, 1);
    // A thousand requests over sockets on a loaded machine: a generous client timeout and gate, so only the answers are judged.
    const base = (api as typeof api & { base: string }).base;
    const post = async (body: unknown, token: string): Promise<Res> => {
      try {
        const res = await fetch(`${base}/api/v1/orders`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify(body), signal: AbortSignal.timeout(120_000) });
        const text = await res.text();
        return { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? '' }, text, json: () => JSON.parse(text) };
      } catch (err) {
        return { status: 0, headers: {}, text: String(err), json: () => ({}) };
      }
    };
    const gate = startingGate(siyu, BUYERS, 90_000);
    const results: Res[] = await Promise.all(r.shuffle(world.tokens).map((token) =>
      post({ shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }], campaign: { kind: 'flash_sale', ref: saleId } }, token)));
    expect(gate.released).toBe(true);
    const byStatus = new Map<number, number>();
    for (const res of results) byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
    const summary = `statuses ${JSON.stringify([...byStatus])}`;
    expect(byStatus.get(201), summary).toBe(UNITS);
    // Every other buyer is refused: sold out, or — when the shared machine is so loaded that a request
    // waits past the pool's connection timeout — shed with 503 and Retry-After, nothing written either way.
    expect((byStatus.get(409) ?? 0) + (byStatus.get(503) ?? 0), summary).toBe(BUYERS - UNITS);
    for (const res of results.filter((x) => x.status === 409)) expectProblem(res, 409, 'flash_sale_sold_out');
    for (const res of results.filter((x) => x.status === 503)) expectProblem(res, 503, res.json().code);

    const sale = await db.selectFrom('flash_sales').select(['sold']).where('id', '=', saleId).executeTakeFirstOrThrow();
    expect(sale.sold).toBe(UNITS);
    expect(await unitsOrdered(world.tenantId, saleId)).toEqual({ orders: UNITS, units: UNITS });
    const held = await db.selectFrom('flash_sale_buyers').select((eb) => eb.fn.sum<number>('bought').as('units')).where('flash_sale_id', '=', saleId).executeTakeFirstOrThrow();
    expect(Number(held.units)).toBe(UNITS);
    const stock = await expectStockConsistent(db, world.tenantId, summary);
    expect(stock.get(world.skus[0]!.id)!.reserved).toBe(UNITS);
  }, 240_000);

  it('one customer firing 20 orders at once against a limit of 2 → exactly 2 units', async () => {
    const world = await race.shop({ skuCount: 1, stock: 500, buyers: 1, phonePrefix: '151' });
    const saleId = await flashSale(world, 50, 2);
    const token = world.tokens[0]!;
    const results = await Promise.all(Array.from({ length: 20 }, () =>
      api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }], campaign: { kind: 'flash_sale', ref: saleId } }, { token })));
    expect(results.filter((x) => x.status === 201)).toHaveLength(2);
    for (const res of results.filter((x) => x.status !== 201)) expectProblem(res, 409, 'flash_sale_limit_reached');
    expect(await unitsOrdered(world.tenantId, saleId)).toEqual({ orders: 2, units: 2 });
    const sale = await db.selectFrom('flash_sales').select(['sold']).where('id', '=', saleId).executeTakeFirstOrThrow();
    expect(sale.sold).toBe(2);
    await expectStockConsistent(db, world.tenantId);
  });
});
