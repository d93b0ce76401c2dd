import type { Db } from '../src/database.js';
import type { Clock } from '../src/platform/clock.js';
import { newEventId, postNotification, signedNotification, startPayment, type Api } from './race/helpers.js';

interface GroupBuyWorld { tenantId: string; adminToken: string; bNodeId: string; shop: string; skus: { id: string }[] }

/**
 * What the group-buy tests share: a campaign on the world's first SKU (a three-person group, 8.50
 * to open and 8.00 to join, on a 10.00 SKU, one a buyer, running a day; overrides change any of it),
 * one unit ordered into a campaign (opening a group, or joining `groupId`), paid through a signed
 * notification, and the group an order is in.
 */
export function groupBuyFixtures(db: Db, api: Api, clock: Clock, world: GroupBuyWorld) {
  const at = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000).toISOString();
  const createGroupBuy = (overrides: Record<string, unknown> = {}) => api.post('/api/v1/group-buys', {
    name: '三人团', b_node_id: world.bNodeId, sku_id: world.skus[0]!.id, group_size: 3, timer_minutes: 60, opener_price: 850, member_price: 800,
    per_customer_limit: 1, stock_cap: 30, starts_at: at(0), ends_at: at(24 * 60), ...overrides,
  }, { token: world.adminToken });
  const order = (token: string, ref: string, groupId?: string) =>
    api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }], campaign: { kind: 'group_buy', ref, ...(groupId ? { group_id: groupId } : {}) } }, { token });
  /** Starts the order's payment and confirms it; the settlement's outcome. */
  const pay = async (token: string, orderId: string) => {
    const payment = await startPayment(api, token, orderId);
    const res = await postNotification(api, signedNotification({ kind: 'payment', tenant_id: world.tenantId, payment_id: payment.payment_id, amount: payment.amount, event_id: newEventId() }));
    return res.json().outcome as string;
  };
  const groupOf = async (orderId: string) => (await db.selectFrom('group_buy_members').select('group_id').where('order_id', '=', orderId).executeTakeFirstOrThrow()).group_id;
  const groupRow = (id: string) => db.selectFrom('group_buy_groups').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { at, createGroupBuy, order, pay, groupOf, groupRow };
}
