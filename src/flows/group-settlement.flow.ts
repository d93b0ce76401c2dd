import type { Db, Tx } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import type { Clock } from '../platform/clock.js';
import { inTransaction } from '../platform/db/database.js';
import { audit } from '../platform/audit.js';
import { groupOrdersPaid, settleDueGroups, type RefundBack } from '../modules/group-buys/group-buys.service.js';
import { bookCampaignCosts, recordOrderEconomics } from '../modules/economics/order-economics.service.js';
import { refundOrder, refundPriceDifference } from './refund.flow.js';

/** Refunds the platform owes by itself (a group that did not form) act as the tenant, recorded as the system's. */
const tenantSystem = (tenantId: string): Actor => ({ tenantId, userId: 'system', role: 'tenant_admin', bNodeId: null, supplierId: null });

/** Refunds each order in full through the refund flow (money back through the provider, unshipped goods restocked). */
async function refundInFull(tx: Tx, clock: Clock, tenantId: string, orderIds: string[], reason: string) {
  for (const orderId of orderIds) await refundOrder(tx, clock, tenantSystem(tenantId), orderId, { reason });
}

/** A ladder group's differences given back, each as a partial refund through the refund flow (the goods stay to be collected). */
async function refundBack(tx: Tx, clock: Clock, tenantId: string, backs: RefundBack[]) {
  for (const b of backs) {
    const refund = await refundPriceDifference(tx, clock, tenantSystem(tenantId), b.order_id, b.amount, 'group_buy_ladder');
    await audit(tx, tenantId, 'group_buy.ladder_refund_back', 'order', b.order_id, { amount: b.amount, refund_id: refund.id });
  }
}

/**
 * Group orders just paid (called by the payment settlement in its transaction): an opener's
 * payment opens the group, a member's counts toward forming it; a payment into a group that failed
 * meanwhile is refunded at once.
 */
export async function settleGroupPayments(tx: Tx, clock: Clock, tenantId: string, orderIds: string[]): Promise<string[]> {
  const { refund, refundBack: backs } = await groupOrdersPaid(tx, clock.now(), tenantId, orderIds);
  await refundInFull(tx, clock, tenantId, refund, 'group_buy_failed');
  // A ladder group's top tier just filled: settled there, every member who paid more gets the difference.
  await refundBack(tx, clock, tenantId, backs);
  for (const orderId of refund) await audit(tx, tenantId, 'group_buy.paid_after_failure', 'order', orderId, {});
  return refund;
}

/**
 * Settles groups whose timer ran out or whose campaign ended (periodic): each group forms or fails
 * once, whatever runs at the same time (claimed with SKIP LOCKED, moved by a conditional update),
 * and a failed group's paid members are refunded in full in the same transaction; a ladder group's
 * members get back what they paid above the tier it settled at.
 */
export async function settleDueGroupBuys(db: Db, clock: Clock, batch = 100): Promise<{ formed: number; failed: number; refunded: number }> {
  const totals = { formed: 0, failed: 0, refunded: 0 };
  for (;;) {
    const n = await inTransaction(db, async (tx) => {
      const settled = await settleDueGroups(tx, clock.now(), batch);
      for (const g of settled) {
        totals[g.outcome]++;
        totals.refunded += g.refund_order_ids.length;
        await refundInFull(tx, clock, g.tenant_id, g.refund_order_ids, 'group_buy_failed');
        await refundBack(tx, clock, g.tenant_id, g.refund_back);
        // The fill rule's subsidy is the operator's campaign cost: booked on the paid orders, counted by their waterfalls.
        if (g.order_subsidies.length) {
          await bookCampaignCosts(tx, g.tenant_id, g.order_subsidies.map((s) => ({ order_id: s.order_id, campaign_kind: 'group_buy' as const, campaign_ref: g.group_buy_id, amount: s.amount })));
          await recordOrderEconomics(tx, g.tenant_id, g.order_subsidies.map((s) => s.order_id));
        }
        await audit(tx, g.tenant_id, `group_buy.group_${g.outcome}`, 'group', g.group_id, { subsidy: g.subsidy, refunded_orders: g.refund_order_ids });
      }
      return settled.length;
    });
    if (n < batch) return totals;
  }
}
