import type { Conn, Db, Tx } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { platformError } from '../../platform/errors.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { deriveKey, seal, unseal } from '../../platform/secrets.js';
import { orderWaterfallOf } from '../economics/order-economics.service.js';
import { orderCards, paidOrdersAmong } from '../orders/orders.fragments.js';
import { settledPaymentsOfOrder } from '../payments/payments.fragments.js';
import { profitSharingError } from './profit-sharing.errors.js';
import { profitSharingRepo as repo } from './profit-sharing.repo.js';
import type { AddReceiverInput } from './profit-sharing.schema.js';
import type { ReturnStatus, SplitStatus } from './profit-sharing.states.js';

/**
 * Profit sharing (分账): a paid order's B-node commission, as the economics module records it in
 * the order's waterfall (the `leader` part), paid out of the order's frozen WeChat Pay funds to the
 * node's receiver. Every request to WeChat is a row stored first with the number WeChat uses as its
 * idempotency key (out_order_no, out_return_no), then sent by a job outside any transaction: a
 * retry resends the same number and WeChat applies it once.
 */

export const PROVIDER = 'wechatpay';
export const JOBS = {
  receiverAdd: 'profitsharing.receiver.add',
  receiverDelete: 'profitsharing.receiver.delete',
  orderSubmit: 'profitsharing.order.submit',
  orderQuery: 'profitsharing.order.query',
  returnSubmit: 'profitsharing.return.submit',
  returnQuery: 'profitsharing.return.query',
} as const;

/** WeChat takes at most 50 receivers in one split. */
export const MAX_RECEIVERS_PER_SPLIT = 50;
/** How long after a PROCESSING answer to ask again. */
export const QUERY_DELAY_MS = 30_000;

/** Another tenant's order, or none, answers 404 like every other id here. */
async function assertOrder(db: Conn, tenantId: string, orderId: string) {
  const found = await db.selectFrom(orderCards(tenantId).as('o')).select('o.id').where('o.id', '=', orderId).executeTakeFirst();
  if (!found) throw platformError('not_found');
}

const nameKey = (secretKey: string) => deriveKey(secretKey, 'profit-sharing-receiver-name');

/** WeChat's out_order_no / out_return_no alphabet is [0-9A-Za-z_-|*@], at most 64: our ids fit. */
const wechatNumber = (prefix: string) => newId(prefix);

type ReceiverRow = NonNullable<Awaited<ReturnType<typeof repo.receiver>>>;
const presentReceiver = (r: ReceiverRow) => ({
  id: r.id, b_node_id: r.b_node_id, type: r.type, account: r.account, has_name: r.name_sealed !== null,
  relation_type: r.relation_type, custom_relation: r.custom_relation, status: r.status, error: r.error, created_at: r.created_at,
});

export async function addReceiver(tx: Tx, secretKey: string, tenantId: string, input: AddReceiverInput) {
  if (input.type === 'MERCHANT_ID' && !input.name) throw profitSharingError('receiver_name_required');
  const id = newId('psr');
  try {
    await repo.insertReceiver(tx, {
      tenant_id: tenantId, id, b_node_id: input.b_node_id, type: input.type, account: input.account,
      name_sealed: input.name ? seal(nameKey(secretKey), input.name) : null,
      relation_type: input.relation_type, custom_relation: input.custom_relation ?? null, status: 'pending', error: null,
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '23505') throw profitSharingError('receiver_exists');
    if (code === '23503') throw profitSharingError('receiver_not_found', { b_node_id: input.b_node_id });
    throw err;
  }
  await enqueue(tx, tenantId, JOBS.receiverAdd, { receiver_id: id });
  return presentReceiver((await repo.receiver(tx, tenantId, id))!);
}

export async function removeReceiver(tx: Tx, tenantId: string, id: string) {
  const row = await repo.receiver(tx, tenantId, id);
  if (!row) throw profitSharingError('receiver_not_found');
  if (!(await repo.transitionReceiver(tx, tenantId, id, 'removing'))) throw platformError('illegal_transition', { machine: 'profit_sharing_receiver', from: row.status, to: 'removing' });
  await enqueue(tx, tenantId, JOBS.receiverDelete, { receiver_id: id });
  return presentReceiver((await repo.receiver(tx, tenantId, id))!);
}

export async function listReceivers(db: Conn, tenantId: string) {
  return (await repo.receivers(db, tenantId)).map(presentReceiver);
}

/** What the job sends to WeChat to add or delete a receiver; the name opened only here. */
export async function receiverToSend(db: Conn, secretKey: string, tenantId: string, id: string) {
  const r = await repo.receiver(db, tenantId, id);
  if (!r) return undefined;
  return { ...r, name: r.name_sealed ? unseal(nameKey(secretKey), r.name_sealed) : undefined };
}

export async function receiverOutcome(db: Db, tenantId: string, id: string, to: 'active' | 'failed' | 'removed', error: string | null = null) {
  return inTransaction(db, (tx) => repo.transitionReceiver(tx, tenantId, id, to, error));
}

/**
 * Stores the order's split of its B node's commission and queues its sending. Asked again, the
 * order's one split is returned unchanged (same out_order_no), so it is never paid twice.
 */
export async function requestSplit(tx: Tx, tenantId: string, orderId: string, options: { unfreeze_unsplit: boolean }) {
  await assertOrder(tx, tenantId, orderId);
  const existing = await repo.splitOfOrder(tx, tenantId, orderId);
  if (existing) return existing;
  const order = (await tx.selectFrom(paidOrdersAmong(tenantId, [orderId]).as('o')).selectAll().executeTakeFirst()) as { b_node_id: string } | undefined;
  if (!order) throw profitSharingError('no_wechatpay_payment');
  const payment = await tx.selectFrom(settledPaymentsOfOrder(tenantId, orderId, PROVIDER).as('p')).selectAll().where('p.provider_trade_no', 'is not', null).executeTakeFirst();
  if (!payment?.provider_trade_no) throw profitSharingError('no_wechatpay_payment');
  const receiver = await repo.activeReceiverOf(tx, tenantId, order.b_node_id);
  if (!receiver) throw profitSharingError('no_active_receiver');
  const commission = (await orderWaterfallOf(tx, tenantId, orderId))?.leader ?? 0;
  if (commission <= 0) throw profitSharingError('nothing_to_split');
  const id = newId('pso');
  const inserted = await repo.insertSplitOnce(tx, {
    tenant_id: tenantId, id, kind: 'split', order_id: orderId, payment_id: payment.id, transaction_id: payment.provider_trade_no,
    out_order_no: wechatNumber('PS'), receiver_id: receiver.id, b_node_id: order.b_node_id, amount: commission,
    unfreeze_unsplit: options.unfreeze_unsplit, status: 'pending', wechat_order_id: null, result: null, error: null, finished_at: null,
  });
  if (inserted) await enqueue(tx, tenantId, JOBS.orderSubmit, { id });
  return (await repo.splitOfOrder(tx, tenantId, orderId))!;
}

/** Releases the order's unsplit funds to the merchant (a split that did not already do so). */
export async function requestUnfreeze(tx: Tx, tenantId: string, orderId: string) {
  await assertOrder(tx, tenantId, orderId);
  const split = await repo.splitOfOrder(tx, tenantId, orderId);
  const payment = await tx.selectFrom(settledPaymentsOfOrder(tenantId, orderId, PROVIDER).as('p')).selectAll().where('p.provider_trade_no', 'is not', null).executeTakeFirst();
  if (!payment?.provider_trade_no) throw profitSharingError('no_wechatpay_payment');
  const id = newId('pso');
  await repo.insertOrder(tx, {
    tenant_id: tenantId, id, kind: 'unfreeze', order_id: orderId, payment_id: payment.id, transaction_id: payment.provider_trade_no,
    out_order_no: wechatNumber('PU'), receiver_id: null, b_node_id: split?.b_node_id ?? null, amount: 0, unfreeze_unsplit: true,
    status: 'pending', wechat_order_id: null, result: null, error: null, finished_at: null,
  });
  await enqueue(tx, tenantId, JOBS.orderSubmit, { id });
  return (await repo.split(tx, tenantId, id))!;
}

/** A split or unfreeze as the job sends it, with its receiver's account. */
export async function orderToSend(db: Conn, tenantId: string, id: string) {
  const order = await repo.split(db, tenantId, id);
  if (!order) return undefined;
  const receiver = order.receiver_id ? await repo.receiver(db, tenantId, order.receiver_id) : undefined;
  return { ...order, receiver: receiver ? { type: receiver.type, account: receiver.account } : undefined };
}

/** WeChat's answer to a split, unfreeze or query, applied through the transition table; PROCESSING asks again later. */
export async function orderOutcome(db: Db, tenantId: string, id: string, outcome: { status: SplitStatus; wechatOrderId?: string | undefined; result?: unknown; error?: string | undefined }, at: Date) {
  return inTransaction(db, async (tx) => {
    const done = outcome.status === 'finished' || outcome.status === 'failed';
    const changed = outcome.status === 'processing'
      ? await repo.transitionSplit(tx, tenantId, id, 'processing', { wechat_order_id: outcome.wechatOrderId ?? null, result: outcome.result })
      : await repo.transitionSplit(tx, tenantId, id, outcome.status, { wechat_order_id: outcome.wechatOrderId ?? null, result: outcome.result, error: outcome.error ?? null, finished_at: done ? at : null });
    const current = await repo.split(tx, tenantId, id);
    if (current?.status === 'processing') await enqueue(tx, tenantId, JOBS.orderQuery, { id }, QUERY_DELAY_MS);
    return changed;
  });
}

/**
 * After a refund, takes back what the order's B node no longer earns: the split less the
 * commission the order's waterfall now carries, less returns already made or on their way.
 */
export async function requestReturn(tx: Tx, tenantId: string, orderId: string) {
  await assertOrder(tx, tenantId, orderId);
  const split = await repo.splitOfOrder(tx, tenantId, orderId, true);
  if (!split) throw profitSharingError('split_not_found');
  if (split.status !== 'finished') throw profitSharingError('split_not_finished', { status: split.status });
  const receiver = split.receiver_id ? await repo.receiver(tx, tenantId, split.receiver_id) : undefined;
  if (receiver?.type !== 'MERCHANT_ID') throw profitSharingError('return_needs_merchant_receiver');
  const commission = (await orderWaterfallOf(tx, tenantId, orderId))?.leader ?? 0;
  const returns = await repo.returnsOfSplit(tx, tenantId, split.id);
  const underway = returns.filter((r) => r.status !== 'failed').reduce((a, r) => a + r.amount, 0);
  const owed = Math.max(0, split.amount - Math.min(commission, split.amount)) - underway;
  if (owed <= 0) throw profitSharingError('nothing_to_return', { split: split.amount, commission, returned: underway });
  const id = newId('psb');
  await repo.insertReturn(tx, { tenant_id: tenantId, id, split_id: split.id, out_return_no: wechatNumber('PR'), amount: owed, status: 'pending', wechat_return_id: null, error: null, finished_at: null });
  await enqueue(tx, tenantId, JOBS.returnSubmit, { id });
  return (await repo.returnOf(tx, tenantId, id))!;
}

/**
 * Called by the refund flow in the refund's transaction: when the order's commission was already
 * split to a merchant receiver, the part the refund takes away is returned (WeChat asks for the
 * return around the refund). Nothing happens without a finished split, for a person's share (WeChat
 * returns none), or when nothing is owed.
 */
export async function returnAfterRefund(tx: Tx, tenantId: string, orderId: string) {
  const split = await repo.splitOfOrder(tx, tenantId, orderId);
  if (split?.status !== 'finished' || !split.receiver_id) return undefined;
  const receiver = await repo.receiver(tx, tenantId, split.receiver_id);
  if (receiver?.type !== 'MERCHANT_ID') return undefined;
  try {
    return await requestReturn(tx, tenantId, orderId);
  } catch (err) {
    if ((err as { code?: string }).code === 'nothing_to_return') return undefined;
    throw err;
  }
}

export async function returnToSend(db: Conn, tenantId: string, id: string) {
  const ret = await repo.returnOf(db, tenantId, id);
  if (!ret) return undefined;
  const split = (await repo.split(db, tenantId, ret.split_id))!;
  const receiver = split.receiver_id ? await repo.receiver(db, tenantId, split.receiver_id) : undefined;
  return { ...ret, split: { out_order_no: split.out_order_no, wechat_order_id: split.wechat_order_id, transaction_id: split.transaction_id, receiver_account: receiver?.account ?? null } };
}

export async function returnOutcome(db: Db, tenantId: string, id: string, outcome: { status: ReturnStatus; wechatReturnId?: string | undefined; error?: string | undefined }, at: Date) {
  return inTransaction(db, async (tx) => {
    const done = outcome.status === 'succeeded' || outcome.status === 'failed';
    const changed = await repo.transitionReturn(tx, tenantId, id, outcome.status, { wechat_return_id: outcome.wechatReturnId ?? null, error: outcome.error ?? null, finished_at: done ? at : null });
    const current = await repo.returnOf(tx, tenantId, id);
    if (current?.status === 'processing') await enqueue(tx, tenantId, JOBS.returnQuery, { id }, QUERY_DELAY_MS);
    return changed;
  });
}

export async function orderProfitSharing(db: Conn, tenantId: string, orderId: string) {
  await assertOrder(db, tenantId, orderId);
  const items = await repo.ordersOf(db, tenantId, orderId);
  const split = items.find((o) => o.kind === 'split');
  return { items, returns: split ? await repo.returnsOfSplit(db, tenantId, split.id) : [] };
}

export const recentProfitSharing = (db: Conn, tenantId: string, limit = 100) => repo.recent(db, tenantId, limit);
