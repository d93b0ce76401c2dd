import type { Db, Tx } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import type { Clock } from '../platform/clock.js';
import { inTransaction } from '../platform/db/database.js';
import { cutOff, cutOffDueWindows } from '../modules/fulfilment/fulfilment.service.js';
import { unpaidWindowOrders } from '../modules/presales/presales.service.js';
import { cancelOrder } from './order-lifecycle.flow.js';

/**
 * Sales-window cutoffs, as the job queue, the CLI (`siyu cutoff run`) and the console's button run
 * them: each window in a transaction of its own, under its row lock. What a cutoff does — paid
 * demand aggregated into purchase orders per supplier × warehouse and pick lists per pickup point,
 * in set-based SQL — is the fulfilment module's; refunds for short shipments come later, when the
 * supplier confirms (short-shipment.flow.ts).
 */
export function runCutoff(db: Db, clock: Clock, tenantId: string, windowId: string) {
  return inTransaction(db, (tx) => cutOffClosingPresales(tx, clock, tenantId, windowId));
}

/** Periodic work: every window past its cutoff, once across processes (a runner that picks a window another has cut off finds it closed). */
export function runDueCutoffs(db: Db, clock: Clock) {
  return cutOffDueWindows(db, clock, 20, (tx, tenantId, windowId) => cutOffClosingPresales(tx, clock, tenantId, windowId));
}

/**
 * A cutoff, and the pre-sales it ends: their orders still unpaid are cancelled in its transaction,
 * giving their stock, coupons and caps back (a payment arriving later is refunded: see
 * payment-settlement). A pre-sale order is paid before its cutoff or not at all, so it is always
 * in its window's aggregation, never in none.
 */
async function cutOffClosingPresales(tx: Tx, clock: Clock, tenantId: string, windowId: string) {
  const result = await cutOff(tx, clock, tenantId, windowId);
  if (!result.ran) return result;
  const system: Actor = { tenantId, userId: 'system:cutoff', role: 'tenant_admin', bNodeId: null, supplierId: null };
  for (const orderId of await unpaidWindowOrders(tx, tenantId, windowId)) await cancelOrder(tx, clock, system, orderId);
  return result;
}
