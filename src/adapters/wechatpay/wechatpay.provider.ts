import { z } from 'zod';
import { paymentError } from '../../modules/payments/payments.errors.js';
import type { PaymentNotification, PaymentProvider } from '../../modules/payments/payments.provider.js';
import { WechatpayApiError, wechatpayCall, type WechatpayCaller, type WechatpayTransport } from './wechatpay.client.js';
import { decryptResource, jsapiPayParams, nonceString, verifyWechatpay, WechatpayVerificationError } from './wechatpay.crypto.js';

/** A merchant as this adapter needs it (the payments module's WechatpayMerchant). */
export interface WechatpayAdapterMerchant extends WechatpayCaller {
  tenantId: string;
  appids: string[];
  apiv3Key: string;
  profitSharing: boolean;
}

export interface WechatpayProviderDeps {
  /** `fresh`: the settings as stored now, for calls that act on them (prepay, close, refunds, query). */
  merchantOf(tenantId: string, options?: { fresh?: boolean }): Promise<WechatpayAdapterMerchant | undefined>;
  /** The buyer's openid in one of the merchant's apps. */
  payerOf(tenantId: string, customerId: string, appids: string[]): Promise<{ appid: string; openid: string } | undefined>;
  /** Where WeChat Pay posts this tenant's notifications. */
  notifyUrl(tenantId: string): string;
  /** The pay sheet standing in for WeChat's dialog, when the merchant is the sandbox's simulator. */
  paySheetUrl(merchant: WechatpayAdapterMerchant): string | null;
  now(): Date;
  transport?: WechatpayTransport | undefined;
}

const notificationBody = z.object({
  id: z.string().min(1).max(64),
  create_time: z.string(),
  event_type: z.string().max(64),
  resource_type: z.literal('encrypt-resource'),
  resource: z.object({ algorithm: z.literal('AEAD_AES_256_GCM'), ciphertext: z.string().max(65_536), nonce: z.string().max(64), associated_data: z.string().max(64).nullish(), original_type: z.string().optional() }),
});

const transactionResource = z.object({
  mchid: z.string(), appid: z.string(), out_trade_no: z.string(), transaction_id: z.string(), trade_state: z.string(),
  success_time: z.string().optional(), amount: z.object({ total: z.number().int(), payer_total: z.number().int().optional() }),
});
const refundResource = z.object({
  mchid: z.string(), out_trade_no: z.string(), transaction_id: z.string(), out_refund_no: z.string(), refund_id: z.string(), refund_status: z.string(),
  amount: z.object({ total: z.number().int(), refund: z.number().int() }),
});

/** RFC 3339 in China time, as WeChat Pay wants time_expire. */
function rfc3339China(date: Date): string {
  return `${new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

/** Our payment id is the out_trade_no: letters and digits, at most 32. */
const outTradeNo = (paymentId: string) => paymentId.replace(/[^0-9A-Za-z_]/g, '_').slice(0, 32);

/**
 * WeChat Pay API v3 as a payment provider (direct merchant, JSAPI): prepay with the buyer's openid
 * and the client's paySign, notifications verified by serial and decrypted, query, close, refunds.
 * Every call here is a network call: the payments module makes them outside transactions.
 */
export function wechatpayProvider(deps: WechatpayProviderDeps): PaymentProvider {
  const merchantFor = async (tenantId: string) => {
    const merchant = await deps.merchantOf(tenantId, { fresh: true });
    if (!merchant) throw paymentError('wechatpay_not_configured');
    return merchant;
  };
  const call = async <T>(merchant: WechatpayAdapterMerchant, method: 'GET' | 'POST', path: string, body?: unknown) => {
    try {
      return await wechatpayCall<T>(merchant, method, path, body, { transport: deps.transport, now: deps.now() });
    } catch (err) {
      if (err instanceof WechatpayApiError) throw err;
      throw paymentError('wechatpay_unavailable', { reason: String((err as Error)?.message ?? err).slice(0, 200) });
    }
  };

  const transactionNotification = (merchant: WechatpayAdapterMerchant, eventId: string, occurredAt: string, t: z.infer<typeof transactionResource>, raw: unknown): PaymentNotification => ({
    eventId, type: 'payment.succeeded', tenantId: merchant.tenantId, paymentId: t.out_trade_no, amount: t.amount.total, tradeNo: t.transaction_id,
    occurredAt, raw, appid: t.appid,
    mismatch: t.mchid !== merchant.mchid ? { field: 'mchid', notified: t.mchid, expected: merchant.mchid }
      : !merchant.appids.includes(t.appid) ? { field: 'appid', notified: t.appid, expected: merchant.appids.join(',') } : undefined,
  });

  return {
    name: 'wechatpay',
    callsOutsideTransaction: true,

    async prepay(req) {
      const merchant = await merchantFor(req.tenantId);
      const payer = req.customerId ? await deps.payerOf(req.tenantId, req.customerId, merchant.appids) : undefined;
      if (!payer) throw paymentError('wechat_identity_required');
      const body = {
        appid: payer.appid, mchid: merchant.mchid, description: req.description.slice(0, 127), out_trade_no: outTradeNo(req.paymentId),
        ...(req.expiresAt ? { time_expire: rfc3339China(req.expiresAt) } : {}),
        notify_url: deps.notifyUrl(req.tenantId),
        amount: { total: req.amount, currency: 'CNY' },
        payer: { openid: payer.openid },
        ...(merchant.profitSharing ? { settle_info: { profit_sharing: true } } : {}),
      };
      let prepayId: string;
      try {
        ({ prepay_id: prepayId } = await call<{ prepay_id: string }>(merchant, 'POST', '/v3/pay/transactions/jsapi', body));
      } catch (err) {
        if (err instanceof WechatpayApiError) {
          if (err.code === 'ORDERPAID' || err.code === 'ORDER_CLOSED') throw paymentError('payment_not_pending', { wechatpay: err.code });
          throw paymentError('wechatpay_unavailable', { wechatpay: err.code, message: err.message });
        }
        throw err;
      }
      const params = jsapiPayParams(merchant.privateKey, payer.appid, prepayId, String(Math.floor(deps.now().getTime() / 1000)), nonceString());
      const sheet = deps.paySheetUrl(merchant);
      return {
        pay_url: sheet ? `${sheet}?${new URLSearchParams({ ...params })}` : null,
        params: { ...params },
        reference: { appid: payer.appid, prepay_id: prepayId },
      };
    },

    async parseNotification(headers, rawBody, target) {
      if (!target) throw paymentError('invalid_signature');
      const merchant = await deps.merchantOf(target.tenantId);
      if (!merchant) throw paymentError('invalid_signature');
      let verified;
      try {
        verified = verifyWechatpay(headers, rawBody, (serial) => merchant.platformKeys.get(serial), deps.now());
      } catch (err) {
        if (err instanceof WechatpayVerificationError) throw paymentError(err.reason === 'stale_timestamp' ? 'stale_notification' : 'invalid_signature', { reason: err.reason });
        throw err;
      }
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        throw paymentError('malformed_notification');
      }
      const parsed = notificationBody.safeParse(json);
      if (!parsed.success) throw paymentError('malformed_notification');
      const n = parsed.data;
      let plain: unknown;
      try {
        plain = JSON.parse(decryptResource(merchant.apiv3Key, n.resource));
      } catch {
        throw paymentError('malformed_notification', { reason: 'resource does not decrypt' });
      }
      const replayGuard = { nonce: verified.nonce, fingerprint: String(headers['wechatpay-signature'] ?? ''), signedAt: verified.signedAt };
      if (n.event_type === 'TRANSACTION.SUCCESS') {
        const t = transactionResource.safeParse(plain);
        if (!t.success || t.data.trade_state !== 'SUCCESS') throw paymentError('malformed_notification');
        return { ...transactionNotification(merchant, n.id, n.create_time, t.data, { ...n, resource: t.data }), replayGuard };
      }
      const types = { 'REFUND.SUCCESS': 'refund.succeeded', 'REFUND.CLOSED': 'refund.failed', 'REFUND.ABNORMAL': 'refund.abnormal' } as const;
      const type = types[n.event_type as keyof typeof types];
      if (!type) throw paymentError('malformed_notification', { event_type: n.event_type });
      const r = refundResource.safeParse(plain);
      if (!r.success) throw paymentError('malformed_notification');
      return {
        eventId: n.id, type, tenantId: merchant.tenantId, paymentId: r.data.out_trade_no, refundId: r.data.out_refund_no, amount: r.data.amount.refund,
        tradeNo: r.data.transaction_id, occurredAt: n.create_time, raw: { ...n, resource: r.data }, replayGuard,
        mismatch: r.data.mchid !== merchant.mchid ? { field: 'mchid', notified: r.data.mchid, expected: merchant.mchid } : undefined,
      };
    },

    async queryPayment(tenantId, paymentId) {
      const merchant = await merchantFor(tenantId);
      let t: unknown;
      try {
        t = await call(merchant, 'GET', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo(paymentId))}?mchid=${merchant.mchid}`);
      } catch (err) {
        if (err instanceof WechatpayApiError && (err.code === 'ORDER_NOT_EXIST' || err.code === 'ORDERNOTEXIST')) return null;
        throw err;
      }
      const parsed = transactionResource.partial({ transaction_id: true }).safeParse(t);
      if (!parsed.success || parsed.data.trade_state !== 'SUCCESS' || !parsed.data.transaction_id) return null;
      const data = parsed.data as z.infer<typeof transactionResource>;
      // The query's answer is signed too; its event id is the transaction's, so a notification that
      // arrives later is the same payment, already applied.
      return transactionNotification(merchant, `query:${data.transaction_id}`, data.success_time ?? deps.now().toISOString(), data, { source: 'query', resource: data });
    },

    async closePayment(tenantId, paymentId) {
      const merchant = await merchantFor(tenantId);
      try {
        await call(merchant, 'POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo(paymentId))}/close`, { mchid: merchant.mchid });
        return 'closed';
      } catch (err) {
        if (err instanceof WechatpayApiError && err.code === 'ORDERPAID') return 'already_paid';
        if (err instanceof WechatpayApiError && (err.code === 'ORDER_NOT_EXIST' || err.code === 'ORDERNOTEXIST')) return 'not_found';
        throw err;
      }
    },

    async requestRefund(req) {
      const merchant = await merchantFor(req.tenantId);
      try {
        await call(merchant, 'POST', '/v3/refund/domestic/refunds', {
          out_trade_no: outTradeNo(req.paymentId), out_refund_no: req.refundId, notify_url: deps.notifyUrl(req.tenantId),
          amount: { refund: req.amount, total: req.paymentAmount, currency: 'CNY' },
        });
      } catch (err) {
        // A definite refusal fails the refund now; anything else (5xx, network, forgery) is retried.
        if (err instanceof WechatpayApiError && err.status >= 400 && err.status < 500 && err.code !== 'FREQUENCY_LIMITED' && err.status !== 429) {
          throw paymentError('refund_rejected', { wechatpay: err.code, message: err.message });
        }
        throw err;
      }
    },
  };
}
