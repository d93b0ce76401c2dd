import type { Kysely } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import { enqueue, type JobHandler } from '../../platform/jobs/outbox.js';
import { encryptResource, nonceString, signedHeaders } from '../../adapters/wechatpay/wechatpay.crypto.js';
import { simIds, wechatTime, type SimContext } from './simulator.core.js';

/**
 * WeChat Pay's retry schedule for a notification that did not get a 2xx: the delay before attempt
 * n + 1 is entry n - 1; after the fifteenth retry it gives up. A merchant's time_scale divides it.
 */
export const WECHATPAY_RETRY_SCHEDULE_MS = [
  15_000, 15_000, 30_000, 180_000, 600_000, 1_200_000, 1_800_000, 1_800_000, 1_800_000, 3_600_000,
  10_800_000, 10_800_000, 10_800_000, 21_600_000, 21_600_000,
] as const;

export const SIM_NOTIFY_JOB = 'wechatpay.sim.notify';

export interface SimNotifyJob {
  mchid: string;
  notify_url: string;
  event_id: string;
  event_type: 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED';
  original_type: 'transaction' | 'refund';
  summary: string;
  /** The resource in clear; encrypted afresh for each delivery with the merchant's APIv3 key. */
  resource: Record<string, unknown>;
  attempt: number;
}

/** Builds one delivery: the encrypted resource and the platform's signature over the exact body. */
export function buildNotification(ctx: Pick<SimContext, 'platform'>, apiv3Key: string, job: SimNotifyJob, now: Date) {
  const body = JSON.stringify({
    id: job.event_id,
    create_time: wechatTime(now),
    resource_type: 'encrypt-resource',
    event_type: job.event_type,
    summary: job.summary,
    resource: { original_type: job.original_type, ...encryptResource(apiv3Key, JSON.stringify(job.resource), job.original_type) },
  });
  return { headers: signedHeaders(ctx.platform, body, String(Math.floor(now.getTime() / 1000)), nonceString()), body };
}

/**
 * Queues a notification as WeChat Pay sends one, following the merchant's simulator setting (or
 * the caller's override): once, twice (the same event id), or not at all (the query job must then
 * find the outcome).
 */
export async function queueNotification(db: Db<any> | Kysely<any>, tenantId: string, ctx: SimContext, job: Omit<SimNotifyJob, 'attempt' | 'event_id'>, mode?: 'normal' | 'duplicate' | 'drop') {
  const chosen = mode ?? (await ctx.settingsOf(job.mchid)).notify_mode;
  if (chosen === 'drop') return { event_id: null, deliveries: 0 };
  const eventId = simIds.event();
  const copies = chosen === 'duplicate' ? 2 : 1;
  for (let i = 0; i < copies; i++) await enqueue(db as Db<any>, tenantId, SIM_NOTIFY_JOB, { ...job, event_id: eventId, attempt: 1 } satisfies SimNotifyJob, i * 50);
  return { event_id: eventId, deliveries: copies };
}

/** The delivery job: one POST; a non-2xx answer or no answer schedules the next attempt. */
export function simNotifyJob(ctx: SimContext, log: () => { warn: (o: object, m: string) => void }): JobHandler<any> {
  return async (db, job) => {
    const payload = job.payload as SimNotifyJob;
    const merchant = await ctx.merchantOf(payload.mchid);
    if (!merchant) return;
    const { headers, body } = buildNotification(ctx, merchant.apiv3Key, payload, ctx.clock.now());
    let status: number | null = null;
    let error = '';
    try {
      const res = await ctx.post(payload.notify_url, headers, body);
      status = res.status;
      if (status >= 200 && status < 300) return;
      error = res.body.slice(0, 300);
    } catch (err) {
      error = String((err as Error)?.message ?? err);
    }
    const delay = WECHATPAY_RETRY_SCHEDULE_MS[payload.attempt - 1];
    if (delay === undefined) throw new Error(`WeChat Pay simulator: notification ${payload.event_id} undelivered after ${payload.attempt} attempts: ${status ?? 'no answer'} ${error}`);
    const { time_scale } = await ctx.settingsOf(payload.mchid);
    log().warn({ event_id: payload.event_id, attempt: payload.attempt, status, error }, 'WeChat Pay simulator: notification not accepted, retrying');
    await enqueue(db, job.tenant_id, SIM_NOTIFY_JOB, { ...payload, attempt: payload.attempt + 1 } satisfies SimNotifyJob, Math.ceil(delay / time_scale));
  };
}
