import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import { formatFundBill, formatTradeBill, sha1Hex, type FundBillRow, type TradeBillRow } from '../../adapters/wechatpay/wechatpay.bill.js';
import { parseAuthorization, requestMessage, rsaVerify, WECHATPAY_WINDOW_SECONDS } from '../../adapters/wechatpay/wechatpay.crypto.js';
import type { Db } from '../../platform/db/database.js';
import { SIMULATOR_PREFIX, SimError, simIds, type SimContext, type SimRouter, type SimulatorExtension } from './simulator.core.js';
import type { WechatpaySimMoneyTables } from './simulator.money.tables.js';
import type { WechatpaySimTables } from './simulator.tables.js';

type SimDb = Kysely<WechatpaySimTables & WechatpaySimMoneyTables>;

/** "2026-11-30 10:00:00", Beijing time, as bills write times. */
const billTime = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

/** WeChat's fee at 0.6%, in yuan with five decimals ("0.06000"), computed in integers. */
function feeYuan(fen: number): string {
  const hundredThousandths = fen * 6;
  return `${Math.floor(hundredThousandths / 100_000)}.${String(hundredThousandths % 100_000).padStart(5, '0')}`;
}

function dayBounds(date: string): { from: Date; to: Date } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new SimError(400, 'PARAM_ERROR', 'bill_date 格式须为 yyyy-MM-DD');
  const from = new Date(`${date}T00:00:00+08:00`);
  if (Number.isNaN(from.getTime())) throw new SimError(400, 'PARAM_ERROR', 'bill_date 不合法');
  return { from, to: new Date(from.getTime() + 86_400_000) };
}

/** The trade bill of one Beijing day, built from the simulator's own transactions and refunds, with any tweaks tests asked for. */
async function tradeRows(db: SimDb, mchid: string, date: string): Promise<TradeBillRow[]> {
  const { from, to } = dayBounds(date);
  const transactions = await db.selectFrom('wechatpay_sim_transactions').selectAll().where('mchid', '=', mchid)
    .where('trade_state', 'in', ['SUCCESS', 'REFUND']).where('success_time', '>=', from).where('success_time', '<', to).orderBy('success_time').execute();
  const refunds = await db.selectFrom('wechatpay_sim_refunds as r').innerJoin('wechatpay_sim_transactions as t', (j) => j.onRef('t.mchid', '=', 'r.mchid').onRef('t.out_trade_no', '=', 'r.out_trade_no'))
    .select(['r.out_refund_no', 'r.refund_id', 'r.amount_refund', 'r.status', 'r.success_time as refund_time', 'r.created_at as refund_created', 't.out_trade_no', 't.transaction_id', 't.appid', 't.payer_openid', 't.description', 't.amount_total'])
    .where('r.mchid', '=', mchid).where('r.status', 'in', ['SUCCESS', 'PROCESSING', 'ABNORMAL'])
    .where((eb) => eb.and([eb(eb.fn.coalesce('r.success_time', 'r.created_at'), '>=', from), eb(eb.fn.coalesce('r.success_time', 'r.created_at'), '<', to)]))
    .orderBy('r.created_at').execute();
  const base = { mchid, bankType: 'OTHERS', currency: 'CNY', tradeType: 'JSAPI', couponFen: 0, rechargeRefundFen: 0, attach: '', feeRate: '0.60%' };
  let rows: TradeBillRow[] = [
    ...transactions.map((t) => ({
      ...base, time: billTime(t.success_time!), appid: t.appid, transactionId: t.transaction_id, outTradeNo: t.out_trade_no, openid: t.payer_openid,
      tradeState: 'SUCCESS', settlementFen: t.amount_total, refundId: '', outRefundNo: '', refundFen: 0, refundType: '', refundStatus: '',
      description: t.description, feeYuan: feeYuan(t.amount_total), totalFen: t.amount_total, requestedRefundFen: 0,
    })),
    ...refunds.map((r) => ({
      ...base, time: billTime(r.refund_time ?? r.refund_created), appid: r.appid, transactionId: r.transaction_id, outTradeNo: r.out_trade_no, openid: r.payer_openid,
      tradeState: 'REFUND', settlementFen: 0, refundId: r.refund_id, outRefundNo: r.out_refund_no, refundFen: r.status === 'SUCCESS' ? r.amount_refund : 0,
      refundType: 'ORIGINAL', refundStatus: r.status, description: r.description, feeYuan: `-${feeYuan(r.amount_refund)}`, totalFen: 0, requestedRefundFen: r.amount_refund,
    })),
  ];
  const tweaks = await db.selectFrom('wechatpay_sim_bill_tweaks').selectAll().where('mchid', '=', mchid).where('bill_date', '=', date).orderBy('seq').execute();
  for (const t of tweaks) {
    if (t.kind === 'drop') rows = rows.filter((r) => r.outTradeNo !== t.out_trade_no || r.tradeState !== 'SUCCESS');
    if (t.kind === 'amount') rows = rows.map((r) => (r.outTradeNo === t.out_trade_no && r.tradeState === 'SUCCESS' ? { ...r, totalFen: t.amount!, settlementFen: t.amount!, feeYuan: feeYuan(t.amount!) } : r));
    if (t.kind === 'extra') {
      rows.push({
        ...base, time: `${date} 12:00:00`, appid: transactions[0]?.appid ?? 'wx0000000000000000', transactionId: simIds.transaction(), outTradeNo: t.out_trade_no!, openid: 'o_sim_unknown_payer',
        tradeState: 'SUCCESS', settlementFen: t.amount!, refundId: '', outRefundNo: '', refundFen: 0, refundType: '', refundStatus: '',
        description: '', feeYuan: feeYuan(t.amount!), totalFen: t.amount!, requestedRefundFen: 0,
      });
    }
  }
  return rows;
}

async function fundRows(db: SimDb, mchid: string, date: string): Promise<FundBillRow[]> {
  const { from, to } = dayBounds(date);
  const trade = await tradeRows(db, mchid, date);
  const splits = await db.selectFrom('wechatpay_sim_ps_orders').selectAll().where('mchid', '=', mchid).where('kind', '=', 'split')
    .where('created_at', '>=', from).where('created_at', '<', to).execute();
  const entries: Omit<FundBillRow, 'balanceFen'>[] = [
    ...trade.filter((r) => r.tradeState === 'SUCCESS').map((r) => ({ time: r.time, transactionId: r.transactionId, flowId: `F${r.transactionId}`, name: '交易', type: '交易', direction: '收入', amountFen: r.totalFen, applicant: 'system', note: '', voucher: r.outTradeNo })),
    ...trade.filter((r) => r.tradeState === 'REFUND' && r.refundStatus === 'SUCCESS').map((r) => ({ time: r.time, transactionId: r.refundId, flowId: `F${r.refundId}`, name: '退款', type: '退款', direction: '支出', amountFen: r.refundFen, applicant: mchid, note: '', voucher: r.outRefundNo })),
    ...splits.map((s) => ({ time: billTime(s.created_at), transactionId: s.order_id, flowId: `F${s.order_id}`, name: '分账', type: '分账', direction: '支出', amountFen: s.amount, applicant: mchid, note: '', voucher: s.out_order_no })),
  ];
  let balance = 0;
  return entries.map((e) => {
    balance += e.direction === '收入' ? e.amountFen : -e.amountFen;
    return { ...e, balanceFen: balance };
  });
}

/** Stores a bill file and answers the application: its SHA1 (of the bytes served) and where to get it. */
async function publish(db: SimDb, selfUrl: () => string, mchid: string, date: string, text: string, gzip: boolean) {
  let content = gzip ? gzipSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8');
  const hash = sha1Hex(content);
  const corrupt = await db.selectFrom('wechatpay_sim_bill_tweaks').select('seq').where('mchid', '=', mchid).where('bill_date', '=', date).where('kind', '=', 'corrupt').executeTakeFirst();
  // A file altered on its way: the hash given is of the true bill, the bytes served are not.
  if (corrupt) content = Buffer.concat([content, Buffer.from('\n`tampered', 'utf8')]);
  const token = randomBytes(16).toString('hex');
  await db.insertInto('wechatpay_sim_bill_files').values({ token, mchid, content }).execute();
  return { status: 200, body: { hash_type: 'SHA1', hash_value: hash, download_url: `${selfUrl()}${SIMULATOR_PREFIX}/v3/billdownload/file?token=${token}` } };
}

/**
 * WeChat Pay's bills in the simulator: applying for the trade and fund-flow bill of a day answers
 * `{hash_type, hash_value, download_url}`; the download (a signed GET, its answer unsigned) serves
 * the CSV, gzipped when asked. A day without transactions has no bill (NO_STATEMENT_EXIST).
 */
export function billsSimulator(selfUrl: () => string): SimulatorExtension {
  return (router: SimRouter, ctx: SimContext, app) => {
    const db = ctx.sdb as unknown as SimDb;
    router.get('/v3/bill/tradebill', async ({ merchant, query }) => {
      if (query.bill_type && !['ALL', 'SUCCESS', 'REFUND'].includes(query.bill_type)) throw new SimError(400, 'PARAM_ERROR', 'bill_type 不合法');
      let rows = await tradeRows(db, merchant.mchid, query.bill_date ?? '');
      if (query.bill_type === 'SUCCESS') rows = rows.filter((r) => r.tradeState === 'SUCCESS');
      if (query.bill_type === 'REFUND') rows = rows.filter((r) => r.tradeState === 'REFUND');
      if (rows.length === 0) throw new SimError(400, 'NO_STATEMENT_EXIST', '账单文件不存在');
      return publish(db, selfUrl, merchant.mchid, query.bill_date!, formatTradeBill(rows), query.tar_type === 'GZIP');
    });

    router.get('/v3/bill/fundflowbill', async ({ merchant, query }) => {
      if (query.account_type && !['BASIC', 'OPERATION', 'FEES'].includes(query.account_type)) throw new SimError(400, 'PARAM_ERROR', 'account_type 不合法');
      const rows = await fundRows(db, merchant.mchid, query.bill_date ?? '');
      if (rows.length === 0) throw new SimError(400, 'NO_STATEMENT_EXIST', '账单文件不存在');
      return publish(db, selfUrl, merchant.mchid, query.bill_date!, formatFundBill(rows), query.tar_type === 'GZIP');
    });

    // The download is signed by the merchant like any request, but WeChat does not sign the file.
    app.get('/v3/billdownload/file', { schema: { hide: true } }, async (req, reply) => {
      const auth = parseAuthorization(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
      const merchant = auth && await ctx.merchantOf(auth.mchid);
      const fresh = auth && Math.abs(ctx.clock.now().getTime() / 1000 - Number(auth.timestamp)) <= WECHATPAY_WINDOW_SECONDS;
      if (!auth || !merchant || !fresh || !rsaVerify(merchant.publicKey, requestMessage({ method: 'GET', url: req.url, timestamp: auth.timestamp, nonce: auth.nonce_str, body: '' }), auth.signature)) {
        return reply.status(401).type('application/json').send(JSON.stringify({ code: 'SIGN_ERROR', message: '签名错误' }));
      }
      const token = (req.query as Record<string, string>).token ?? '';
      const file = await db.selectFrom('wechatpay_sim_bill_files').select(['content', 'mchid']).where('token', '=', token).executeTakeFirst();
      if (!file || file.mchid !== merchant.mchid) return reply.status(404).type('application/json').send(JSON.stringify({ code: 'RESOURCE_NOT_EXISTS', message: '账单不存在' }));
      return reply.status(200).type('application/octet-stream').send(file.content);
    });
  };
}

/** What a test (or the demo) asks the simulator's next bills of a day to get wrong. */
export type BillTweak = { kind: 'drop'; out_trade_no: string } | { kind: 'amount'; out_trade_no: string; amount: number } | { kind: 'extra'; out_trade_no: string; amount: number } | { kind: 'corrupt' };

export async function tweakSimulatorBill(db: Db<any>, mchid: string, billDate: string, tweak: BillTweak): Promise<void> {
  await (db as unknown as SimDb).insertInto('wechatpay_sim_bill_tweaks').values({
    mchid, bill_date: billDate, kind: tweak.kind, out_trade_no: 'out_trade_no' in tweak ? tweak.out_trade_no : null, amount: 'amount' in tweak ? tweak.amount : null,
  }).execute();
}
