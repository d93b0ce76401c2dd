import { randomBytes } from 'node:crypto';
import type { Conn } from '../../platform/db/database.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { jsonPost } from '../../platform/http/json-post.js';
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
  /** Which delivery of this notification the job is (1 for the first). */
  attempt?: number;
}

/**
 * When the PSP tries again after a delivery that did not get a 2xx: the delay before attempt
 * n + 1 is entry n (entry 0 is the first delivery's). Shaped after WeChat Pay's own schedule,
 * compressed: a confirmation in the sandbox should not wait a quarter of an hour.
 */
export const SANDBOX_RETRY_SCHEDULE_MS = [0, 1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000] as const;

/** Delivers a notification to our notify route: an HTTP POST in production, the server's `inject` in tests. */
export type NotifyPost = (headers: Record<string, string>, body: string) => Promise<{ status: number; body: string }>;

/**
 * The production transport: an HTTP(S) POST over kept-alive connections, with a timeout; a
 * network failure counts as a failed delivery. node:http rather than fetch: fetch (undici) cost
 * about 6% of the server's CPU on the journey benchmark for this one call (docs/benchmarks.md).
 */
export function httpPost(url: () => string, timeoutMs = 10_000): NotifyPost {
  const post = jsonPost(timeoutMs);
  return (headers, body) => post(url(), headers, body);
}

/**
 * The sandbox PSP's side: the buyer "pays" in the sandbox cashier and the PSP then calls us back
 * with a signed notification, delivered by a job. `copies` > 1 delivers the same event repeatedly,
 * as WeChat Pay may.
 */
export async function sandboxPay(tx: Conn<any>, p: { tenantId: string; paymentId: string; amount: number; outcome: 'success' | 'fail'; copies: number; delayMs: number }) {
  const eventId = `evt_${randomBytes(10).toString('hex')}`;
  for (let i = 0; i < p.copies; i++) {
    await enqueue(tx, p.tenantId, 'sandbox.notify', { kind: 'payment', tenant_id: p.tenantId, payment_id: p.paymentId, amount: p.amount, outcome: p.outcome, event_id: eventId, attempt: 1 } satisfies SandboxNotifyJob, p.delayMs);
  }
  return { event_id: eventId, notifications: p.copies };
}

/**
 * Builds the exact signed request the sandbox PSP sends: headers and raw body. Every delivery is
 * signed afresh (new timestamp and nonce) over the same event, as WeChat Pay's retries are.
 */
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
  const nonce = randomBytes(16).toString('hex');
  return {
    headers: { [SANDBOX_HEADERS.signature]: signSandbox(secret, timestamp, nonce, body), [SANDBOX_HEADERS.timestamp]: timestamp, [SANDBOX_HEADERS.nonce]: nonce },
    body,
  };
}

export type DeliveryResult = { delivered: true; status: number } | { delivered: false; status: number | null; error: string };

/** One delivery attempt: signs the notification and posts it; only a 2xx answer counts as delivered. */
export async function deliverSandboxNotification(secret: string, job: SandboxNotifyJob, now: Date, post: NotifyPost): Promise<DeliveryResult> {
  const signed = buildSandboxNotification(secret, job, now);
  try {
    const res = await post(signed.headers, signed.body);
    if (res.status >= 200 && res.status < 300) return { delivered: true, status: res.status };
    return { delivered: false, status: res.status, error: res.body.slice(0, 500) };
  } catch (err) {
    return { delivered: false, status: null, error: String((err as Error)?.message ?? err) };
  }
}

/** The delay before the next delivery after `attempt` failed, or undefined when the PSP gives up. */
export function nextDeliveryDelay(attempt: number): number | undefined {
  return SANDBOX_RETRY_SCHEDULE_MS[attempt];
}
