import type { Db, Tx } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import type { Clock } from '../platform/clock.js';
import { inTransaction } from '../platform/db/database.js';
import { audit } from '../platform/audit.js';
import { groupOrdersPaid, settleDueGroups } from '../modules/group-buys/group-buys.service.js';
import { refundOrder } from './refund.flow.js';

/** Refunds the platform owes by itself (a group that did not form) act as the tenant, recorded as the system's. */
const tenantSystem = (tenantId: string): Actor => ({ tenantId, userId: 'system', role: 'tenant_admin', bNodeId: null, supplierId: null });

/** Refunds each order in full through the refund flow (money back through the provider, unshipped goods restocked). */
async function refundInFull(tx: Tx, clock: Clock, tenantId: string, orderIds: string[], reason: string) {
  for (const orderId of orderIds) await refundOrder(tx, clock, tenantSystem(tenantId), orderId, { reason });
}

/**
 * Group orders just paid (called by the payment settlement in its transaction): an opener's
 * payment opens the group, a member's counts toward forming it; a payment into a group that failed
 * meanwhile is refunded at once.
 */
export async function settleGroupPayments(tx: Tx, clock: Clock, tenantId: string, orderIds: string[]): Promise<string[]> {
  const refund = await groupOrdersPaid(tx, clock.now(), tenantId, orderIds);
  await refundInFull(tx, clock, tenantId, refund, 'group_buy_failed');
  for (const orderId of refund) await audit(tx, tenantId, 'group_buy.paid_after_failure', 'order', orderId, {});
  return refund;
}

/**
 * Settles groups whose timer ran out or whose campaign ended (periodic): each group forms or fails
 * once, whatever runs at the same time (claimed with SKIP LOCKED, moved by a conditional update),
 * and a failed group's paid members are refunded in full in the same transaction.
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
        await audit(tx, g.tenant_id, `group_buy.group_${g.outcome}`, 'group', g.group_id, { subsidy: g.subsidy, refunded_orders: g.refund_order_ids });
      }
      return settled.length;
    });
    if (n < batch) return totals;
  }
}
