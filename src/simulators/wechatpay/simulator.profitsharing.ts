import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { decryptSensitive } from '../../adapters/wechatpay/wechatpay.crypto.js';
import { SimError, wechatTime, type SimContext, type SimRouter, type SimulatorExtension } from './simulator.core.js';
import type { WechatpaySimMoneyTables } from './simulator.money.tables.js';
import type { WechatpaySimTables } from './simulator.tables.js';

type SimDb = Kysely<WechatpaySimTables & WechatpaySimMoneyTables>;

const RECEIVER_TYPES = new Set(['MERCHANT_ID', 'PERSONAL_OPENID', 'PERSONAL_SUB_OPENID']);
const RELATION_TYPES = new Set(['STORE_OWNER', 'STORE', 'STAFF', 'DISTRIBUTOR', 'PARTNER', 'HEADQUARTER', 'BRAND', 'USER', 'SUPPLIER', 'SERVICE_PROVIDER', 'CUSTOM']);
const OUT_NO = /^[0-9A-Za-z_|*@-]{1,64}$/;

const psOrderId = () => `3008${Date.now()}${String(randomBytes(4).readUInt32BE()).padStart(10, '0')}`.slice(0, 30);
const returnId = () => `3009${Date.now()}${String(randomBytes(4).readUInt32BE()).padStart(10, '0')}`.slice(0, 30);
/** jsonb keeps no key order: requests are compared by their canonical form. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value ?? null);
}
const sameRequest = (stored: unknown, request: unknown) => canonical(stored) === canonical(request);

const param = (message: string) => new SimError(400, 'PARAM_ERROR', message);

/**
 * What a transaction can still split: its total, less what splits and refunds took, plus what
 * returns gave back; nothing once its remainder was unfrozen.
 */
async function unsplitOf(db: SimDb, mchid: string, transactionId: string): Promise<{ transaction: { out_trade_no: string; amount_total: number; profit_sharing: boolean; trade_state: string }; unsplit: number }> {
  const transaction = await db.selectFrom('wechatpay_sim_transactions').select(['out_trade_no', 'amount_total', 'profit_sharing', 'trade_state'])
    .where('mchid', '=', mchid).where('transaction_id', '=', transactionId).executeTakeFirst();
  if (!transaction) throw new SimError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
  const { rows } = await sql<{ split: number; unfrozen: boolean; returned: number; refunded: number }>`
    SELECT coalesce((SELECT sum(amount) FROM wechatpay_sim_ps_orders WHERE mchid = ${mchid} AND transaction_id = ${transactionId}), 0)::int AS split,
           EXISTS (SELECT 1 FROM wechatpay_sim_ps_orders WHERE mchid = ${mchid} AND transaction_id = ${transactionId} AND unfreeze_unsplit) AS unfrozen,
           coalesce((SELECT sum(r.amount) FROM wechatpay_sim_ps_returns r JOIN wechatpay_sim_ps_orders o ON o.mchid = r.mchid AND o.out_order_no = r.out_order_no
                      WHERE o.mchid = ${mchid} AND o.transaction_id = ${transactionId} AND r.result <> 'FAILED'), 0)::int AS returned,
           coalesce((SELECT sum(amount_refund) FROM wechatpay_sim_refunds WHERE mchid = ${mchid} AND out_trade_no = ${transaction.out_trade_no} AND status <> 'CLOSED'), 0)::int AS refunded`.execute(db);
  const r = rows[0]!;
  return { transaction, unsplit: r.unfrozen ? 0 : Math.max(0, transaction.amount_total - r.split - r.refunded + r.returned) };
}

type OrderRow = Awaited<ReturnType<typeof orderRow>>;
const orderRow = (db: SimDb, mchid: string, outOrderNo: string) =>
  db.selectFrom('wechatpay_sim_ps_orders').selectAll().where('mchid', '=', mchid).where('out_order_no', '=', outOrderNo).executeTakeFirst();

/**
 * One split or unfreeze per out_order_no, whoever asks at the same time: takes the transaction's
 * lock, then answers a number already used with its stored order when the request is the same,
 * and refuses it when the parameters differ. Undefined when the number is new.
 */
async function lockAndReplay(tx: SimDb, mchid: string, transactionId: string, outOrderNo: string, request: unknown): Promise<OrderRow | undefined> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`ps:${mchid}:${transactionId}`}))`.execute(tx);
  const existing = await orderRow(tx, mchid, outOrderNo);
  if (existing && !sameRequest(existing.request, request)) throw new SimError(400, 'INVALID_REQUEST', '商户分账单号已使用，且请求参数不一致');
  return existing;
}

function orderAnswer(o: NonNullable<OrderRow>) {
  const receivers = (o.receivers as { type: string; account: string; amount: number; description: string }[]).map((r, i) => ({
    ...r, result: o.state === 'FINISHED' ? 'SUCCESS' : 'PENDING', detail_id: `${o.order_id}${String(i).padStart(2, '0')}`,
    create_time: wechatTime(o.created_at), finish_time: o.finished_at ? wechatTime(o.finished_at) : wechatTime(o.created_at),
  }));
  return { transaction_id: o.transaction_id, out_order_no: o.out_order_no, order_id: o.order_id, state: o.state, receivers };
}

/**
 * WeChat Pay's profit sharing, as the merchant sees it: receivers, splits idempotent by
 * out_order_no (the same request again answers the same order; other parameters are refused),
 * refused beyond the transaction's unsplit amount or for a transaction not made with
 * profit_sharing; PROCESSING when made, FINISHED when next asked. Returns likewise by out_return_no.
 */
export const profitSharingSimulator: SimulatorExtension = (router: SimRouter, ctx: SimContext) => {
  const db = ctx.sdb as unknown as SimDb;
  const now = () => ctx.clock.now();

  router.post('/v3/profitsharing/receivers/add', async ({ merchant, body }) => {
    const { appid, type, account, name, relation_type, custom_relation } = body ?? {};
    if (!merchant.appids.includes(appid)) throw new SimError(400, 'APPID_MCHID_NOT_MATCH', 'appid 与 mchid 不匹配');
    if (!RECEIVER_TYPES.has(type) || typeof account !== 'string' || !account || account.length > 64) throw param('type 或 account 不合法');
    if (!RELATION_TYPES.has(relation_type) || (relation_type === 'CUSTOM' && !custom_relation)) throw param('relation_type 不合法');
    let plainName: string | null = null;
    if (name !== undefined) {
      try {
        plainName = decryptSensitive(ctx.platform.privateKey, name);
      } catch {
        throw param('name 解密失败：须用微信支付平台公钥加密，并在 Wechatpay-Serial 中给出其序列号');
      }
    }
    if (type === 'MERCHANT_ID' && !plainName) throw param('商户类型接收方须填写 name');
    await db.insertInto('wechatpay_sim_ps_receivers').values({ mchid: merchant.mchid, type, account, appid, name: plainName, relation_type })
      .onConflict((oc) => oc.columns(['mchid', 'type', 'account']).doUpdateSet({ name: plainName, relation_type, appid })).execute();
    return { status: 200, body: { type, account, relation_type, ...(custom_relation ? { custom_relation } : {}) } };
  });

  router.post('/v3/profitsharing/receivers/delete', async ({ merchant, body }) => {
    const { appid, type, account } = body ?? {};
    if (!merchant.appids.includes(appid)) throw new SimError(400, 'APPID_MCHID_NOT_MATCH', 'appid 与 mchid 不匹配');
    await db.deleteFrom('wechatpay_sim_ps_receivers').where('mchid', '=', merchant.mchid).where('type', '=', type).where('account', '=', account).execute();
    return { status: 200, body: { type, account } };
  });

  router.post('/v3/profitsharing/orders', async ({ merchant, body }) => {
    const { appid, transaction_id, out_order_no, receivers, unfreeze_unsplit } = body ?? {};
    if (typeof out_order_no !== 'string' || !OUT_NO.test(out_order_no)) throw param('out_order_no 不合法');
    if (typeof transaction_id !== 'string') throw param('transaction_id 缺失');
    if (typeof unfreeze_unsplit !== 'boolean') throw param('unfreeze_unsplit 缺失');
    if (!Array.isArray(receivers) || receivers.length === 0 || receivers.length > 50) throw param('receivers 须为 1 至 50 个');
    const request = { transaction_id, out_order_no, receivers: receivers.map((r: any) => ({ type: r.type, account: r.account, amount: r.amount, description: r.description })), unfreeze_unsplit };
    return db.transaction().execute(async (tx) => {
      const existing = await lockAndReplay(tx, merchant.mchid, transaction_id, out_order_no, request);
      if (existing) return { status: 200, body: orderAnswer(existing) };
      const { transaction, unsplit } = await unsplitOf(tx, merchant.mchid, transaction_id);
      if (!transaction.profit_sharing) throw new SimError(403, 'NO_AUTH', '该笔订单下单时未指定需要分账（settle_info.profit_sharing）');
      if (transaction.trade_state !== 'SUCCESS' && transaction.trade_state !== 'REFUND') throw new SimError(400, 'INVALID_REQUEST', '订单未支付成功');
      let total = 0;
      for (const r of receivers) {
        if (!Number.isInteger(r.amount) || r.amount <= 0) throw param('amount 须为正整数（分）');
        if (typeof r.description !== 'string' || !r.description || r.description.length > 80) throw param('description 须为 1 至 80 字符');
        const known = await tx.selectFrom('wechatpay_sim_ps_receivers').select('account').where('mchid', '=', merchant.mchid).where('type', '=', r.type).where('account', '=', r.account).executeTakeFirst();
        if (!known) throw new SimError(400, 'INVALID_REQUEST', `分账接收方 ${r.account} 未添加`);
        if (r.type !== 'MERCHANT_ID' && !merchant.appids.includes(appid)) throw new SimError(400, 'APPID_MCHID_NOT_MATCH', 'appid 与 mchid 不匹配');
        total += r.amount;
      }
      if (total > unsplit) throw new SimError(403, 'NOT_ENOUGH', `分账金额超出待分账金额（剩余 ${unsplit} 分）`);
      await tx.insertInto('wechatpay_sim_ps_orders').values({
        mchid: merchant.mchid, out_order_no, order_id: psOrderId(), transaction_id, kind: 'split', request: JSON.stringify(request),
        receivers: JSON.stringify(request.receivers), amount: total, unfreeze_unsplit, state: 'PROCESSING', finished_at: null,
      }).execute();
      return { status: 200, body: orderAnswer((await orderRow(tx, merchant.mchid, out_order_no))!) };
    });
  });

  // Asking is what moves a split on: PROCESSING the first time it is made, FINISHED once queried.
  router.get('/v3/profitsharing/orders/:out_order_no', async ({ merchant, params, query }) => {
    const row = await orderRow(db, merchant.mchid, params.out_order_no!);
    if (!row || (query.transaction_id && row.transaction_id !== query.transaction_id)) throw new SimError(404, 'RESOURCE_NOT_EXISTS', '记录不存在');
    if (row.state === 'PROCESSING') {
      await db.updateTable('wechatpay_sim_ps_orders').set({ state: 'FINISHED', finished_at: now() })
        .where('mchid', '=', merchant.mchid).where('out_order_no', '=', row.out_order_no).where('state', '=', 'PROCESSING').execute();
    }
    return { status: 200, body: orderAnswer((await orderRow(db, merchant.mchid, row.out_order_no))!) };
  });

  router.post('/v3/profitsharing/orders/unfreeze', async ({ merchant, body }) => {
    const { transaction_id, out_order_no, description } = body ?? {};
    if (typeof out_order_no !== 'string' || !OUT_NO.test(out_order_no) || typeof transaction_id !== 'string' || !description) throw param('参数不完整');
    const request = { transaction_id, out_order_no, description, unfreeze: true };
    return db.transaction().execute(async (tx) => {
      const existing = await lockAndReplay(tx, merchant.mchid, transaction_id, out_order_no, request);
      if (existing) return { status: 200, body: orderAnswer(existing) };
      const { transaction } = await unsplitOf(tx, merchant.mchid, transaction_id);
      if (!transaction.profit_sharing) throw new SimError(403, 'NO_AUTH', '该笔订单下单时未指定需要分账');
      await tx.insertInto('wechatpay_sim_ps_orders').values({
        mchid: merchant.mchid, out_order_no, order_id: psOrderId(), transaction_id, kind: 'unfreeze', request: JSON.stringify(request),
        receivers: JSON.stringify([]), amount: 0, unfreeze_unsplit: true, state: 'PROCESSING', finished_at: null,
      }).execute();
      return { status: 200, body: orderAnswer((await orderRow(tx, merchant.mchid, out_order_no))!) };
    });
  });

  router.get('/v3/profitsharing/transactions/:transaction_id/amounts', async ({ merchant, params }) => {
    const { unsplit } = await unsplitOf(db, merchant.mchid, params.transaction_id!);
    return { status: 200, body: { transaction_id: params.transaction_id, unsplit_amount: unsplit } };
  });

  const returnAnswer = (r: { out_order_no: string; out_return_no: string; return_id: string; amount: number; request: unknown; result: string; created_at: Date; finished_at: Date | null }, orderId: string, mchid: string) => ({
    order_id: orderId, out_order_no: r.out_order_no, out_return_no: r.out_return_no, return_id: r.return_id, return_mchid: mchid,
    amount: r.amount, description: (r.request as { description?: string }).description ?? '', result: r.result,
    create_time: wechatTime(r.created_at), ...(r.finished_at ? { finish_time: wechatTime(r.finished_at) } : {}),
  });

  router.post('/v3/profitsharing/return-orders', async ({ merchant, body }) => {
    const { out_order_no, out_return_no, return_mchid, amount, description } = body ?? {};
    if (typeof out_return_no !== 'string' || !OUT_NO.test(out_return_no) || typeof out_order_no !== 'string') throw param('out_return_no / out_order_no 不合法');
    if (!Number.isInteger(amount) || amount <= 0 || !description) throw param('amount / description 不合法');
    const request = { out_order_no, out_return_no, return_mchid, amount, description };
    return db.transaction().execute(async (tx) => {
      const order = await orderRow(tx, merchant.mchid, out_order_no);
      if (!order || order.kind !== 'split') throw new SimError(404, 'RESOURCE_NOT_EXISTS', '分账单不存在');
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`ps:${merchant.mchid}:${order.transaction_id}`}))`.execute(tx);
      const existing = await tx.selectFrom('wechatpay_sim_ps_returns').selectAll().where('mchid', '=', merchant.mchid).where('out_return_no', '=', out_return_no).executeTakeFirst();
      if (existing) {
        if (!sameRequest(existing.request, request)) throw new SimError(400, 'INVALID_REQUEST', '商户回退单号已使用，且请求参数不一致');
        return { status: 200, body: returnAnswer(existing, order.order_id, merchant.mchid) };
      }
      const { rows } = await sql<{ returned: number }>`SELECT coalesce(sum(amount), 0)::int AS returned FROM wechatpay_sim_ps_returns
        WHERE mchid = ${merchant.mchid} AND out_order_no = ${out_order_no} AND result <> 'FAILED'`.execute(tx);
      if (amount > order.amount - rows[0]!.returned) throw new SimError(403, 'NOT_ENOUGH', '回退金额超出可回退金额');
      await tx.insertInto('wechatpay_sim_ps_returns').values({
        mchid: merchant.mchid, out_return_no, out_order_no, return_id: returnId(), amount, request: JSON.stringify(request), result: 'PROCESSING', finished_at: null,
      }).execute();
      const row = (await tx.selectFrom('wechatpay_sim_ps_returns').selectAll().where('mchid', '=', merchant.mchid).where('out_return_no', '=', out_return_no).executeTakeFirst())!;
      return { status: 200, body: returnAnswer(row, order.order_id, merchant.mchid) };
    });
  });

  router.get('/v3/profitsharing/return-orders/:out_return_no', async ({ merchant, params, query }) => {
    const row = await db.selectFrom('wechatpay_sim_ps_returns').selectAll().where('mchid', '=', merchant.mchid).where('out_return_no', '=', params.out_return_no!).executeTakeFirst();
    if (!row || (query.out_order_no && row.out_order_no !== query.out_order_no)) throw new SimError(404, 'RESOURCE_NOT_EXISTS', '记录不存在');
    if (row.result === 'PROCESSING') {
      await db.updateTable('wechatpay_sim_ps_returns').set({ result: 'SUCCESS', finished_at: now() }).where('mchid', '=', merchant.mchid).where('out_return_no', '=', row.out_return_no).where('result', '=', 'PROCESSING').execute();
    }
    const fresh = (await db.selectFrom('wechatpay_sim_ps_returns').selectAll().where('mchid', '=', merchant.mchid).where('out_return_no', '=', row.out_return_no).executeTakeFirst())!;
    const order = (await orderRow(db, merchant.mchid, row.out_order_no))!;
    return { status: 200, body: returnAnswer(fresh, order.order_id, merchant.mchid) };
  });
};
