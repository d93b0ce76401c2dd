import { z } from 'zod';
import { paymentError } from '../../modules/payments/payments.errors.js';
import type { PaymentProvider } from '../../modules/payments/payments.provider.js';
import { SANDBOX_HEADERS, verifySandbox } from './sandbox.signature.js';

const notificationBody = z.object({
  id: z.string().min(1).max(128),
  event_type: z.enum(['TRANSACTION.SUCCESS', 'TRANSACTION.FAIL', 'REFUND.SUCCESS', 'REFUND.FAIL']),
  create_time: z.string(),
  resource: z.object({
    tenant_id: z.string(),
    out_trade_no: z.string(),
    out_refund_no: z.string().optional(),
    transaction_id: z.string(),
    amount: z.object({ total: z.number().int(), refund: z.number().int().optional() }),
  }),
});

const TYPES = {
  'TRANSACTION.SUCCESS': 'payment.succeeded', 'TRANSACTION.FAIL': 'payment.failed',
  'REFUND.SUCCESS': 'refund.succeeded', 'REFUND.FAIL': 'refund.failed',
} as const;

export function sandboxProvider(secret: string): PaymentProvider {
  return {
    name: 'sandbox',
    async prepay(req) {
      return { pay_url: `/sandbox/pay/${req.paymentId}`, params: { payment_id: req.paymentId, amount: req.amount, description: req.description } };
    },
    parseNotification(headers, rawBody) {
      const h = (name: string) => { const v = headers[name]; return Array.isArray(v) ? v[0] : v; };
      const signature = h(SANDBOX_HEADERS.signature);
      const timestamp = h(SANDBOX_HEADERS.timestamp);
      const nonce = h(SANDBOX_HEADERS.nonce);
      if (!signature || !timestamp || !nonce || !verifySandbox(secret, timestamp, nonce, rawBody, signature)) throw paymentError('invalid_signature');
      let parsed;
      try {
        parsed = notificationBody.parse(JSON.parse(rawBody));
      } catch {
        throw paymentError('malformed_notification');
      }
      const r = parsed.resource;
      const isRefund = parsed.event_type.startsWith('REFUND');
      return {
        eventId: parsed.id, type: TYPES[parsed.event_type], tenantId: r.tenant_id, paymentId: r.out_trade_no, refundId: r.out_refund_no,
        amount: isRefund ? r.amount.refund ?? 0 : r.amount.total, tradeNo: r.transaction_id, occurredAt: parsed.create_time, raw: parsed,
      };
    },
    async requestRefund(req, { enqueue }) {
      // The sandbox PSP accepts every refund and reports the result asynchronously, as a real one does.
      await enqueue('sandbox.notify', { kind: 'refund', tenant_id: req.tenantId, payment_id: req.paymentId, refund_id: req.refundId, amount: req.amount, total: req.paymentAmount });
    },
  };
}
