import type { Conn } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import { presentOrder, orderLines, visibleOrder } from '../modules/orders/orders.service.js';
import { paymentsOfOrder, refundsOfOrder } from '../modules/payments/payments.service.js';
import { shopCard } from '../modules/b-nodes/b-nodes.service.js';
import { customerCard } from '../modules/customers/customers.service.js';
import type { PhoneVault } from '../modules/customers/customer-phones.service.js';
import { attributionOf } from '../modules/sharing/sharing.service.js';
import { getCampaign } from '../modules/campaigns/campaigns.service.js';
import { couponsOfOrder } from '../modules/coupons/coupons.service.js';
import { groupOfOrder } from '../modules/group-buys/group-buys.service.js';

/**
 * An order as its detail page shows it: lines, payments, refunds, shop, customer and sharer, each from the
 * module that owns it, read in parallel — a fixed number of statements whatever the order's size.
 */
export async function getOrder(db: Conn, phones: PhoneVault, actor: Actor, orderId: string, customerId?: string) {
  const order = await visibleOrder(db, actor, orderId, customerId);
  const [lines, payments, refunds, shop, customer, attribution, discounts, group] = await Promise.all([
    orderLines(db, actor.tenantId, orderId),
    paymentsOfOrder(db, actor.tenantId, orderId),
    refundsOfOrder(db, actor.tenantId, orderId),
    shopCard(db, actor.tenantId, order.b_node_id),
    customerCard(db, phones, actor.tenantId, order.customer_id),
    attributionOf(db, actor.tenantId, order),
    discountLines(db, actor.tenantId, order),
    order.campaign_kind === 'group_buy' ? groupOfOrder(db, actor.tenantId, orderId) : null,
  ]);
  return presentOrder(actor.role, order, lines, { shop, customer, payments, refunds, attribution, discounts, ...(group ? { group } : {}) });
}

/** The discounts that make up the order's `discount`: its subsidy campaign's part, each coupon's, or a bargain's cut. */
async function discountLines(db: Conn, tenantId: string, order: { id: string; campaign_id: string | null; subsidy_discount: number; discount: number; campaign_kind: string | null; campaign_ref: string | null }) {
  // A bargain order has neither subsidy nor coupon: its whole discount is what the helpers cut.
  if (order.campaign_kind === 'bargain' && order.discount > 0) return [{ kind: 'bargain' as const, ref: order.campaign_ref!, name: '', amount: order.discount }];
  const [campaign, coupons] = await Promise.all([
    order.campaign_id && order.subsidy_discount > 0 ? getCampaign(db, tenantId, order.campaign_id) : null,
    order.discount > order.subsidy_discount ? couponsOfOrder(db, tenantId, order.id) : [],
  ]);
  // A coupon returned and used again by a revived order has several rows: each use counts once.
  const used = new Map(coupons.map((c) => [c.coupon_id, c]));
  return [
    ...(campaign ? [{ kind: 'subsidy' as const, ref: campaign.id, name: campaign.name, amount: order.subsidy_discount }] : []),
    ...[...used.values()].map((c) => ({ kind: 'coupon' as const, ref: c.coupon_id, name: c.name, amount: c.amount })),
  ];
}
