import { randomBytes } from 'node:crypto';
import type { Conn } from '../../platform/db/database.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { SANDBOX_HEADERS, signSandbox } from '../../adapters/sandboxpay/sandbox.signature.js';

export interface SandboxNotifyJob {
  kind: 'payment' | 'refund';
  tenant_id: string;
  payment_id: string;
  refund_id?: string;
  amount: number;
  total?: number;
  outcome?: 'success' | 'fail';
  event_id?: string;
}

/**
 * The sandbox PSP's side: the buyer "pays" in the sandbox cashier and the PSP then calls us back
 * with a signed notification through the outbox. `copies` > 1 delivers the same event repeatedly,
 * as WeChat Pay may.
 */
export async function sandboxPay(tx: Conn<any>, p: { tenantId: string; paymentId: string; amount: number; outcome: 'success' | 'fail'; copies: number; delayMs: number }) {
  const eventId = `evt_${randomBytes(10).toString('hex')}`;
  for (let i = 0; i < p.copies; i++) {
    await enqueue(tx, p.tenantId, 'sandbox.notify', { kind: 'payment', tenant_id: p.tenantId, payment_id: p.paymentId, amount: p.amount, outcome: p.outcome, event_id: eventId } satisfies SandboxNotifyJob, p.delayMs);
  }
  return { event_id: eventId, notifications: p.copies };
}

/** Builds the exact signed request the sandbox PSP sends: headers and raw body. */
export function buildSandboxNotification(secret: string, job: SandboxNotifyJob, now = new Date()) {
  const success = (job.outcome ?? 'success') === 'success';
  const body = JSON.stringify({
    id: job.event_id ?? `evt_${randomBytes(10).toString('hex')}`,
    event_type: job.kind === 'payment' ? (success ? 'TRANSACTION.SUCCESS' : 'TRANSACTION.FAIL') : (success ? 'REFUND.SUCCESS' : 'REFUND.FAIL'),
    create_time: now.toISOString(),
    resource: {
      tenant_id: job.tenant_id,
      out_trade_no: job.payment_id,
      ...(job.refund_id ? { out_refund_no: job.refund_id } : {}),
      transaction_id: `sbx${job.payment_id.slice(-12)}`,
      amount: job.kind === 'payment' ? { total: job.amount } : { total: job.total ?? job.amount, refund: job.amount },
    },
  });
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const nonce = randomBytes(12).toString('hex');
  return {
    headers: { [SANDBOX_HEADERS.signature]: signSandbox(secret, timestamp, nonce, body), [SANDBOX_HEADERS.timestamp]: timestamp, [SANDBOX_HEADERS.nonce]: nonce },
    body,
  };
}
