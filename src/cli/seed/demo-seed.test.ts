import { describe, expect, it } from 'vitest';
import { sql, type RawBuilder } from 'kysely';
import { createTestDatabase } from '../../../test/test-db.js';
import { systemClock } from '../../platform/clock.js';
import { login } from '../../modules/identity/identity.service.js';
import { DEMO_LOGINS, seedDemo } from './demo-seed.js';

const TABLES = ['tenants', 'users', 'suppliers', 'products', 'skus', 'warehouses', 'stock', 'b_nodes', 'shop_routes', 'listings',
  'customers', 'orders', 'order_lines', 'stock_reservations', 'payments', 'refunds'] as const;

describe('demo seed', async () => {
  const { db } = await createTestDatabase();
  const started = Date.now();
  const first = await seedDemo(db, { seed: 7 });
  const elapsed = Date.now() - started;
  const tenantId = first.tenantId!;
  const count = async (table: string) =>
    Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db)).rows[0]!.n);
  const one = async <T>(query: RawBuilder<T>) => (await query.execute(db)).rows[0]!;

  it('creates the stated world, quickly', async () => {
    expect(first.created).toBe(true);
    expect(elapsed).toBeLessThan(20_000);
    expect({ suppliers: await count('suppliers'), skus: await count('skus'), b_nodes: await count('b_nodes'), customers: await count('customers'), orders: await count('orders') })
      .toEqual({ suppliers: 2, skus: 60, b_nodes: 5, customers: 200, orders: 2000 });
    expect(await count('products')).toBeGreaterThanOrEqual(22);
    const nodes = await db.selectFrom('b_nodes').select(['kind', 'slug']).execute();
    expect(nodes.filter((n) => n.kind === 'store')).toHaveLength(2);
    expect(nodes.filter((n) => n.kind === 'leader')).toHaveLength(3);
    expect(nodes.every((n) => n.slug.startsWith('demo-'))).toBe(true);
    const perNode = await db.selectFrom('listings').select(({ fn }) => ['b_node_id', fn.countAll<string>().as('n')]).groupBy('b_node_id').execute();
    expect(perNode.every((r) => Number(r.n) >= 30 && Number(r.n) <= 60)).toBe(true);
    const consumers = await one(sql<{ n: string }>`SELECT count(*) AS n FROM customers c JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.user_id
      WHERE u.role = 'consumer' AND u.password_hash IS NULL AND u.login = 'consumer:phone:' || c.phone_index AND c.b_node_id IS NOT NULL AND c.phone_masked ~ '^13[0-9][*]{4}[0-9]{4}$' AND c.phone_sealed IS NOT NULL`);
    expect(Number(consumers.n)).toBe(200);
  });

  it('prices every listing inside its band and every SKU at the margins of its kind', async () => {
    const bad = await one(sql<{ n: string }>`SELECT count(*) AS n FROM listings l JOIN skus s ON s.tenant_id = l.tenant_id AND s.id = l.sku_id
      WHERE l.retail_price < s.retail_floor OR l.retail_price > s.retail_ceiling OR s.retail_floor <= s.supply_price`);
    expect(Number(bad.n)).toBe(0);
    const margins = await sql<{ code: string; m: number }>`SELECT code, 1 - supply_price::float / suggested_price AS m FROM skus`.execute(db);
    for (const r of margins.rows) {
      const [low, high] = r.code.startsWith('FR') ? [0.1, 0.25] : [0.2, 0.35];
      expect(r.m).toBeGreaterThanOrEqual(low - 0.005);
      expect(r.m).toBeLessThanOrEqual(high + 0.005);
    }
  });

  it('spreads orders over at least 80 of the last 90 local days, none in the future', async () => {
    const span = await one(sql<{ days: string; oldest: Date; newest: Date }>`
      SELECT count(DISTINCT (created_at AT TIME ZONE 'Asia/Shanghai')::date) AS days, min(created_at) AS oldest, max(created_at) AS newest
        FROM orders WHERE tenant_id = ${tenantId}`);
    expect(Number(span.days)).toBeGreaterThanOrEqual(80);
    expect(span.oldest.getTime()).toBeGreaterThanOrEqual(started - 90 * 86_400_000);
    expect(span.newest.getTime()).toBeLessThanOrEqual(Date.now());
    const statuses = await db.selectFrom('orders').select(({ fn }) => ['status', fn.countAll<string>().as('n')]).groupBy('status').execute();
    const by = Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)]));
    expect(by.completed).toBeGreaterThan(1500);
    expect((by.refunded ?? 0) + (by.partially_refunded ?? 0)).toBeGreaterThanOrEqual(40);
    expect((by.refunded ?? 0) + (by.partially_refunded ?? 0)).toBeLessThanOrEqual(160);
    expect(by.expired).toBeGreaterThan(0);
    expect((by.paid ?? 0) + (by.ready_for_pickup ?? 0)).toBeGreaterThan(0);
  });

  it('keeps every order consistent with its lines, payment and refunds', async () => {
    const broken = await one(sql<{ n: string }>`
      WITH l AS (SELECT order_id, sum(line_total) AS total, sum(unit_supply_cost * quantity) AS cost, sum(refunded_amount) AS refunded,
                        bool_and(line_total = unit_price * quantity) AS exact
                   FROM order_lines GROUP BY order_id),
           r AS (SELECT order_id, sum(amount) AS amount FROM refunds WHERE status = 'succeeded' GROUP BY order_id)
      SELECT count(*) AS n FROM orders o JOIN l ON l.order_id = o.id
        LEFT JOIN payments p ON p.tenant_id = o.tenant_id AND p.order_id = o.id
        LEFT JOIN r ON r.order_id = o.id
       WHERE o.total <> l.total OR o.subtotal <> l.total OR o.supply_cost <> l.cost OR o.refunded_total <> l.refunded OR NOT l.exact
          OR (o.status IN ('expired', 'cancelled')) <> (p.id IS NULL)
          OR (p.id IS NOT NULL AND (p.amount <> o.total OR p.refunded_amount <> o.refunded_total OR p.provider <> 'sandbox'))
          OR coalesce(r.amount, 0) <> o.refunded_total
          OR (o.status = 'refunded' AND (p.status <> 'refunded' OR o.refunded_total <> o.total))
          OR (o.status = 'partially_refunded' AND (p.status <> 'partially_refunded' OR o.refunded_total >= o.total))
          OR (o.status IN ('paid', 'ready_for_pickup', 'completed') AND p.status <> 'succeeded')`);
    expect(Number(broken.n)).toBe(0);
    const pricedOff = await one(sql<{ n: string }>`SELECT count(*) AS n FROM order_lines ol JOIN orders o ON o.tenant_id = ol.tenant_id AND o.id = ol.order_id
      LEFT JOIN listings li ON li.tenant_id = o.tenant_id AND li.b_node_id = o.b_node_id AND li.sku_id = ol.sku_id
      JOIN skus s ON s.tenant_id = ol.tenant_id AND s.id = ol.sku_id
      WHERE li.retail_price IS DISTINCT FROM ol.unit_price OR s.supply_price <> ol.unit_supply_cost`);
    expect(Number(pricedOff.n)).toBe(0);
  });

  it('keeps stock.reserved equal to the active reservations, and within on-hand', async () => {
    const broken = await one(sql<{ n: string }>`
      SELECT count(*) AS n FROM stock s
        LEFT JOIN (SELECT warehouse_id, sku_id, sum(quantity) AS q FROM stock_reservations WHERE status = 'active' GROUP BY 1, 2) r
          ON r.warehouse_id = s.warehouse_id AND r.sku_id = s.sku_id
       WHERE s.reserved <> coalesce(r.q, 0) OR s.reserved > s.on_hand`);
    expect(Number(broken.n)).toBe(0);
    const misplaced = await one(sql<{ n: string }>`SELECT count(*) AS n FROM stock_reservations r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
      WHERE (r.status = 'active') <> (o.status = 'paid') OR (r.status = 'released') <> (o.status IN ('expired', 'cancelled')) OR r.warehouse_id <> o.warehouse_id`);
    expect(Number(misplaced.n)).toBe(0);
    expect(Number((await one(sql<{ n: string }>`SELECT count(*) AS n FROM stock WHERE reserved > 0`)).n)).toBeGreaterThan(0);
  });

  it('gives every B node a guarded commission policy and every paid order its stored waterfall', async () => {
    const unassigned = await one(sql<{ n: string }>`SELECT count(*) AS n FROM b_nodes WHERE commission_policy_id IS NULL`);
    expect(Number(unassigned.n)).toBe(0);
    const policies = await db.selectFrom('commission_policies').select(['verdict']).execute();
    expect(policies.length).toBe(2);
    expect(policies.every((p) => p.verdict === 'accept' || p.verdict === 'warn')).toBe(true);
    const w = await one(sql<{ paid: string; orders: string; with_rows: string; line_paid: string }>`
      SELECT (SELECT count(*) FROM orders WHERE paid_at IS NOT NULL) AS orders,
             (SELECT count(DISTINCT order_id) FROM order_line_economics) AS with_rows,
             (SELECT sum(total) FROM orders WHERE paid_at IS NOT NULL) AS paid,
             (SELECT sum(paid) FROM order_line_economics) AS line_paid`);
    expect(Number(w.with_rows)).toBe(Number(w.orders));
    expect(w.line_paid).toBe(w.paid);
  });

  it('changes nothing when called again', async () => {
    const before = await Promise.all(TABLES.map(count));
    const again = await seedDemo(db, { seed: 7 });
    expect(again.created).toBe(false);
    expect(await Promise.all(TABLES.map(count))).toEqual(before);
  });

  it('lets the printed logins sign in', async () => {
    const admin = await login(db, systemClock, { tenant: 'demo', login: 'admin', password: 'admin123' });
    expect(admin.user.role).toBe('tenant_admin');
    for (const l of DEMO_LOGINS) {
      const session = await login(db, systemClock, { tenant: 'demo', login: l.login, password: l.password });
      expect(session.token).toMatch(/^ses_/);
    }
    const leader = await login(db, systemClock, { tenant: 'demo', login: 'leader1', password: 'leader123' });
    const firstNode = await db.selectFrom('b_nodes').select('id').where('slug', '=', 'demo-cuiyuan').executeTakeFirstOrThrow();
    expect(leader.user).toMatchObject({ role: 'b_owner', b_node_id: firstNode.id });
  });
});
