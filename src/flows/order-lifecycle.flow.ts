import { sql } from 'kysely';
import type { Db, Tx } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import type { Clock } from '../platform/clock.js';
import { inTransaction } from '../platform/db/database.js';
import { cancelUnpaid, completePickup as completeOrderPickup, expireDue, markReadyForPickup } from '../modules/orders/orders.service.js';
import { queueOrderMessage } from '../modules/subscribe-messages/subscribe-messages.service.js';
import { releaseOrders } from '../modules/inventory/inventory.service.js';
import { releaseSubsidies } from '../modules/campaigns/campaigns.service.js';
import { recordOrderEconomics } from '../modules/economics/order-economics.service.js';
import { returnListingCaps } from '../modules/b-nodes/listings.service.js';
import { releaseFlashUnits } from '../modules/flash-sales/flash-sales.service.js';
import { releaseGroupSlots } from '../modules/group-buys/group-buys.service.js';
import { linesOfOrders, orderOwners } from '../modules/orders/orders.fragments.js';

/** What closed unpaid orders had taken from assortments' per-node caps: their lines, by node and SKU. */
const linesByNode = (tenantId: string, orderIds: string[]) =>
  sql`(SELECT o.b_node_id, l.sku_id, l.quantity FROM ${linesOfOrders(tenantId, orderIds)} l JOIN ${orderOwners(tenantId)} o ON o.id = l.order_id)`;

/** The goods reach the pickup point: the order ships, and asks for the buyer's "ready for pickup" subscribe message. */
export async function markReady(tx: Tx, clock: Clock, actor: Actor, orderId: string) {
  await markReadyForPickup(tx, actor, orderId);
  await queueOrderMessage(tx, clock, actor.tenantId, { event: 'ready_for_pickup', orderId });
}

/**
 * An unpaid order closing — cancelled by its buyer or staff, or expired past its deadline — gives
 * back what checkout took: stock to inventory, the subsidy to its campaign's budget, units to the
 * capped listings and to flash sales (and the buyer's flash limit), the slot to its group. All follow the order's one conditional transition, so each is given back once.
 */
export async function cancelOrder(tx: Tx, clock: Clock, actor: Actor, orderId: string, customerId?: string) {
  const order = await cancelUnpaid(tx, clock.now(), actor, orderId, customerId);
  await releaseOrders(tx, actor.tenantId, [orderId]);
  await releaseSubsidies(tx, actor.tenantId, [{ campaign_id: order.campaign_id, discount: order.discount }]);
  await returnListingCaps(tx, actor.tenantId, linesByNode(actor.tenantId, [orderId]));
  await releaseFlashUnits(tx, actor.tenantId, [orderId]);
  await releaseGroupSlots(tx, actor.tenantId, [orderId]);
}

/** Expires unpaid orders past their deadline and releases their stock and subsidies, in one transaction per batch. */
export async function expireDueOrders(db: Db, clock: Clock, batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await inTransaction(db, async (tx) => {
      const expired = await expireDue(tx, clock.now(), batch);
      const byTenant = new Map<string, typeof expired>();
      for (const o of expired) byTenant.set(o.tenant_id, [...(byTenant.get(o.tenant_id) ?? []), o]);
      // Tenants in a fixed order: overlapping runs then lock stock rows in one global order and cannot deadlock.
      for (const tenantId of [...byTenant.keys()].sort()) {
        const orders = byTenant.get(tenantId)!;
        await releaseOrders(tx, tenantId, orders.map((o) => o.id));
        await releaseSubsidies(tx, tenantId, orders.map((o) => ({ campaign_id: o.campaign_id, discount: o.discount })));
        await returnListingCaps(tx, tenantId, linesByNode(tenantId, orders.map((o) => o.id)));
        await releaseFlashUnits(tx, tenantId, orders.map((o) => o.id));
        await releaseGroupSlots(tx, tenantId, orders.map((o) => o.id));
      }
      return expired.length;
    });
    total += n;
    if (n < batch) return total;
  }
}

/** Verifies the pickup code (核销) and completes the order; its waterfall then drops the refund provision. */
export async function completePickup(tx: Tx, clock: Clock, actor: Actor, orderId: string, code: string) {
  await completeOrderPickup(tx, clock.now(), actor, orderId, code);
  await recordOrderEconomics(tx, actor.tenantId, [orderId]);
}
