import { sql } from 'kysely';
import { z } from 'zod';
import { enqueue, type JobHandler } from '../../platform/jobs/outbox.js';
import { verifyPaySign } from '../../adapters/wechatpay/wechatpay.crypto.js';
import { SIMULATOR_PREFIX, SimError, simIds, wechatTime, type SimContext, type SimulatorExtension } from './simulator.core.js';
import { queueNotification } from './simulator.notify.js';
import type { WechatpaySimTransactionsTable } from './simulator.tables.js';
import type { Selectable } from 'kysely';

export const SIM_REFUND_JOB = 'wechatpay.sim.refund';
/** How long the simulator takes to settle a refund, before time_scale. */
const REFUND_SETTLE_MS = 2_000;

const prepayBody = z.object({
  appid: z.string().min(1).max(32),
  mchid: z.string().min(1).max(32),
  description: z.string().min(1).max(127),
  out_trade_no: z.string().min(6).max(32).regex(/^[0-9A-Za-z_\-|*]+$/),
  time_expire: z.string().optional(),
  attach: z.string().max(128).optional(),
  notify_url: z.string().url().max(256),
  amount: z.object({ total: z.number().int().min(1), currency: z.literal('CNY').optional() }),
  payer: z.object({ openid: z.string().min(1).max(128) }),
  settle_info: z.object({ profit_sharing: z.boolean().optional() }).optional(),
}).passthrough();

const refundBody = z.object({
  transaction_id: z.string().optional(),
  out_trade_no: z.string().optional(),
  out_refund_no: z.string().min(1).max(64),
  reason: z.string().max(80).optional(),
  notify_url: z.string().url().max(256).optional(),
  amount: z.object({ refund: z.number().int().min(1), total: z.number().int().min(1), currency: z.literal('CNY') }),
}).passthrough();

const paramError = (issues: z.ZodError) => new SimError(400, 'PARAM_ERROR', `参数错误: ${issues.issues.map((i) => i.path.join('.')).join(', ')}`);

/** Canonical text of a prepay request, for "the same out_trade_no with the same parameters". */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

type Tx = Selectable<WechatpaySimTransactionsTable>;

export function transactionView(t: Tx, now: Date) {
  const expired = t.trade_state === 'NOTPAY' && t.time_expire !== null && t.time_expire < now;
  const state = expired ? 'CLOSED' : t.trade_state;
  const paid = t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND';
  return {
    appid: t.appid, mchid: t.mchid, out_trade_no: t.out_trade_no,
    ...(paid ? { transaction_id: t.transaction_id, bank_type: 'OTHERS', success_time: wechatTime(t.success_time!) } : {}),
    trade_type: 'JSAPI', trade_state: state,
    trade_state_desc: { NOTPAY: '未支付', SUCCESS: '支付成功', CLOSED: '已关闭', REFUND: '转入退款', PAYERROR: '支付失败' }[state],
    attach: '',
    payer: { openid: t.payer_openid },
    amount: { total: t.amount_total, currency: 'CNY', ...(paid ? { payer_total: t.amount_total, payer_currency: 'CNY' } : {}) },
  };
}

function refundView(r: { refund_id: string; out_refund_no: string; out_trade_no: string; amount_refund: number; status: string; success_time: Date | null; created_at: Date }, t: Tx) {
  return {
    refund_id: r.refund_id, out_refund_no: r.out_refund_no, transaction_id: t.transaction_id, out_trade_no: r.out_trade_no,
    channel: 'ORIGINAL', user_received_account: '支付用户零钱', create_time: wechatTime(r.created_at),
    ...(r.success_time ? { success_time: wechatTime(r.success_time) } : {}),
    status: r.status, funds_account: 'AVAILABLE',
    amount: { total: t.amount_total, refund: r.amount_refund, payer_total: t.amount_total, payer_refund: r.amount_refund, settlement_refund: r.amount_refund, settlement_total: t.amount_total, discount_refund: 0, currency: 'CNY' },
  };
}

async function transactionOf(ctx: SimContext, mchid: string, outTradeNo: string) {
  const t = await ctx.sdb.selectFrom('wechatpay_sim_transactions').selectAll().where('mchid', '=', mchid).where('out_trade_no', '=', outTradeNo).executeTakeFirst();
  if (!t) throw new SimError(404, 'ORDER_NOT_EXIST', '订单不存在');
  return t;
}

/** The transaction resource a notification carries (decrypted form). */
export function transactionResource(t: Tx) {
  return transactionView(t, new Date(0));
}

/** Marks a transaction paid and queues its TRANSACTION.SUCCESS notification, once. */
export async function payTransaction(ctx: SimContext, tenantId: string, prepayId: string, mode?: 'normal' | 'duplicate' | 'drop') {
  return ctx.sdb.transaction().execute(async (trx) => {
    const t = await trx.selectFrom('wechatpay_sim_transactions').selectAll().where('prepay_id', '=', prepayId).forUpdate().executeTakeFirst();
    if (!t) throw new SimError(404, 'ORDER_NOT_EXIST', '订单不存在');
    if (t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND') return { already: true, transaction: t };
    if (t.trade_state !== 'NOTPAY' || (t.time_expire && t.time_expire < ctx.clock.now())) throw new SimError(400, 'ORDER_CLOSED', '订单已关闭');
    const paid = await trx.updateTable('wechatpay_sim_transactions').set({ trade_state: 'SUCCESS', success_time: ctx.clock.now() })
      .where('mchid', '=', t.mchid).where('out_trade_no', '=', t.out_trade_no).returningAll().executeTakeFirstOrThrow();
    await queueNotification(trx, tenantId, { ...ctx, sdb: trx }, {
      mchid: t.mchid, notify_url: t.notify_url, event_type: 'TRANSACTION.SUCCESS', original_type: 'transaction', summary: '支付成功', resource: transactionResource(paid),
    }, mode);
    return { already: false, transaction: paid };
  });
}

const sheetForm = z.object({
  appId: z.string(), timeStamp: z.string(), nonceStr: z.string(), package: z.string().regex(/^prepay_id=/), signType: z.literal('RSA').optional(), paySign: z.string(),
  return_to: z.string().regex(/^\/[^/\\]/).max(512).optional(),
  notify: z.enum(['normal', 'duplicate', 'drop']).optional(),
});

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const yuan = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** Pay, query, close, refund and query refund, and the pay sheet standing in for WeChat's payment dialog. */
export const payRoutes: SimulatorExtension = (router, ctx, app) => {
  router.post('/v3/pay/transactions/jsapi', async ({ merchant, body }) => {
    const parsed = prepayBody.safeParse(body);
    if (!parsed.success) throw paramError(parsed.error);
    const p = parsed.data;
    if (p.mchid !== merchant.mchid) throw new SimError(400, 'MCH_NOT_EXISTS', 'mchid 与请求签名的商户号不一致');
    if (!merchant.appids.includes(p.appid)) throw new SimError(400, 'APPID_MCHID_NOT_MATCH', 'appid 和 mch_id 不匹配');
    let timeExpire: Date | null = null;
    if (p.time_expire !== undefined) {
      timeExpire = new Date(p.time_expire);
      if (Number.isNaN(timeExpire.getTime()) || !/[+-]\d\d:\d\d$/.test(p.time_expire)) throw new SimError(400, 'PARAM_ERROR', 'time_expire 格式错误 (RFC 3339)');
    }
    const request = canonical(body);
    const existing = await ctx.sdb.selectFrom('wechatpay_sim_transactions').selectAll().where('mchid', '=', p.mchid).where('out_trade_no', '=', p.out_trade_no).executeTakeFirst();
    if (existing) {
      if (existing.trade_state === 'SUCCESS' || existing.trade_state === 'REFUND') throw new SimError(400, 'ORDERPAID', '该订单已支付');
      if (existing.trade_state === 'CLOSED') throw new SimError(400, 'ORDER_CLOSED', '订单已关闭');
      if (canonical(existing.request) !== request) throw new SimError(400, 'OUT_TRADE_NO_USED', '商户订单号重复');
      return { status: 200, body: { prepay_id: existing.prepay_id } };
    }
    const prepayId = simIds.prepay();
    const inserted = await ctx.sdb.insertInto('wechatpay_sim_transactions').values({
      mchid: p.mchid, out_trade_no: p.out_trade_no, appid: p.appid, prepay_id: prepayId, transaction_id: simIds.transaction(),
      description: p.description, amount_total: p.amount.total, payer_openid: p.payer.openid, notify_url: p.notify_url,
      time_expire: timeExpire, profit_sharing: p.settle_info?.profit_sharing ?? false, request: sql`${request}::jsonb` as never,
    }).onConflict((oc) => oc.columns(['mchid', 'out_trade_no']).doNothing()).returning('prepay_id').executeTakeFirst();
    if (!inserted) throw new SimError(429, 'FREQUENCY_LIMITED', '频率超限，请稍后重试');
    return { status: 200, body: { prepay_id: prepayId } };
  });

  router.get('/v3/pay/transactions/out-trade-no/:out_trade_no', async ({ merchant, params, query }) => {
    if (query.mchid !== merchant.mchid) throw new SimError(400, 'PARAM_ERROR', 'mchid 参数错误');
    const t = await transactionOf(ctx, merchant.mchid, params.out_trade_no!);
    return { status: 200, body: transactionView(t, ctx.clock.now()) };
  });

  router.post('/v3/pay/transactions/out-trade-no/:out_trade_no/close', async ({ merchant, params, body }) => {
    if (body?.mchid !== merchant.mchid) throw new SimError(400, 'PARAM_ERROR', 'mchid 参数错误');
    const t = await transactionOf(ctx, merchant.mchid, params.out_trade_no!);
    if (t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND') throw new SimError(400, 'ORDERPAID', '订单已支付');
    await ctx.sdb.updateTable('wechatpay_sim_transactions').set({ trade_state: 'CLOSED' })
      .where('mchid', '=', t.mchid).where('out_trade_no', '=', t.out_trade_no).where('trade_state', '=', 'NOTPAY').execute();
    return { status: 204 };
  });

  router.post('/v3/refund/domestic/refunds', async ({ merchant, body }) => {
    const parsed = refundBody.safeParse(body);
    if (!parsed.success) throw paramError(parsed.error);
    const r = parsed.data;
    if (!r.out_trade_no && !r.transaction_id) throw new SimError(400, 'PARAM_ERROR', 'out_trade_no 与 transaction_id 必填其一');
    return ctx.sdb.transaction().execute(async (trx) => {
      const t = await trx.selectFrom('wechatpay_sim_transactions').selectAll().where('mchid', '=', merchant.mchid)
        .where(r.out_trade_no ? 'out_trade_no' : 'transaction_id', '=', (r.out_trade_no ?? r.transaction_id)!).forUpdate().executeTakeFirst();
      if (!t) throw new SimError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
      const prior = await trx.selectFrom('wechatpay_sim_refunds').selectAll().where('mchid', '=', merchant.mchid).where('out_refund_no', '=', r.out_refund_no).executeTakeFirst();
      if (prior) {
        if (prior.out_trade_no !== t.out_trade_no || prior.amount_refund !== r.amount.refund) throw new SimError(400, 'INVALID_REQUEST', '商户退款单号已被另一笔退款使用');
        return { status: 200, body: refundView(prior, t) };
      }
      if (t.trade_state !== 'SUCCESS' && t.trade_state !== 'REFUND') throw new SimError(400, 'INVALID_REQUEST', '订单未支付，不能退款');
      if (r.amount.total !== t.amount_total) throw new SimError(400, 'PARAM_ERROR', '订单金额与原订单不一致');
      const { refunded } = await trx.selectFrom('wechatpay_sim_refunds').select(sql<number>`coalesce(sum(amount_refund), 0)::int`.as('refunded'))
        .where('mchid', '=', merchant.mchid).where('out_trade_no', '=', t.out_trade_no).where('status', '<>', 'CLOSED').executeTakeFirstOrThrow();
      if (refunded + r.amount.refund > t.amount_total) throw new SimError(403, 'NOT_ENOUGH', '可退金额不足');
      const row = await trx.insertInto('wechatpay_sim_refunds').values({
        mchid: merchant.mchid, out_refund_no: r.out_refund_no, out_trade_no: t.out_trade_no, refund_id: simIds.refund(),
        amount_refund: r.amount.refund, notify_url: r.notify_url ?? t.notify_url, success_time: null,
      }).returningAll().executeTakeFirstOrThrow();
      await trx.updateTable('wechatpay_sim_transactions').set({ trade_state: 'REFUND' }).where('mchid', '=', t.mchid).where('out_trade_no', '=', t.out_trade_no).execute();
      const { time_scale } = await ctx.settingsOf(merchant.mchid);
      await enqueue(trx, merchant.tenantId, SIM_REFUND_JOB, { mchid: merchant.mchid, out_refund_no: r.out_refund_no }, Math.ceil(REFUND_SETTLE_MS / time_scale));
      return { status: 200, body: refundView(row, t) };
    });
  });

  router.get('/v3/refund/domestic/refunds/:out_refund_no', async ({ merchant, params }) => {
    const r = await ctx.sdb.selectFrom('wechatpay_sim_refunds').selectAll().where('mchid', '=', merchant.mchid).where('out_refund_no', '=', params.out_refund_no!).executeTakeFirst();
    if (!r) throw new SimError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    return { status: 200, body: refundView(r, await transactionOf(ctx, merchant.mchid, r.out_trade_no)) };
  });

  // The pay sheet: what WeixinJSBridge's payment dialog does, as a page. The buyer's client opens it
  // with the pay parameters; paySign is checked with the merchant's key, then the buyer confirms.
  const sheetOf = async (form: z.infer<typeof sheetForm>) => {
    const prepayId = form.package.slice('prepay_id='.length);
    const t = await ctx.sdb.selectFrom('wechatpay_sim_transactions').selectAll().where('prepay_id', '=', prepayId).executeTakeFirst();
    if (!t || t.appid !== form.appId) throw new SimError(404, 'ORDER_NOT_EXIST', '订单不存在');
    const merchant = await ctx.merchantOf(t.mchid);
    if (!merchant || !verifyPaySign(merchant.publicKey, form)) throw new SimError(401, 'SIGN_ERROR', 'paySign 校验失败');
    return { t, merchant };
  };
  // The server's CSP allows no inline style; this page's own allows only that (and posting to itself).
  const SHEET_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  const page = (title: string, inner: string) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#ededed;margin:0;padding:24px}main{background:#fff;border-radius:12px;max-width:420px;margin:auto;padding:24px;text-align:center}
.amount{font-size:40px;font-weight:600;margin:16px 0}button{background:#07c160;color:#fff;border:0;border-radius:8px;font-size:18px;padding:12px;width:100%}select{margin:12px 0;width:100%;padding:8px}small{color:#888}</style></head><body><main>${inner}</main></body></html>`;

  app.get('/pay-sheet', { schema: { hide: true } }, async (req, reply) => {
    const form = sheetForm.safeParse(req.query);
    if (!form.success) return reply.status(400).header('content-security-policy', SHEET_CSP).type('text/html').send(page('参数错误', '<p>支付参数不完整</p>'));
    try {
      const { t } = await sheetOf(form.data);
      const hidden = Object.entries(form.data).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(String(v))}">`).join('');
      return reply.header('content-security-policy', SHEET_CSP).type('text/html').send(page('微信支付', `<p>${esc(t.description)}</p><div class="amount" data-testid="pay-sheet-amount">${yuan(t.amount_total)}</div>
<form method="post" action="${SIMULATOR_PREFIX}/pay-sheet">${hidden}<label><small>通知（沙箱）</small><select name="notify"><option value="normal">正常通知</option><option value="duplicate">重复通知</option><option value="drop">不发通知（由查询任务补单）</option></select></label>
<button type="submit" data-testid="pay-sheet-confirm">确认支付</button></form><p><small>微信支付模拟器 · 沙箱 · 商户号 ${esc(t.mchid)}</small></p>`));
    } catch (err) {
      if (err instanceof SimError) return reply.status(err.status).header('content-security-policy', SHEET_CSP).type('text/html').send(page('无法支付', `<p>${esc(err.message)}</p>`));
      throw err;
    }
  });

  app.post('/pay-sheet', { schema: { hide: true } }, async (req, reply) => {
    const form = sheetForm.safeParse(Object.fromEntries(new URLSearchParams(typeof req.body === 'string' ? req.body : '')));
    if (!form.success) return reply.status(400).header('content-security-policy', SHEET_CSP).type('text/html').send(page('参数错误', '<p>支付参数不完整</p>'));
    try {
      const { merchant } = await sheetOf(form.data);
      await payTransaction(ctx, merchant.tenantId, form.data.package.slice('prepay_id='.length), form.data.notify);
      if (form.data.return_to) return reply.redirect(form.data.return_to, 303);
      return reply.header('content-security-policy', SHEET_CSP).type('text/html').send(page('支付成功', '<div class="amount">✓</div><p data-testid="pay-sheet-done">支付成功</p>'));
    } catch (err) {
      if (err instanceof SimError) return reply.status(err.status).header('content-security-policy', SHEET_CSP).type('text/html').send(page('支付失败', `<p>${esc(err.message)}</p>`));
      throw err;
    }
  });

  // Sandbox control: how this merchant's notifications and refunds behave (no signature: sandbox only).
  const control = z.object({
    mchid: z.string().min(1), time_scale: z.number().int().min(1).max(100_000).optional(),
    notify_mode: z.enum(['normal', 'duplicate', 'drop']).optional(), refund_outcome: z.enum(['SUCCESS', 'CLOSED', 'ABNORMAL']).optional(),
  }).strict();
  app.post('/control', { schema: { hide: true } }, async (req, reply) => {
    let json: unknown;
    try { json = JSON.parse(typeof req.body === 'string' ? req.body : ''); } catch { json = undefined; }
    const parsed = control.safeParse(json);
    if (!parsed.success) return reply.status(400).send({ code: 'PARAM_ERROR', message: parsed.error.message });
    const { mchid, ...set } = parsed.data;
    const row = await ctx.sdb.insertInto('wechatpay_sim_settings').values({ mchid, ...set })
      .onConflict((oc) => oc.column('mchid').doUpdateSet(Object.keys(set).length ? set : { mchid })).returningAll().executeTakeFirstOrThrow();
    return reply.send(row);
  });
};

/** The refund job: settles a refund the way the merchant's setting says, and notifies. */
export function simRefundJob(ctx: SimContext): JobHandler<any> {
  return async (_db, job) => {
    const { mchid, out_refund_no } = job.payload as { mchid: string; out_refund_no: string };
    const { refund_outcome } = await ctx.settingsOf(mchid);
    await ctx.sdb.transaction().execute(async (trx) => {
      const r = await trx.updateTable('wechatpay_sim_refunds').set({ status: refund_outcome, success_time: refund_outcome === 'SUCCESS' ? ctx.clock.now() : null })
        .where('mchid', '=', mchid).where('out_refund_no', '=', out_refund_no).where('status', '=', 'PROCESSING').returningAll().executeTakeFirst();
      if (!r) return;
      const t = await trx.selectFrom('wechatpay_sim_transactions').selectAll().where('mchid', '=', mchid).where('out_trade_no', '=', r.out_trade_no).executeTakeFirstOrThrow();
      await queueNotification(trx, job.tenant_id, { ...ctx, sdb: trx }, {
        mchid, notify_url: r.notify_url ?? t.notify_url, event_type: `REFUND.${refund_outcome}`, original_type: 'refund',
        summary: { SUCCESS: '退款成功', CLOSED: '退款关闭', ABNORMAL: '退款异常' }[refund_outcome],
        resource: {
          mchid, out_trade_no: r.out_trade_no, transaction_id: t.transaction_id, out_refund_no: r.out_refund_no, refund_id: r.refund_id,
          refund_status: refund_outcome, ...(r.success_time ? { success_time: wechatTime(r.success_time) } : {}), user_received_account: '支付用户零钱',
          amount: { total: t.amount_total, refund: r.amount_refund, payer_total: t.amount_total, payer_refund: r.amount_refund },
        },
      });
    });
  };
}
