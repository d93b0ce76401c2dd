import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { paymentError } from '../../modules/payments/payments.errors.js';
import type { PaymentProvider } from '../../modules/payments/payments.provider.js';
import { SANDBOX_HEADERS, SANDBOX_WINDOW_SECONDS, verifySandbox } from './sandbox.signature.js';

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

/** Just enough of the body to know whose key to check the signature with. */
const signerOf = z.object({ resource: z.object({ tenant_id: z.string().min(1).max(64) }) });

const TYPES = {
  'TRANSACTION.SUCCESS': 'payment.succeeded', 'TRANSACTION.FAIL': 'payment.failed',
  'REFUND.SUCCESS': 'refund.succeeded', 'REFUND.FAIL': 'refund.failed',
} as const;

export interface SandboxKeys {
  /** The tenant's HMAC key, or undefined for a tenant that does not exist. */
  secretOf(tenantId: string): Promise<string | undefined>;
  /** The server's clock, which the notification's timestamp must be within the window of. */
  now(): Date;
}

export function sandboxProvider(keys: SandboxKeys): PaymentProvider {
  return {
    name: 'sandbox',
    async prepay(req) {
      return { pay_url: `/sandbox/pay/${req.paymentId}`, params: { payment_id: req.paymentId, amount: req.amount, description: req.description } };
    },
    async parseNotification(headers, rawBody) {
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        throw paymentError('malformed_notification');
      }
      const signer = signerOf.safeParse(json);
      if (!signer.success) throw paymentError('malformed_notification');
      const tenantId = signer.data.resource.tenant_id;

      const h = (name: string) => { const v = headers[name]; return Array.isArray(v) ? v[0] : v; };
      const signature = h(SANDBOX_HEADERS.signature);
      const timestamp = h(SANDBOX_HEADERS.timestamp);
      const nonce = h(SANDBOX_HEADERS.nonce);
      if (!signature || !timestamp || !nonce || !/^\d{1,12}$/.test(timestamp) || nonce.length > 64) throw paymentError('invalid_signature');
      // Another tenant's key, or no tenant at all, verifies nothing.
      const secret = await keys.secretOf(tenantId);
      if (!secret || !verifySandbox(secret, timestamp, nonce, rawBody, signature)) throw paymentError('invalid_signature');
      const skew = Math.floor(keys.now().getTime() / 1000) - Number(timestamp);
      if (Math.abs(skew) > SANDBOX_WINDOW_SECONDS) throw paymentError('stale_notification', { skew_seconds: skew, window_seconds: SANDBOX_WINDOW_SECONDS });

      const parsed = notificationBody.safeParse(json);
      if (!parsed.success) throw paymentError('malformed_notification');
      const { data } = parsed;
      const r = data.resource;
      const isRefund = data.event_type.startsWith('REFUND');
      return {
        eventId: data.id, type: TYPES[data.event_type], tenantId: r.tenant_id, paymentId: r.out_trade_no, refundId: r.out_refund_no,
        amount: isRefund ? r.amount.refund ?? 0 : r.amount.total, tradeNo: r.transaction_id, occurredAt: data.create_time, raw: data,
        // The signature covers timestamp, nonce and body: equal signatures mean the very same message.
        replayGuard: { nonce, fingerprint: signature, signedAt: new Date(Number(timestamp) * 1000) },
      };
    },
    async requestRefund(req, { enqueue }) {
      // The sandbox PSP accepts every refund and reports the result asynchronously, as a real one does.
      // The event id is fixed now, so every delivery attempt of this result is the same event.
      await enqueue('sandbox.notify', {
        kind: 'refund', tenant_id: req.tenantId, payment_id: req.paymentId, refund_id: req.refundId, amount: req.amount, total: req.paymentAmount,
        event_id: `evt_${randomBytes(10).toString('hex')}`,
      });
    },
  };
}
