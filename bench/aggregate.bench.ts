import type { Command } from 'commander';
import { sql } from 'kysely';
import type { Database } from '../src/database.js';
import { runCutoff } from '../src/flows/cutoff.flow.js';
import { systemClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { openScratchDatabase } from '../src/platform/db/scratch.js';
import { aggregationStatement } from '../src/modules/fulfilment/fulfilment.repo.js';
import { integerAtLeast } from './options.js';
import { explainRolledBack, peakRssMb, printFigures, progress, registerBench } from './report.js';

export interface AggregateBenchFigures {
  lines: number; orders: number; pickup_points: number; suppliers: number; warehouses: number;
  purchase_orders: number; pick_lists: number; seconds: number; lines_per_s: number; rss_mb: number;
}

const PICKUP_POINTS = 500;
const SUPPLIERS = 20;
const SKUS_PER_SUPPLIER = 25;
const WAREHOUSES = 5;
const LINES_PER_ORDER = 3;

/**
 * Demand aggregation at a cutoff: a scratch database with `lines` paid order lines (three per order)
 * across 500 pickup points, 20 suppliers of 25 SKUs each (case packs of 1 to 12, minimum order
 * quantities) and 5 warehouses, placed inside one sales window. Timed: the cutoff as the job or
 * the console runs it — one transaction: the window locked, its demand aggregated into purchase
 * orders per supplier × warehouse and pick lists per pickup point, the window closed. The data is
 * written in bulk beforehand and analysed, as a live database's statistics would be.
 */
export async function runAggregateBench(opts: { lines: number; json: boolean }): Promise<AggregateBenchFigures> {
  const say = progress(opts.json);
  const scratch = await openScratchDatabase<Database>(loadConfig(), { poolMax: 4 });
  const { db } = scratch;
  try {
    const orders = Math.ceil(opts.lines / LINES_PER_ORDER);
    const t = 'ten_aggbench';
    say(`seeding ${opts.lines} paid order lines in ${orders} orders…`);
    await sql`INSERT INTO tenants (id, slug, name) VALUES (${t}, 'aggbench', 'Aggregate bench')`.execute(db);
    await sql`INSERT INTO suppliers (tenant_id, id, name) SELECT ${t}, 'sup_' || i, 'Supplier ' || i FROM generate_series(1, ${SUPPLIERS}) i`.execute(db);
    await sql`INSERT INTO warehouses (tenant_id, id, name) SELECT ${t}, 'wh_' || i, 'Warehouse ' || i FROM generate_series(1, ${WAREHOUSES}) i`.execute(db);
    await sql`INSERT INTO products (tenant_id, id, supplier_id, title, image_url) SELECT ${t}, 'prd_' || i, 'sup_' || i, 'Product ' || i, NULL FROM generate_series(1, ${SUPPLIERS}) i`.execute(db);
    await sql`INSERT INTO skus (tenant_id, id, product_id, code, name, supply_price, suggested_price, retail_floor, retail_ceiling, case_pack, min_order_qty)
      SELECT ${t}, 'sku_' || i, 'prd_' || (1 + (i - 1) / ${SKUS_PER_SUPPLIER}), 'S-' || i, 'size ' || i, 300 + i, 500 + i, 400, 2000, 1 + i % 12, 1 + i % 30
        FROM generate_series(1, ${SUPPLIERS * SKUS_PER_SUPPLIER}) i`.execute(db);
    await sql`INSERT INTO b_nodes (tenant_id, id, kind, name, slug, warehouse_id, pickup_address)
      SELECT ${t}, 'bn_' || i, 'leader', 'Leader ' || i, 'agg-' || i, 'wh_' || (1 + i % ${WAREHOUSES}), 'Block ' || i FROM generate_series(1, ${PICKUP_POINTS}) i`.execute(db);
    await sql`INSERT INTO customers (tenant_id, id, user_id, b_node_id, name)
      SELECT ${t}, 'cus_' || i, NULL, 'bn_' || (1 + i % ${PICKUP_POINTS}), 'Buyer ' || i FROM generate_series(1, 5000) i`.execute(db);
    await sql`INSERT INTO sales_windows (tenant_id, id, name, recurrence, opens_at, cutoff_at)
      VALUES (${t}, 'win_bench', 'Bench window', 'daily', now() - interval '1 day', now() + interval '1 hour')`.execute(db);
    // Order o is placed at pickup point o % 500 (its warehouse), by buyer o % 5000; its three lines
    // are SKUs of three different suppliers, one to four units each.
    await sql`INSERT INTO orders (tenant_id, id, number, b_node_id, customer_id, warehouse_id, status, pickup_code, subtotal, total, supply_cost, expires_at, created_at, paid_at)
      SELECT ${t}, 'ord_' || o, 'N' || o, 'bn_' || (1 + o % ${PICKUP_POINTS}), 'cus_' || (1 + o % 5000), 'wh_' || (1 + (1 + o % ${PICKUP_POINTS}) % ${WAREHOUSES}),
             'paid', '000000', 0, 0, 0, now(), now() - interval '2 hours', now() - interval '1 hour' + (o % 3600) * interval '1 second'
        FROM generate_series(1, ${orders}) o`.execute(db);
    await sql`INSERT INTO order_lines (tenant_id, order_id, line_no, sku_id, sku_code, title, quantity, unit_price, unit_supply_cost, line_total)
      SELECT ${t}, 'ord_' || o, l, 'sku_' || s, 'S-' || s, 'Product', q, 500 + s, 300 + s, q * (500 + s)
        FROM generate_series(1, ${orders}) o, generate_series(1, ${LINES_PER_ORDER}) l,
             LATERAL (SELECT 1 + ((o * 7 + (o / ${PICKUP_POINTS}) * 13 + l * ${7 * SKUS_PER_SUPPLIER}) % ${SUPPLIERS * SKUS_PER_SUPPLIER}) AS s, 1 + (o + l) % 4 AS q) x
       WHERE (o - 1) * ${LINES_PER_ORDER} + l <= ${opts.lines}`.execute(db);
    await sql`ANALYZE`.execute(db);

    // The plan of the cutoff's statement: where the time goes.
    await explainRolledBack(db, aggregationStatement({ tenant_id: t, id: 'win_bench', opens_at: new Date(Date.now() - 86_400_000), cutoff_at: new Date(), numberPrefix: 'PO-' }));
    say('cutting the window off…');
    const start = performance.now();
    const result = await runCutoff(db, systemClock, t, 'win_bench');
    const seconds = (performance.now() - start) / 1000;
    const lines = Number((await sql<{ n: string }>`SELECT coalesce(sum(demand_qty), 0) AS n FROM purchase_order_lines WHERE tenant_id = ${t}`.execute(db)).rows[0]!.n);
    const demanded = Number((await sql<{ n: string }>`SELECT sum(quantity) AS n FROM order_lines WHERE tenant_id = ${t}`.execute(db)).rows[0]!.n);
    if (lines !== demanded) throw new Error(`aggregation lost demand: ${lines} units in purchase orders, ${demanded} ordered`);
    const figures: AggregateBenchFigures = {
      lines: opts.lines, orders: result.orders, pickup_points: PICKUP_POINTS, suppliers: SUPPLIERS, warehouses: WAREHOUSES,
      purchase_orders: result.purchase_orders, pick_lists: result.pick_lists,
      seconds: Number(seconds.toFixed(3)), lines_per_s: Math.round(opts.lines / seconds),
      rss_mb: peakRssMb(),
    };
    return printFigures(opts.json, figures, (f) => [
      `aggregate: ${f.lines} paid lines in ${f.orders} orders, ${PICKUP_POINTS} pickup points, ${SUPPLIERS} suppliers, ${WAREHOUSES} warehouses`,
      `  cutoff            ${f.seconds} s (${f.lines_per_s} lines/s)`,
      `  produced          ${f.purchase_orders} purchase orders, ${f.pick_lists} pick lists`,
      `  peak RSS          ${f.rss_mb} MB`,
    ]);
  } finally {
    await scratch.close();
  }
}

export function registerAggregateBench(bench: Command): void {
  registerBench<{ lines: number }>(bench, {
    name: 'aggregate',
    description: 'a sales window\'s cutoff: paid order lines aggregated into purchase orders and pick lists in set-based SQL',
    options: [{ flags: '--lines <n>', description: 'paid order lines in the window', parse: integerAtLeast(1), default: 100_000 }],
    run: runAggregateBench,
  });
}
