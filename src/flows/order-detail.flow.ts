import type { Conn } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import { presentOrder, orderLines, visibleOrder } from '../modules/orders/orders.service.js';
import { paymentsOfOrder, refundsOfOrder } from '../modules/payments/payments.service.js';
import { shopCard } from '../modules/b-nodes/b-nodes.service.js';
import { customerCard } from '../modules/customers/customers.service.js';
import { attributionOf } from '../modules/sharing/sharing.service.js';

/**
 * An order as its detail page shows it: lines, payments, refunds, shop, customer and sharer, each from the
 * module that owns it, read in parallel — a fixed number of statements whatever the order's size.
 */
export async function getOrder(db: Conn, actor: Actor, orderId: string, customerId?: string) {
  const order = await visibleOrder(db, actor, orderId, customerId);
  const [lines, payments, refunds, shop, customer, attribution] = await Promise.all([
    orderLines(db, actor.tenantId, orderId),
    paymentsOfOrder(db, actor.tenantId, orderId),
    refundsOfOrder(db, actor.tenantId, orderId),
    shopCard(db, actor.tenantId, order.b_node_id),
    customerCard(db, actor.tenantId, order.customer_id),
    attributionOf(db, actor.tenantId, order),
  ]);
  return presentOrder(actor.role, order, lines, { shop, customer, payments, refunds, attribution });
}
