import { sql } from 'kysely';
import type { Conn, Tx } from '../../database.js';
import { nodeScopeOf, seesNode, type Actor } from '../../platform/http/auth.js';
import { newId } from '../../platform/ids.js';
import type { Fen } from '../../platform/money.js';
import { getBNode, resolveShop } from '../b-nodes/b-nodes.service.js';
import { listedPrices } from '../b-nodes/b-nodes.fragments.js';
import { productRows, skuRows } from '../catalog/catalog.fragments.js';
import { orderCards } from '../orders/orders.fragments.js';
import { guardChange, listingPlans, summary } from '../economics/economics-guard.service.js';
import type { StoredVerdict } from '../economics/economics.schema.js';
import { flashSaleError } from './flash-sales.errors.js';
import type { CreateFlashSaleInput, FlashSaleStatus } from './flash-sales.schema.js';

/**
 * Starts a flash sale on a SKU the shop lists. The guard judges the flash price as it judges a
 * listing price: one unit against its landed supply cost with the shop's commission policy, the
 * tenant's fees, spoilage and refunds; a loss-making price needs an admin's written override.
 */
export async function createFlashSale(tx: Tx, actor: Actor, input: CreateFlashSaleInput) {
  await getBNode(tx, actor, input.b_node_id);
  const { rows } = await sql<{ supply_price: Fen }>`
    SELECT coalesce(l.supply_price, s.supply_price) AS supply_price
      FROM ${listedPrices(actor.tenantId, [input.sku_id])} l JOIN ${skuRows(actor.tenantId)} s ON s.id = l.sku_id
     WHERE l.b_node_id = ${input.b_node_id}`.execute(tx);
  if (!rows[0]) throw flashSaleError('flash_sale_sku_not_listed', { sku_id: input.sku_id });
  const id = newId('fls');
  const [plan] = await listingPlans(tx, actor.tenantId, rows[0].supply_price, [{ b_node_id: input.b_node_id, price: input.price }]);
  const guard = await guardChange(tx, actor, { kind: 'flash_sale', id }, { ...plan!, name: `flash sale ${input.name}` }, input.override);
  const row = {
    tenant_id: actor.tenantId, id, name: input.name, b_node_id: input.b_node_id, sku_id: input.sku_id, price: input.price,
    stock_cap: input.stock_cap, per_customer_limit: input.per_customer_limit, starts_at: new Date(input.starts_at), ends_at: new Date(input.ends_at),
    status: 'active' as const, verdict: guard.verdict as StoredVerdict, guard: JSON.stringify(summary(guard)),
    override_reason: input.override?.reason ?? null, created_by: actor.userId,
  };
  await tx.insertInto('flash_sales').values(row).execute();
  return present({ ...row, sold: 0, guard: summary(guard) });
}

/** Ends a sale now: checkout refuses it from then on; orders already placed stand. */
export async function endFlashSale(tx: Tx, actor: Actor, id: string) {
  await visibleFlashSale(tx, actor, id);
  await tx.updateTable('flash_sales').set({ status: 'ended' }).where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
  return flashSaleResults(tx, actor, id);
}

/** The sales the actor sees, newest first: a node role only its own shop's. */
export async function listFlashSales(db: Conn, actor: Actor) {
  const scope = nodeScopeOf(actor);
  let q = db.selectFrom('flash_sales').selectAll().where('tenant_id', '=', actor.tenantId);
  if (scope !== undefined) q = q.where('b_node_id', '=', scope);
  return (await q.orderBy('created_at', 'desc').execute()).map(present);
}

async function visibleFlashSale(db: Conn, actor: Actor, id: string) {
  const row = await db.selectFrom('flash_sales').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row || !seesNode(actor, row.b_node_id)) throw flashSaleError('flash_sale_not_found');
  return row;
}

/** A sale with its results: orders placed and paid, units paid and given back, distinct buyers. */
export async function flashSaleResults(db: Conn, actor: Actor, id: string) {
  const row = await visibleFlashSale(db, actor, id);
  const { rows } = await sql<{ orders_placed: number; units_released: number; buyers: number }>`
    SELECT count(*)::int AS orders_placed, coalesce(sum(quantity) FILTER (WHERE released_at IS NOT NULL), 0)::int AS units_released,
           count(DISTINCT customer_id)::int AS buyers
      FROM flash_sale_orders WHERE tenant_id = ${actor.tenantId} AND flash_sale_id = ${id}`.execute(db);
  const paid = await paidOf(db, actor.tenantId, id);
  return { ...present(row), ...rows[0]!, ...paid };
}

/** Paid orders of a sale and their units: an order counts from its payment on, whatever happened after (its status, read through the orders module's fragment). */
async function paidOf(db: Conn, tenantId: string, saleId: string) {
  const { rows } = await sql<{ orders_paid: number; units_paid: number }>`
    SELECT count(*)::int AS orders_paid, coalesce(sum(f.quantity), 0)::int AS units_paid
      FROM flash_sale_orders f JOIN ${orderCards(tenantId)} o ON o.id = f.order_id
     WHERE f.tenant_id = ${tenantId} AND f.flash_sale_id = ${saleId} AND o.status NOT IN ('pending_payment', 'expired', 'cancelled')`.execute(db);
  return rows[0]!;
}

/**
 * A shop's flash sales for buyers: running or starting within a day, not ended, with the SKU's
 * product, the shop's own price and units left. A sale whose shop lists the SKU no more is hidden.
 */
export async function shopFlashSales(db: Conn, slug: string, now: Date) {
  const node = await resolveShop(db, slug);
  const tenantId = node.tenant_id;
  const soon = new Date(now.getTime() + 86_400_000);
  const sales = await db.selectFrom('flash_sales').select('sku_id').where('tenant_id', '=', tenantId).where('b_node_id', '=', node.id)
    .where('status', '=', 'active').where('ends_at', '>', now).where('starts_at', '<', soon).execute();
  const skuIds = [...new Set(sales.map((s) => s.sku_id).filter((s): s is string => s !== null))];
  if (skuIds.length === 0) return [];
  const { rows } = await sql<{ id: string; name: string; sku_id: string; product_id: string; title: string; sku_name: string; price: Fen; list_price: Fen; per_customer_limit: number; left: number; starts_at: Date; ends_at: Date }>`
    SELECT f.id, f.name, f.sku_id, s.product_id, p.title, s.name AS sku_name, f.price, l.retail_price AS list_price, f.per_customer_limit,
           f.stock_cap - f.sold AS left, f.starts_at, f.ends_at
      FROM flash_sales f
      JOIN ${listedPrices(tenantId, skuIds)} l ON l.b_node_id = f.b_node_id AND l.sku_id = f.sku_id
      JOIN ${skuRows(tenantId)} s ON s.id = f.sku_id
      JOIN ${productRows(tenantId)} p ON p.id = s.product_id
     WHERE f.tenant_id = ${tenantId} AND f.b_node_id = ${node.id} AND f.status = 'active' AND f.ends_at > ${now} AND f.starts_at < ${soon}
     ORDER BY f.starts_at, f.id`.execute(db);
  return rows.map((r) => ({
    ...r, starts_at: r.starts_at.toISOString(), ends_at: r.ends_at.toISOString(),
    state: r.starts_at > now ? 'upcoming' as const : r.left <= 0 ? 'sold_out' as const : 'running' as const,
  }));
}

/**
 * Gives the units of unpaid orders that closed (expired or cancelled) back to their sales and
 * buyers. Each order's row flips `released_at` once, so however often this runs for an order — and
 * it runs only on the order's own conditional transition — its units return once.
 */
export async function releaseFlashUnits(db: Conn, tenantId: string, orderIds: string[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  const { rows } = await sql<{ released: number }>`
    WITH released AS (
      UPDATE flash_sale_orders SET released_at = now()
       WHERE tenant_id = ${tenantId} AND order_id = ANY(${orderIds}::text[]) AND released_at IS NULL
      RETURNING flash_sale_id, customer_id, quantity),
    sales AS (
      UPDATE flash_sales f SET sold = f.sold - x.q
        FROM (SELECT flash_sale_id, sum(quantity)::int AS q FROM released GROUP BY 1) x
       WHERE f.tenant_id = ${tenantId} AND f.id = x.flash_sale_id
      RETURNING 1),
    buyers AS (
      UPDATE flash_sale_buyers b SET bought = b.bought - x.q
        FROM (SELECT flash_sale_id, customer_id, sum(quantity)::int AS q FROM released GROUP BY 1, 2) x
       WHERE b.tenant_id = ${tenantId} AND b.flash_sale_id = x.flash_sale_id AND b.customer_id = x.customer_id
      RETURNING 1)
    SELECT (SELECT coalesce(sum(quantity), 0) FROM released)::int AS released, (SELECT count(*) FROM sales) + (SELECT count(*) FROM buyers) AS written`.execute(db);
  return rows[0]!.released;
}

/**
 * A late payment reviving an expired order takes its flash units again, only within the cap and
 * the buyer's limit. True when the order had none or got them back; false leaves the caller to
 * roll back to its savepoint and refund.
 */
export async function retakeFlashUnits(db: Conn, tenantId: string, orderId: string): Promise<boolean> {
  const { rows } = await sql<{ had: number; retaken: number }>`
    WITH held AS (
      SELECT flash_sale_id, customer_id, quantity FROM flash_sale_orders
       WHERE tenant_id = ${tenantId} AND order_id = ${orderId} AND released_at IS NOT NULL),
    units AS (
      UPDATE flash_sales f SET sold = f.sold + h.quantity FROM held h
       WHERE f.tenant_id = ${tenantId} AND f.id = h.flash_sale_id AND f.sold + h.quantity <= f.stock_cap
      RETURNING f.per_customer_limit),
    lim AS (
      UPDATE flash_sale_buyers b SET bought = b.bought + h.quantity FROM held h, units u
       WHERE b.tenant_id = ${tenantId} AND b.flash_sale_id = h.flash_sale_id AND b.customer_id = h.customer_id
         AND b.bought + h.quantity <= u.per_customer_limit
      RETURNING 1),
    retaken AS (
      UPDATE flash_sale_orders SET released_at = NULL
       WHERE tenant_id = ${tenantId} AND order_id = ${orderId} AND EXISTS (SELECT 1 FROM lim)
      RETURNING 1)
    SELECT (SELECT count(*) FROM held)::int AS had, (SELECT count(*) FROM retaken)::int AS retaken`.execute(db);
  return rows[0]!.had === 0 || rows[0]!.retaken === 1;
}

function present(r: { id: string; name: string; b_node_id: string; sku_id: string; price: Fen; stock_cap: number; sold: number; per_customer_limit: number; starts_at: Date; ends_at: Date; status: FlashSaleStatus; verdict: StoredVerdict; guard: unknown; override_reason: string | null }) {
  return {
    id: r.id, name: r.name, b_node_id: r.b_node_id, sku_id: r.sku_id, price: r.price, stock_cap: r.stock_cap, sold: r.sold,
    per_customer_limit: r.per_customer_limit, starts_at: r.starts_at.toISOString(), ends_at: r.ends_at.toISOString(), status: r.status,
    verdict: r.verdict, guard: typeof r.guard === 'string' ? JSON.parse(r.guard) : r.guard, override_reason: r.override_reason,
  };
}

/** A flash sale as checkout's read returns it (all null when the cart names none or the shop has no such sale). */
export interface FlashSaleRead {
  flash_id: string | null; flash_sku_id: string | null; flash_price: Fen | null; flash_left: number | null; flash_limit: number | null;
  flash_starts_at: Date | null; flash_ends_at: Date | null; flash_status: FlashSaleStatus | null; flash_bought: number | null;
}

/**
 * Checks a cart against the flash sale it names, from checkout's read: the sale runs, the cart holds
 * its SKU, the units are left and the buyer's limit has room. Refusals here write nothing; the
 * write's conditional updates decide the races the read cannot see.
 */
export function flashTermsFor(sale: FlashSaleRead, wants: { sku_id: string; quantity: number }[], now: Date) {
  if (!sale.flash_id) throw flashSaleError('flash_sale_not_found');
  if (sale.flash_status !== 'active' || sale.flash_ends_at! <= now) throw flashSaleError('flash_sale_ended', { flash_sale_id: sale.flash_id });
  if (sale.flash_starts_at! > now) throw flashSaleError('flash_sale_not_started', { flash_sale_id: sale.flash_id, starts_at: sale.flash_starts_at!.toISOString() });
  const quantity = wants.find((w) => w.sku_id === sale.flash_sku_id)?.quantity;
  if (!quantity) throw flashSaleError('flash_sale_sku_not_in_cart', { sku_id: sale.flash_sku_id });
  if (sale.flash_bought! + quantity > sale.flash_limit!) {
    throw flashSaleError('flash_sale_limit_reached', { per_customer_limit: sale.flash_limit, bought: sale.flash_bought });
  }
  if (sale.flash_left! < quantity) throw flashSaleError('flash_sale_sold_out', { flash_sale_id: sale.flash_id, left: Math.max(0, sale.flash_left!) });
  return { saleId: sale.flash_id, skuId: sale.flash_sku_id!, price: sale.flash_price!, quantity, limit: sale.flash_limit! };
}

/** What the write's short answer means: which of the sale's two conditions failed (stock was taken). */
export function flashShortfall(saleId: string, took: { units: boolean; limit: boolean }) {
  return took.units ? flashSaleError('flash_sale_limit_reached', { flash_sale_id: saleId }) : flashSaleError('flash_sale_sold_out', { flash_sale_id: saleId, left: 0 });
}
