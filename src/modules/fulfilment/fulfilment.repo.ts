import { sql } from 'kysely';
import type { Conn, Tx } from '../../database.js';
import type { Fen } from '../../platform/money.js';
import { tenantTimeZones } from '../identity/identity.fragments.js';
import { linesOfOrders, orderLinesLeft, windowDemand } from '../orders/orders.fragments.js';
import { skuSupplyTerms, supplierNames } from '../catalog/catalog.fragments.js';
import { pickupPoints } from '../b-nodes/b-nodes.fragments.js';
import { warehouseNames } from '../inventory/inventory.fragments.js';
import { customerCards } from '../customers/customers.fragments.js';
import type { Recurrence, WindowStatus } from './fulfilment.schema.js';
import { windowMachine } from './fulfilment.states.js';

const n = (v: unknown) => Number(v ?? 0);

// ---------------------------------------------------------------- supplier sub-orders

/**
 * An order's parts per supplier, built from its lines in one statement (idempotent). Each line's
 * discount was split by largest remainder at checkout, so summing lines by supplier gives parts
 * that add up to the order's subtotal, discount and supply cost exactly.
 */
export async function insertSubOrders(db: Conn, tenantId: string, orderIds: string[]): Promise<number> {
  const { numAffectedRows } = await sql`
    INSERT INTO supplier_sub_orders (tenant_id, order_id, supplier_id, line_count, goods_amount, discount, supply_cost)
    SELECT ${tenantId}, l.order_id, s.supplier_id, count(*), sum(l.line_total), sum(l.discount), sum(l.unit_supply_cost * l.quantity)
      FROM ${linesOfOrders(tenantId, orderIds)} l JOIN ${skuSupplyTerms(tenantId)} s ON s.id = l.sku_id
     GROUP BY l.order_id, s.supplier_id
    ON CONFLICT DO NOTHING`.execute(db);
  return Number(numAffectedRows ?? 0);
}

export async function subOrdersOf(db: Conn, tenantId: string, orderId: string) {
  const { rows } = await sql<{ supplier_id: string; supplier_name: string; line_count: number; goods_amount: Fen; discount: Fen; supply_cost: Fen; lines: { line_no: number; sku_code: string; title: string; quantity: number; refunded_quantity: number }[] }>`
    SELECT so.supplier_id, sp.name AS supplier_name, so.line_count, so.goods_amount, so.discount, so.supply_cost,
           (SELECT coalesce(json_agg(json_build_object('line_no', l.line_no, 'sku_code', l.sku_code, 'title', l.title, 'quantity', l.quantity,
                                                       'refunded_quantity', l.quantity - l.qty_left) ORDER BY l.line_no), '[]')
              FROM ${orderLinesLeft(tenantId)} l JOIN ${skuSupplyTerms(tenantId)} s ON s.id = l.sku_id
             WHERE l.order_id = so.order_id AND s.supplier_id = so.supplier_id) AS lines
      FROM supplier_sub_orders so JOIN ${supplierNames(tenantId)} sp ON sp.id = so.supplier_id
     WHERE so.tenant_id = ${tenantId} AND so.order_id = ${orderId}
     ORDER BY so.supplier_id`.execute(db);
  return rows.map((r) => ({ ...r, goods_amount: n(r.goods_amount), discount: n(r.discount), supply_cost: n(r.supply_cost), paid_amount: n(r.goods_amount) - n(r.discount) }));
}

// ---------------------------------------------------------------- sales windows

export interface WindowRow {
  tenant_id: string; id: string; name: string; recurrence: Recurrence; status: WindowStatus; opens_at: Date; cutoff_at: Date;
  closed_at: Date | null; time_zone: string; cutoff_local: string; order_count: number; purchase_order_count: number; pick_list_count: number;
}

const windowColumns = (tenantId: string) => sql`
  w.tenant_id, w.id, w.name, w.recurrence, w.status, w.opens_at, w.cutoff_at, w.closed_at, tz.time_zone,
  to_char(w.cutoff_at AT TIME ZONE tz.time_zone, 'YYYY-MM-DD HH24:MI') AS cutoff_local,
  (SELECT count(*) FROM window_orders x WHERE x.tenant_id = w.tenant_id AND x.window_id = w.id)::int AS order_count,
  (SELECT count(*) FROM purchase_orders x WHERE x.tenant_id = w.tenant_id AND x.window_id = w.id)::int AS purchase_order_count,
  (SELECT count(*) FROM pick_lists x WHERE x.tenant_id = w.tenant_id AND x.window_id = w.id)::int AS pick_list_count
  FROM sales_windows w JOIN ${tenantTimeZones()} tz ON tz.id = w.tenant_id
  WHERE w.tenant_id = ${tenantId}`;

export async function listWindows(db: Conn, tenantId: string, status?: WindowStatus): Promise<WindowRow[]> {
  const { rows } = await sql<WindowRow>`SELECT ${windowColumns(tenantId)} ${status ? sql`AND w.status = ${status}` : sql``}
    ORDER BY w.cutoff_at DESC, w.id DESC LIMIT 200`.execute(db);
  return rows;
}

export async function windowById(db: Conn, tenantId: string, id: string): Promise<WindowRow | undefined> {
  const { rows } = await sql<WindowRow>`SELECT ${windowColumns(tenantId)} AND w.id = ${id}`.execute(db);
  return rows[0];
}

/**
 * A new window opening now, its cutoff the given wall-clock time in the tenant's zone: on the date
 * given, or at its next occurrence after now. The conversion is PostgreSQL's (`AT TIME ZONE`), so
 * daylight-saving zones come out right too.
 */
export async function insertWindow(tx: Tx, tenantId: string, w: { id: string; name: string; recurrence: Recurrence; cutoff_time: string; cutoff_date: string | null; now: Date }) {
  const { rows } = await sql<{ id: string }>`
    WITH tz AS (SELECT time_zone FROM ${tenantTimeZones()} t WHERE t.id = ${tenantId}),
    local AS (SELECT (${w.now}::timestamptz AT TIME ZONE tz.time_zone)::date AS today, tz.time_zone FROM tz),
    cut AS (
      SELECT CASE WHEN ${w.cutoff_date}::date IS NOT NULL THEN (${w.cutoff_date}::date + ${w.cutoff_time}::time) AT TIME ZONE time_zone
                  WHEN ((today + ${w.cutoff_time}::time) AT TIME ZONE time_zone) > ${w.now}::timestamptz THEN (today + ${w.cutoff_time}::time) AT TIME ZONE time_zone
                  ELSE (today + 1 + ${w.cutoff_time}::time) AT TIME ZONE time_zone END AS cutoff_at
        FROM local)
    INSERT INTO sales_windows (tenant_id, id, name, recurrence, opens_at, cutoff_at)
    SELECT ${tenantId}, ${w.id}, ${w.name}, ${w.recurrence}, ${w.now}, cutoff_at FROM cut WHERE cutoff_at > ${w.now}::timestamptz
    RETURNING id`.execute(tx);
  return rows[0];
}

export async function lockWindow(tx: Tx, tenantId: string, id: string) {
  return tx.selectFrom('sales_windows').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Open windows whose cutoff has passed, across tenants, the earliest first. */
export async function dueWindows(db: Conn, now: Date, limit: number) {
  return db.selectFrom('sales_windows').select(['tenant_id', 'id']).where('status', '=', 'open').where('cutoff_at', '<=', now)
    .orderBy('cutoff_at').orderBy('id').limit(limit).execute();
}

/**
 * The tenant's cutoff lock: a payment being settled holds it shared (payment time read under it),
 * a cutoff exclusively, taken before the window's row so the two never wait on each other in
 * opposite orders. A payment settling while a cutoff runs is either committed before the cutoff's
 * statement reads (and its window has it) or times itself after the cutoff (and the next window has it).
 */
export async function holdCutoffsShared(tx: Tx, tenantId: string) {
  await sql`SELECT pg_advisory_xact_lock_shared(hashtext('sales-window-cutoff'), hashtext(${tenantId}))`.execute(tx);
}

export async function holdCutoffsExclusive(tx: Tx, tenantId: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext('sales-window-cutoff'), hashtext(${tenantId}))`.execute(tx);
}

export async function closeWindow(tx: Tx, tenantId: string, id: string, now: Date): Promise<boolean> {
  const r = await tx.updateTable('sales_windows').set({ status: 'closed', closed_at: now })
    .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', 'in', windowMachine.sourcesOf('closed')).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function cancelWindow(tx: Tx, tenantId: string, id: string): Promise<boolean> {
  const r = await tx.updateTable('sales_windows').set({ status: 'cancelled' })
    .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', 'in', windowMachine.sourcesOf('cancelled')).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * A daily window's successor (once, whoever asks): it opens where this one's demand ended — the
 * cutoff, or the moment it was closed early — and cuts off at the same wall-clock time the next day.
 */
export async function insertNextDailyWindow(tx: Tx, tenantId: string, previousId: string, id: string): Promise<string | null> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO sales_windows (tenant_id, id, name, recurrence, opens_at, cutoff_at, previous_id)
    SELECT w.tenant_id, ${id}, w.name, 'daily', least(w.cutoff_at, w.closed_at), ((w.cutoff_at AT TIME ZONE tz.time_zone) + interval '1 day') AT TIME ZONE tz.time_zone, w.id
      FROM sales_windows w JOIN ${tenantTimeZones()} tz ON tz.id = w.tenant_id
     WHERE w.tenant_id = ${tenantId} AND w.id = ${previousId} AND w.recurrence = 'daily'
    ON CONFLICT DO NOTHING
    RETURNING id`.execute(tx);
  return rows[0]?.id ?? null;
}

// ---------------------------------------------------------------- the cutoff's aggregation

/**
 * A window's paid demand aggregated in one statement: the orders are claimed for the window (an
 * order already claimed by any window is left out, so a second run finds nothing), and from the
 * same lines come purchase orders per supplier × warehouse — each SKU's demand rounded up to whole
 * case packs and at least its minimum order quantity — and pick lists per pickup point (the node
 * the order was placed at: its orders are the window's orders of that node). Ids derive from the window and the key, so
 * the rows of one window are the same whoever computes them.
 */
export async function aggregateWindow(tx: Tx, w: AggregationTarget) {
  // The statement sorts and groups the window's every line several ways: room to do it in memory
  // (PostgreSQL's default 4 MB spills 100,000 lines to disk), for this transaction only.
  await sql`SET LOCAL work_mem = '64MB'`.execute(tx);
  const { rows } = await aggregationStatement(w).execute(tx);
  return rows[0]!;
}

export interface AggregationTarget { tenant_id: string; id: string; opens_at: Date; cutoff_at: Date; numberPrefix: string }

/** The cutoff's one statement, apart so `siyu bench aggregate` can show its plan. */
export function aggregationStatement(w: AggregationTarget) {
  const t = w.tenant_id;
  return sql<{ orders: number; purchase_orders: number; pick_lists: number; lines: number }>`
    WITH demand AS MATERIALIZED (
      SELECT d.order_id, d.b_node_id, d.warehouse_id, d.paid_at, d.sku_id, d.quantity,
             s.supplier_id, s.case_pack, s.min_order_qty, s.supply_price
        FROM ${windowDemand(t, w.opens_at, w.cutoff_at)} d
        JOIN ${skuSupplyTerms(t)} s ON s.id = d.sku_id
       WHERE NOT EXISTS (SELECT 1 FROM window_orders x WHERE x.tenant_id = ${t} AND x.order_id = d.order_id)),
    claimed AS (
      INSERT INTO window_orders (tenant_id, order_id, window_id, b_node_id, warehouse_id, paid_at)
      SELECT DISTINCT ON (order_id) ${t}, order_id, ${w.id}, b_node_id, warehouse_id, paid_at FROM demand
      RETURNING order_id),
    po_keys AS (
      SELECT supplier_id, warehouse_id, row_number() OVER (ORDER BY supplier_id, warehouse_id) AS seq
        FROM demand GROUP BY supplier_id, warehouse_id),
    pos AS (
      INSERT INTO purchase_orders (tenant_id, id, number, window_id, supplier_id, warehouse_id)
      SELECT ${t}, 'po_' || left(md5(${w.id} || '/' || supplier_id || '/' || warehouse_id), 24),
             ${w.numberPrefix} || lpad(seq::text, 4, '0'), ${w.id}, supplier_id, warehouse_id
        FROM po_keys
      RETURNING id, supplier_id, warehouse_id),
    po_lines AS (
      INSERT INTO purchase_order_lines (tenant_id, purchase_order_id, sku_id, demand_qty, case_pack, ordered_qty, unit_supply_cost)
      SELECT ${t}, p.id, d.sku_id, sum(d.quantity), d.case_pack,
             ((greatest(sum(d.quantity), d.min_order_qty) + d.case_pack - 1) / d.case_pack) * d.case_pack, d.supply_price
        FROM demand d JOIN pos p ON p.supplier_id = d.supplier_id AND p.warehouse_id = d.warehouse_id
       GROUP BY p.id, d.sku_id, d.case_pack, d.min_order_qty, d.supply_price
      RETURNING 1),
    pls AS (
      INSERT INTO pick_lists (tenant_id, id, window_id, b_node_id, order_count, units)
      SELECT ${t}, 'pl_' || left(md5(${w.id} || '/' || b_node_id), 24), ${w.id}, b_node_id, count(DISTINCT order_id), sum(quantity)
        FROM demand GROUP BY b_node_id
      RETURNING 1)
    SELECT (SELECT count(*) FROM claimed)::int AS orders, (SELECT count(*) FROM pos)::int AS purchase_orders,
           (SELECT count(*) FROM pls)::int AS pick_lists, (SELECT count(*) FROM po_lines)::int AS lines`;
}

// ---------------------------------------------------------------- purchase orders

const purchaseOrderColumns = (tenantId: string) => sql`
  p.id, p.number, p.window_id, w.name AS window_name, least(w.cutoff_at, coalesce(w.closed_at, w.cutoff_at)) AS cutoff_at, p.supplier_id, sp.name AS supplier_name,
  p.warehouse_id, wh.name AS warehouse_name, p.status, p.created_at, p.confirmed_at,
  (SELECT count(*) FROM purchase_order_lines l WHERE l.tenant_id = p.tenant_id AND l.purchase_order_id = p.id)::int AS line_count,
  (SELECT coalesce(sum(l.demand_qty), 0) FROM purchase_order_lines l WHERE l.tenant_id = p.tenant_id AND l.purchase_order_id = p.id)::int AS demand_units,
  (SELECT coalesce(sum(l.ordered_qty), 0) FROM purchase_order_lines l WHERE l.tenant_id = p.tenant_id AND l.purchase_order_id = p.id)::int AS ordered_units,
  (SELECT coalesce(sum(l.ordered_qty * l.unit_supply_cost), 0) FROM purchase_order_lines l WHERE l.tenant_id = p.tenant_id AND l.purchase_order_id = p.id)::bigint AS ordered_cost
  FROM purchase_orders p
  JOIN sales_windows w ON w.tenant_id = p.tenant_id AND w.id = p.window_id
  JOIN ${supplierNames(tenantId)} sp ON sp.id = p.supplier_id
  JOIN ${warehouseNames(tenantId)} wh ON wh.id = p.warehouse_id
  WHERE p.tenant_id = ${tenantId}`;

export interface PurchaseOrderRow {
  id: string; number: string; window_id: string; window_name: string; cutoff_at: Date; supplier_id: string; supplier_name: string;
  warehouse_id: string; warehouse_name: string; status: 'open' | 'confirmed'; created_at: Date; confirmed_at: Date | null;
  line_count: number; demand_units: number; ordered_units: number; ordered_cost: Fen;
}

export async function listPurchaseOrders(db: Conn, tenantId: string, f: { supplierId?: string | undefined; windowId?: string | undefined; status?: string | undefined }): Promise<PurchaseOrderRow[]> {
  const { rows } = await sql<PurchaseOrderRow>`SELECT ${purchaseOrderColumns(tenantId)}
    ${f.supplierId ? sql`AND p.supplier_id = ${f.supplierId}` : sql``}
    ${f.windowId ? sql`AND p.window_id = ${f.windowId}` : sql``}
    ${f.status ? sql`AND p.status = ${f.status}` : sql``}
    ORDER BY p.created_at DESC, p.number LIMIT 500`.execute(db);
  return rows.map((r) => ({ ...r, ordered_cost: n(r.ordered_cost) }));
}

export async function purchaseOrderById(db: Conn, tenantId: string, id: string): Promise<PurchaseOrderRow | undefined> {
  const { rows } = await sql<PurchaseOrderRow>`SELECT ${purchaseOrderColumns(tenantId)} AND p.id = ${id}`.execute(db);
  return rows[0] ? { ...rows[0], ordered_cost: n(rows[0].ordered_cost) } : undefined;
}

export async function purchaseOrderLines(db: Conn, tenantId: string, id: string) {
  const { rows } = await sql<{ sku_id: string; sku_code: string; title: string; demand_qty: number; case_pack: number; ordered_qty: number; unit_supply_cost: Fen; confirmed_qty: number | null }>`
    SELECT l.sku_id, s.code AS sku_code, trim(s.title || ' ' || s.name) AS title, l.demand_qty, l.case_pack, l.ordered_qty, l.unit_supply_cost, l.confirmed_qty
      FROM purchase_order_lines l JOIN ${skuSupplyTerms(tenantId)} s ON s.id = l.sku_id
     WHERE l.tenant_id = ${tenantId} AND l.purchase_order_id = ${id}
     ORDER BY s.code`.execute(db);
  return rows.map((r) => ({ ...r, unit_supply_cost: n(r.unit_supply_cost) }));
}

export async function lockPurchaseOrder(tx: Tx, tenantId: string, id: string) {
  return tx.selectFrom('purchase_orders').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Sets confirmed quantities: those given, and every other line as ordered. */
export async function confirmLines(tx: Tx, tenantId: string, id: string, lines: { sku_id: string; confirmed_qty: number }[]) {
  await sql`
    UPDATE purchase_order_lines l
       SET confirmed_qty = coalesce((SELECT c.qty FROM unnest(${lines.map((x) => x.sku_id)}::text[], ${lines.map((x) => x.confirmed_qty)}::int[]) AS c(sku_id, qty)
                                     WHERE c.sku_id = l.sku_id), l.ordered_qty)
     WHERE l.tenant_id = ${tenantId} AND l.purchase_order_id = ${id}`.execute(tx);
}

export async function markConfirmed(tx: Tx, tenantId: string, id: string, now: Date, userId: string): Promise<boolean> {
  const r = await tx.updateTable('purchase_orders').set({ status: 'confirmed', confirmed_at: now, confirmed_by: userId })
    .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface ShortfallLine {
  order_id: string; line_no: number; sku_id: string; b_node_id: string; quantity: number; paid_at: Date;
  qty_left: number; line_total: Fen; discount: Fen; refunded_amount: Fen; line_quantity: number;
}

/**
 * Who loses what when a purchase order ships short: for each SKU confirmed below its demand, the
 * window's order lines for that warehouse, latest payment first (ties: order id, then line, both
 * descending), each taking as much of the shortfall as it holds until the shortfall is covered.
 * One statement: the running sum per SKU decides where the shortfall ends.
 */
export async function shortfallAllocation(tx: Tx, tenantId: string, purchaseOrderId: string): Promise<ShortfallLine[]> {
  const { rows } = await sql<ShortfallLine>`
    WITH po AS (SELECT window_id, warehouse_id FROM purchase_orders WHERE tenant_id = ${tenantId} AND id = ${purchaseOrderId}),
    short AS (
      SELECT sku_id, demand_qty - confirmed_qty AS units FROM purchase_order_lines
       WHERE tenant_id = ${tenantId} AND purchase_order_id = ${purchaseOrderId} AND confirmed_qty < demand_qty),
    candidates AS (
      SELECT l.order_id, l.line_no, l.sku_id, wo.b_node_id, wo.paid_at, l.qty_left, l.line_total, l.discount, l.refunded_amount, l.quantity AS line_quantity, s.units,
             sum(l.qty_left) OVER (PARTITION BY l.sku_id ORDER BY wo.paid_at DESC, l.order_id DESC, l.line_no DESC) AS running
        FROM window_orders wo
        JOIN po ON po.window_id = wo.window_id AND po.warehouse_id = wo.warehouse_id
        JOIN ${orderLinesLeft(tenantId)} l ON l.order_id = wo.order_id
        JOIN short s ON s.sku_id = l.sku_id
       WHERE wo.tenant_id = ${tenantId} AND l.qty_left > 0)
    SELECT order_id, line_no, sku_id, b_node_id, paid_at, qty_left, line_total, discount, refunded_amount, line_quantity,
           least(qty_left, units - (running - qty_left))::int AS quantity
      FROM candidates WHERE running - qty_left < units
     ORDER BY paid_at DESC, order_id DESC, line_no DESC`.execute(tx);
  return rows.map((r) => ({ ...r, line_total: n(r.line_total), discount: n(r.discount), refunded_amount: n(r.refunded_amount) }));
}

export async function recordShortShipmentRefunds(tx: Tx, tenantId: string, purchaseOrderId: string, rows: { order_id: string; line_no: number; sku_id: string; quantity: number; amount: number; refund_id: string }[]) {
  if (rows.length === 0) return;
  await tx.insertInto('short_shipment_refunds').values(rows.map((r) => ({ tenant_id: tenantId, purchase_order_id: purchaseOrderId, ...r }))).execute();
}

export async function shortShipmentRefunds(db: Conn, tenantId: string, purchaseOrderId: string) {
  const { rows } = await sql<{ order_id: string; order_number: string; line_no: number; sku_code: string; quantity: number; amount: Fen; paid_at: Date | null }>`
    SELECT r.order_id, l.number AS order_number, r.line_no, l.sku_code, r.quantity, r.amount, l.paid_at
      FROM short_shipment_refunds r JOIN ${orderLinesLeft(tenantId)} l ON l.order_id = r.order_id AND l.line_no = r.line_no
     WHERE r.tenant_id = ${tenantId} AND r.purchase_order_id = ${purchaseOrderId}
     ORDER BY l.paid_at DESC, r.order_id DESC, r.line_no DESC`.execute(db);
  return rows.map((r) => ({ ...r, amount: n(r.amount) }));
}

// ---------------------------------------------------------------- pick lists

const pickListColumns = (tenantId: string) => sql`
  p.id, p.window_id, w.name AS window_name, least(w.cutoff_at, coalesce(w.closed_at, w.cutoff_at)) AS cutoff_at, p.b_node_id, b.name AS b_node_name, b.pickup_address, b.pickup_hours,
  p.order_count, p.units AS units_at_cutoff, p.created_at,
  (SELECT coalesce(sum(l.qty_left), 0) FROM window_orders wo JOIN ${orderLinesLeft(tenantId)} l ON l.order_id = wo.order_id
    WHERE wo.tenant_id = p.tenant_id AND wo.window_id = p.window_id AND wo.b_node_id = p.b_node_id)::int AS units
  FROM pick_lists p
  JOIN sales_windows w ON w.tenant_id = p.tenant_id AND w.id = p.window_id
  JOIN ${pickupPoints(tenantId)} b ON b.id = p.b_node_id
  WHERE p.tenant_id = ${tenantId}`;

export interface PickListRow {
  id: string; window_id: string; window_name: string; cutoff_at: Date; b_node_id: string; b_node_name: string; pickup_address: string;
  pickup_hours: string; order_count: number; units: number; units_at_cutoff: number; created_at: Date;
}

export async function listPickLists(db: Conn, tenantId: string, f: { bNodeId?: string | undefined; windowId?: string | undefined }): Promise<PickListRow[]> {
  const { rows } = await sql<PickListRow>`SELECT ${pickListColumns(tenantId)}
    ${f.bNodeId ? sql`AND p.b_node_id = ${f.bNodeId}` : sql``}
    ${f.windowId ? sql`AND p.window_id = ${f.windowId}` : sql``}
    ORDER BY w.cutoff_at DESC, b.name LIMIT 1000`.execute(db);
  return rows;
}

export async function pickListById(db: Conn, tenantId: string, id: string): Promise<PickListRow | undefined> {
  const { rows } = await sql<PickListRow>`SELECT ${pickListColumns(tenantId)} AND p.id = ${id}`.execute(db);
  return rows[0];
}

/** Units of each SKU the pickup point hands out: the window's orders there, refunds taken off. */
export async function pickListItems(db: Conn, tenantId: string, windowId: string, bNodeId: string) {
  const { rows } = await sql<{ sku_id: string; sku_code: string; title: string; quantity: number }>`
    SELECT l.sku_id, min(l.sku_code) AS sku_code, min(l.title) AS title, sum(l.qty_left)::int AS quantity
      FROM window_orders wo JOIN ${orderLinesLeft(tenantId)} l ON l.order_id = wo.order_id
     WHERE wo.tenant_id = ${tenantId} AND wo.window_id = ${windowId} AND wo.b_node_id = ${bNodeId} AND l.qty_left > 0
     GROUP BY l.sku_id
     ORDER BY min(l.sku_code)`.execute(db);
  return rows;
}

/** The window's orders at this pickup point with what each buyer collects now (refunds taken off). */
export async function pickListOrders(db: Conn, tenantId: string, windowId: string, bNodeId: string) {
  const { rows } = await sql<{ order_id: string; number: string; customer_name: string; phone: string | null; lines: { line_no: number; sku_code: string; title: string; quantity: number }[] }>`
    SELECT wo.order_id, min(l.number) AS number, min(c.name) AS customer_name, min(c.phone_masked) AS phone,
           json_agg(json_build_object('line_no', l.line_no, 'sku_code', l.sku_code, 'title', l.title, 'quantity', l.qty_left) ORDER BY l.line_no) AS lines
      FROM window_orders wo
      JOIN ${orderLinesLeft(tenantId)} l ON l.order_id = wo.order_id
      JOIN ${customerCards(tenantId)} c ON c.id = l.customer_id
     WHERE wo.tenant_id = ${tenantId} AND wo.window_id = ${windowId} AND wo.b_node_id = ${bNodeId} AND l.qty_left > 0
     GROUP BY wo.order_id
     ORDER BY min(l.number)`.execute(db);
  return rows;
}

export async function timeZoneOf(db: Conn, tenantId: string): Promise<string> {
  const { rows } = await sql<{ time_zone: string }>`SELECT time_zone FROM ${tenantTimeZones()} t WHERE t.id = ${tenantId}`.execute(db);
  return rows[0]?.time_zone ?? 'Asia/Shanghai';
}
