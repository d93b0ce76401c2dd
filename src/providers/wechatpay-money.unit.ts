import type { Database, Db } from '../database.js';
import type { Clock } from '../platform/clock.js';
import type { App } from '../platform/http/server.js';
import type { JobHandler } from '../platform/jobs/outbox.js';
import type { CronWork } from '../platform/jobs/runner.js';
import { WechatpayApiError, fetchTransport, type WechatpayTransport } from '../adapters/wechatpay/wechatpay.client.js';
import { BillHashMismatchError, type TradeBill, type FundBill } from '../adapters/wechatpay/wechatpay.bill.js';
import { fetchBinary, fetchFundBill, fetchTradeBill, type BinaryTransport } from '../adapters/wechatpay/wechatpay.bills.js';
import * as ps from '../adapters/wechatpay/wechatpay.profitsharing.js';
import type { MerchantLoader, WechatpayMerchant } from '../modules/payments/wechatpay-merchant.service.js';
import {
  RECONCILE_WECHATPAY_JOB, enqueueDailyReconciliations, recordFailedReconciliation, recordReconciliation, type StatementEntry,
} from '../modules/reconciliation/reconciliation.service.js';
import { reconciliationError } from '../modules/reconciliation/reconciliation.errors.js';
import {
  JOBS, PROVIDER, orderOutcome, orderToSend, receiverOutcome, receiverToSend, returnOutcome, returnToSend,
} from '../modules/profit-sharing/profit-sharing.service.js';
import { billsSimulator } from '../simulators/wechatpay/simulator.bills.js';
import { profitSharingSimulator } from '../simulators/wechatpay/simulator.profitsharing.js';
import type { SimulatorExtension } from '../simulators/wechatpay/simulator.core.js';

/** How the unit's calls leave: fetch by default; tests and the CLI pass the server's inject. */
export interface MoneyTransports { json?: WechatpayTransport | undefined; binary?: BinaryTransport | undefined }

export interface WechatpayMoneyDeps {
  db: Db;
  clock: Clock;
  secretKey: string;
  merchants: MerchantLoader;
  transports: () => MoneyTransports;
  log: () => Pick<App['log'], 'warn' | 'error' | 'info'>;
}

/** WeChat Pay's answer refuses the request for good (retrying the same call cannot help). */
const refusedForGood = (err: unknown): err is WechatpayApiError =>
  err instanceof WechatpayApiError && err.status >= 400 && err.status < 500 && err.status !== 429 && err.code !== 'FREQUENCY_LIMITED' && err.code !== 'SYSTEM_ERROR';
const reason = (err: WechatpayApiError) => `${err.code}: ${err.message}`.slice(0, 500);

/** A trade bill in our vocabulary: payments by out_trade_no (our payment id), refunds by out_refund_no (our refund id). */
export function statementOf(bill: TradeBill): StatementEntry[] {
  return bill.rows.map((r): StatementEntry => {
    if (r.tradeState === 'REFUND') {
      const status = r.refundStatus === 'SUCCESS' ? 'succeeded' : r.refundStatus === 'PROCESSING' || r.refundStatus === 'ABNORMAL' ? 'pending' : 'failed';
      return { entry: 'refund', reference: r.outRefundNo, providerRef: r.refundId || null, amount: r.requestedRefundFen, status, providerStatus: r.refundStatus || 'REFUND' };
    }
    return { entry: 'payment', reference: r.outTradeNo, providerRef: r.transactionId || null, amount: r.totalFen, status: r.tradeState === 'SUCCESS' ? 'succeeded' : 'failed', providerStatus: r.tradeState };
  });
}

/**
 * WeChat Pay's money after the sale, as one unit: profit-sharing jobs (receivers, splits, unfreezes,
 * returns; every call from a job, outside any transaction, with the number stored before the first
 * call), daily reconciliation against the trade and fund-flow bills, its morning cron, and the
 * simulator's routes for both (mounted by the WeChat Pay unit, sandbox only).
 */
export function wechatpayMoneyUnit(deps: WechatpayMoneyDeps) {
  const { db, clock } = deps;
  const merchantOf = async (tenantId: string): Promise<WechatpayMerchant> => {
    const m = await deps.merchants.ofTenant(db, tenantId);
    if (!m) throw reconciliationError('provider_not_configured');
    return m;
  };
  const call = () => ({ transport: deps.transports().json, now: clock.now() });

  async function reconcile(tenantId: string, date: string) {
    const merchant = await deps.merchants.ofTenant(db, tenantId);
    if (!merchant) return recordFailedReconciliation(db, tenantId, PROVIDER, date, 'provider_not_configured');
    const options = { transport: deps.transports().json, binary: deps.transports().binary, now: clock.now() };
    const orNone = async <T>(fetch: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await fetch();
      } catch (err) {
        // A day without a single transaction has no bill at all.
        if (err instanceof WechatpayApiError && err.code === 'NO_STATEMENT_EXIST') return undefined;
        throw err;
      }
    };
    let trade: TradeBill | undefined;
    let fund: FundBill | undefined;
    try {
      trade = await orNone(() => fetchTradeBill(merchant, date, options));
      fund = await orNone(() => fetchFundBill(merchant, date, options));
    } catch (err) {
      if (err instanceof BillHashMismatchError) {
        deps.log().error({ tenant_id: tenantId, bill_date: date }, 'a WeChat Pay bill did not match its hash: refused');
        return recordFailedReconciliation(db, tenantId, PROVIDER, date, 'bill_hash_mismatch');
      }
      throw err;
    }
    return recordReconciliation(db, tenantId, PROVIDER, date, {
      entries: trade ? statementOf(trade) : [],
      fund: fund ? { incomeFen: fund.summary.incomeFen, outgoingFen: fund.summary.outgoingFen } : undefined,
    });
  }

  const jobs: Record<string, JobHandler<Database>> = {
    [RECONCILE_WECHATPAY_JOB]: async (_db, job) => { await reconcile(job.tenant_id, job.payload.date); },

    [JOBS.receiverAdd]: async (_db, job) => {
      const r = await receiverToSend(db, deps.secretKey, job.tenant_id, job.payload.receiver_id);
      if (r?.status !== 'pending') return;
      const merchant = await merchantOf(job.tenant_id);
      try {
        await ps.addReceiver(merchant, { appid: merchant.appids[0]!, type: r.type, account: r.account, name: r.name, relation_type: r.relation_type, custom_relation: r.custom_relation ?? undefined }, call());
      } catch (err) {
        if (refusedForGood(err)) { await receiverOutcome(db, job.tenant_id, r.id, 'failed', reason(err)); return; }
        throw err;
      }
      await receiverOutcome(db, job.tenant_id, r.id, 'active');
    },

    [JOBS.receiverDelete]: async (_db, job) => {
      const r = await receiverToSend(db, deps.secretKey, job.tenant_id, job.payload.receiver_id);
      if (r?.status !== 'removing') return;
      const merchant = await merchantOf(job.tenant_id);
      try {
        await ps.deleteReceiver(merchant, { appid: merchant.appids[0]!, type: r.type, account: r.account }, call());
      } catch (err) {
        if (!(err instanceof WechatpayApiError && err.code === 'RESOURCE_NOT_EXISTS')) throw err;
      }
      await receiverOutcome(db, job.tenant_id, r.id, 'removed');
    },

    [JOBS.orderSubmit]: async (_db, job) => {
      const o = await orderToSend(db, job.tenant_id, job.payload.id);
      if (o?.status !== 'pending') return;
      const merchant = await merchantOf(job.tenant_id);
      let answer: ps.SplitAnswer;
      try {
        answer = o.kind === 'split'
          ? await ps.split(merchant, {
            appid: merchant.appids[0]!, transaction_id: o.transaction_id, out_order_no: o.out_order_no, unfreeze_unsplit: o.unfreeze_unsplit,
            receivers: [{ type: o.receiver!.type, account: o.receiver!.account, amount: o.amount, description: `团长佣金 ${o.order_id}`.slice(0, 80) }],
          }, call())
          : await ps.unfreeze(merchant, { transaction_id: o.transaction_id, out_order_no: o.out_order_no, description: '解冻剩余资金' }, call());
      } catch (err) {
        if (refusedForGood(err)) { await orderOutcome(db, job.tenant_id, o.id, { status: 'failed', error: reason(err) }, clock.now()); return; }
        throw err;
      }
      await orderOutcome(db, job.tenant_id, o.id, { status: answer.state === 'FINISHED' ? 'finished' : 'processing', wechatOrderId: answer.order_id, result: answer }, clock.now());
    },

    [JOBS.orderQuery]: async (_db, job) => {
      const o = await orderToSend(db, job.tenant_id, job.payload.id);
      if (o?.status !== 'processing') return;
      const answer = await ps.querySplit(await merchantOf(job.tenant_id), o.out_order_no, o.transaction_id, call());
      const closed = answer.receivers?.find((r) => r.result === 'CLOSED');
      await orderOutcome(db, job.tenant_id, o.id, {
        status: answer.state === 'FINISHED' ? (closed ? 'failed' : 'finished') : 'processing', wechatOrderId: answer.order_id, result: answer,
        error: closed ? `CLOSED: ${closed.fail_reason ?? 'unknown'}` : undefined,
      }, clock.now());
    },

    [JOBS.returnSubmit]: async (_db, job) => {
      const r = await returnToSend(db, job.tenant_id, job.payload.id);
      if (r?.status !== 'pending') return;
      let answer: ps.ReturnAnswer;
      try {
        answer = await ps.returnSplit(await merchantOf(job.tenant_id), {
          out_order_no: r.split.out_order_no, out_return_no: r.out_return_no, return_mchid: r.split.receiver_account ?? '', amount: r.amount, description: '订单退款，佣金回退',
        }, call());
      } catch (err) {
        if (refusedForGood(err)) { await returnOutcome(db, job.tenant_id, r.id, { status: 'failed', error: reason(err) }, clock.now()); return; }
        throw err;
      }
      await returnOutcome(db, job.tenant_id, r.id, { status: returnStatus(answer.result), wechatReturnId: answer.return_id, error: answer.fail_reason }, clock.now());
    },

    [JOBS.returnQuery]: async (_db, job) => {
      const r = await returnToSend(db, job.tenant_id, job.payload.id);
      if (r?.status !== 'processing') return;
      const answer = await ps.queryReturn(await merchantOf(job.tenant_id), r.out_return_no, r.split.out_order_no, call());
      await returnOutcome(db, job.tenant_id, r.id, { status: returnStatus(answer.result), wechatReturnId: answer.return_id, error: answer.fail_reason }, clock.now());
    },
  };

  // WeChat publishes the previous day's bills from about 09:00 Beijing time; 10:00 Beijing is 02:00 UTC.
  const cron: CronWork<Database>[] = [
    { name: 'reconciliation.wechatpay.daily', match: '0 2 * * *', run: (jobDb) => enqueueDailyReconciliations(jobDb, clock.now()) },
  ];

  return { jobs, cron, reconcile };
}

const returnStatus = (result: ps.ReturnResult) => (result === 'SUCCESS' ? 'succeeded' as const : result === 'FAILED' ? 'failed' as const : 'processing' as const);

/** The simulator's profit-sharing and bill routes (the WeChat Pay unit mounts them in the sandbox only). */
export const moneySimulatorExtensions = (selfUrl: () => string): SimulatorExtension[] => [profitSharingSimulator, billsSimulator(selfUrl)];

/** Calls through the server's own inject: tests, and the CLI reaching the sandbox's simulator without a listening server. */
export function injectTransports(server: App): Required<MoneyTransports> {
  const target = (url: string) => { const u = new URL(url); return u.pathname + u.search; };
  // Only the simulator is reached in-process; a merchant with a real API base still goes out.
  const local = (url: string) => new URL(url).pathname.startsWith('/simulators/');
  return {
    json: async (req) => {
      if (!local(req.url)) return fetchTransport(req);
      const res = await server.inject({ method: req.method as 'GET' | 'POST', url: target(req.url), headers: req.headers, ...(req.method === 'GET' ? {} : { payload: req.body }) });
      return { status: res.statusCode, headers: res.headers as Record<string, string>, body: res.body };
    },
    binary: async (req) => {
      if (!local(req.url)) return fetchBinary(req);
      const res = await server.inject({ method: 'GET', url: target(req.url), headers: req.headers });
      return { status: res.statusCode, headers: res.headers as Record<string, string>, body: res.rawPayload };
    },
  };
}
