import { sql } from 'kysely';
import type { Conn, Db } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { formatYuan } from '../../platform/money.js';
import { orderCards, orderForMessage, ordersForMessage } from '../orders/orders.fragments.js';
import { shopCard } from '../b-nodes/b-nodes.service.js';
import { wechatRecipientOf } from '../customers/customers.service.js';
import { refundsOfOrder } from '../payments/payments.service.js';
import { subscribeMessageError } from './subscribe-messages.errors.js';
import type { OrderEvent, PutTemplateInput, TemplateField } from './subscribe-messages.schema.js';
import type { SubscribeSender } from './subscribe-messages.provider.js';
import type { SubscribeMessageStatus } from './subscribe-messages.tables.js';

export const SUBSCRIBE_SEND_JOB = 'subscribe.send';

export async function listTemplates(db: Conn, tenantId: string) {
  return db.selectFrom('subscribe_templates').select(['event', 'template_id', 'page', 'fields']).where('tenant_id', '=', tenantId).orderBy('event').execute();
}

export async function putTemplate(db: Conn, tenantId: string, event: OrderEvent, input: PutTemplateInput) {
  const row = { template_id: input.template_id, page: input.page, fields: JSON.stringify(input.fields) as unknown as Record<string, TemplateField> };
  await db.insertInto('subscribe_templates').values({ tenant_id: tenantId, event, ...row })
    .onConflict((oc) => oc.columns(['tenant_id', 'event']).doUpdateSet({ ...row, updated_at: new Date() })).execute();
  return { event, template_id: input.template_id, page: input.page, fields: input.fields };
}

export async function deleteTemplate(db: Conn, tenantId: string, event: OrderEvent) {
  const gone = await db.deleteFrom('subscribe_templates').where('tenant_id', '=', tenantId).where('event', '=', event).returning('event').executeTakeFirst();
  if (!gone) throw subscribeMessageError('template_not_found');
}

/**
 * Records what wx.requestSubscribeMessage returned: each accepted template of the tenant allows one
 * more message (one-time subscriptions add up). Rejections and template ids the tenant does not use
 * change nothing. Returns the templates accepted and the customer's counts.
 */
export async function recordOptIns(db: Conn, tenantId: string, customerId: string, results: Record<string, 'accept' | 'reject' | 'ban' | 'filter'>) {
  const accepted = Object.entries(results).filter(([, r]) => r === 'accept').map(([id]) => id);
  let counted: string[] = [];
  if (accepted.length) {
    const { rows } = await sql<{ template_id: string }>`
      INSERT INTO subscribe_opt_ins (tenant_id, customer_id, template_id, remaining, accepted)
      SELECT ${tenantId}, ${customerId}, t.template_id, 1, 1
        FROM (SELECT DISTINCT template_id FROM subscribe_templates WHERE tenant_id = ${tenantId} AND template_id = ANY(${accepted}::text[])) t
      ON CONFLICT (tenant_id, customer_id, template_id)
      DO UPDATE SET remaining = subscribe_opt_ins.remaining + 1, accepted = subscribe_opt_ins.accepted + 1, updated_at = now()
      RETURNING template_id`.execute(db);
    counted = rows.map((r) => r.template_id);
  }
  return { accepted: counted, items: await optInsOf(db, tenantId, customerId) };
}

/** A customer's opt-ins left per template, with the event each template serves (null: no longer used). */
export async function optInsOf(db: Conn, tenantId: string, customerId: string) {
  const { rows } = await sql<{ template_id: string; event: OrderEvent | null; remaining: number; accepted: number }>`
    SELECT o.template_id, (SELECT min(t.event) FROM subscribe_templates t WHERE t.tenant_id = o.tenant_id AND t.template_id = o.template_id) AS event,
           o.remaining, o.accepted
      FROM subscribe_opt_ins o WHERE o.tenant_id = ${tenantId} AND o.customer_id = ${customerId} ORDER BY o.template_id`.execute(db);
  return rows;
}

/**
 * Asks for a message about an order event, in the caller's transaction: when the tenant has a
 * template for the event, a message row (once per event and subject: the order, or the refund) and
 * its sending job. Whether the buyer opted in is decided by the job, which takes the opt-in.
 */
export async function queueOrderMessage(tx: Conn, clock: Clock, tenantId: string, input: { event: OrderEvent; orderId: string; subjectId?: string }) {
  const id = newId('sub');
  const { rows } = await sql<{ id: string }>`
    INSERT INTO subscribe_messages (tenant_id, id, event, subject_id, order_id, customer_id, template_id, status, created_at)
    SELECT ${tenantId}, ${id}, t.event, ${input.subjectId ?? input.orderId}, o.id, o.customer_id, t.template_id, 'queued', ${clock.now()}
      FROM subscribe_templates t, ${orderForMessage(tenantId, input.orderId)} o
     WHERE t.tenant_id = ${tenantId} AND t.event = ${input.event}
    ON CONFLICT (tenant_id, event, subject_id) DO NOTHING
    RETURNING id`.execute(tx);
  if (rows[0]) await enqueue(tx, tenantId, SUBSCRIBE_SEND_JOB, { message_id: rows[0].id });
  return rows[0]?.id ?? null;
}

/**
 * `queueOrderMessage` for many orders at once (the order is the subject): one statement whatever
 * their number, and nothing at all when the tenant has no template for the event.
 */
export async function queueOrderMessages(tx: Conn, clock: Clock, tenantId: string, event: OrderEvent, orderIds: string[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  const { rows } = await sql<{ id: string }>`
    INSERT INTO subscribe_messages (tenant_id, id, event, subject_id, order_id, customer_id, template_id, status, created_at)
    SELECT ${tenantId}, ids.id, t.event, o.id, o.id, o.customer_id, t.template_id, 'queued', ${clock.now()}
      FROM subscribe_templates t, ${ordersForMessage(tenantId, orderIds)} o
      JOIN unnest(${orderIds}::text[], ${orderIds.map(() => newId('sub'))}::text[]) AS ids(order_id, id) ON ids.order_id = o.id
     WHERE t.tenant_id = ${tenantId} AND t.event = ${event}
    ON CONFLICT (tenant_id, event, subject_id) DO NOTHING
    RETURNING id`.execute(tx);
  for (const row of rows) await enqueue(tx, tenantId, SUBSCRIBE_SEND_JOB, { message_id: row.id });
  return rows.length;
}

/**
 * The job's work, exactly once per message even when the job runs again:
 * 1. queued → sending takes one opt-in in the same statement (a conditional decrement); with none
 *    left the message is skipped and nothing is ever sent. A buyer without a WeChat openid is
 *    skipped before any opt-in is taken.
 * 2. WeChat is called outside any transaction.
 * 3. sending → sent | failed. 43101 (WeChat knows no opt-in) is final: recorded, the opt-in stays
 *    spent and the count is zeroed to agree with WeChat. 47003 and 40003 are final failures; the
 *    opt-in WeChat did not use is given back. Anything else throws and the job retries the send
 *    (the opt-in already taken is not taken again).
 */
export async function deliverSubscribeMessage(db: Db, clock: Clock, sender: SubscribeSender | undefined, tenantId: string, messageId: string): Promise<SubscribeMessageStatus | null> {
  const message = await db.selectFrom('subscribe_messages').selectAll().where('tenant_id', '=', tenantId).where('id', '=', messageId).executeTakeFirst();
  if (!message || !['queued', 'sending'].includes(message.status)) return message?.status ?? null;
  const settle = async (status: 'sent' | 'failed' | 'skipped', fields: { errcode?: number | null; error?: string; from?: SubscribeMessageStatus } = {}) => {
    await db.updateTable('subscribe_messages').set({ status, errcode: fields.errcode ?? null, error: fields.error ?? '', settled_at: clock.now() })
      .where('tenant_id', '=', tenantId).where('id', '=', messageId).where('status', '=', fields.from ?? 'sending').execute();
    return status;
  };
  if (!sender) return settle('skipped', { error: 'WeChat is not configured in this mode', from: message.status });
  // A retried send goes to the openid the first run chose, through the app that issued it.
  const recipient = await wechatRecipientOf(db, tenantId, message.customer_id, message.touser);
  const touser = recipient?.openid ?? message.touser;
  if (!touser) return settle('skipped', { error: 'the buyer has no WeChat openid', from: message.status });

  if (message.status === 'queued') {
    const { rows } = await sql<{ status: SubscribeMessageStatus }>`
      WITH claimed AS (
        SELECT id FROM subscribe_messages WHERE tenant_id = ${tenantId} AND id = ${messageId} AND status = 'queued' FOR UPDATE),
      took AS (
        UPDATE subscribe_opt_ins SET remaining = remaining - 1, updated_at = now()
         WHERE tenant_id = ${tenantId} AND customer_id = ${message.customer_id} AND template_id = ${message.template_id} AND remaining > 0
           AND EXISTS (SELECT 1 FROM claimed)
        RETURNING 1)
      UPDATE subscribe_messages m
         SET status = CASE WHEN EXISTS (SELECT 1 FROM took) THEN 'sending' ELSE 'skipped' END,
             opt_in_taken = EXISTS (SELECT 1 FROM took), touser = ${touser},
             error = CASE WHEN EXISTS (SELECT 1 FROM took) THEN '' ELSE 'no opt-in left for this template' END,
             settled_at = CASE WHEN EXISTS (SELECT 1 FROM took) THEN NULL ELSE ${clock.now()}::timestamptz END
        FROM claimed
       WHERE m.tenant_id = ${tenantId} AND m.id = claimed.id
      RETURNING m.status`.execute(db);
    // Another run took it first: that run sends.
    if (rows[0]?.status !== 'sending') return rows[0]?.status ?? null;
  }

  const template = await db.selectFrom('subscribe_templates').select(['page', 'fields']).where('tenant_id', '=', tenantId).where('event', '=', message.event).executeTakeFirst();
  const data = await messageData(db, tenantId, message, template?.fields ?? {});
  await db.updateTable('subscribe_messages').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('tenant_id', '=', tenantId).where('id', '=', messageId).execute();
  const outcome = await sender.send(tenantId, { app: recipient?.app ?? 'mini_program', touser, template_id: message.template_id, page: template?.page ?? '', data });
  if (outcome.ok) return settle('sent');
  const status = await settle('failed', { errcode: outcome.errcode, error: outcome.errmsg });
  const optIn = db.updateTable('subscribe_opt_ins').where('tenant_id', '=', tenantId).where('customer_id', '=', message.customer_id).where('template_id', '=', message.template_id);
  if (outcome.kind === 'no_opt_in') await optIn.set({ remaining: 0, updated_at: new Date() }).execute();
  else await optIn.set((eb) => ({ remaining: eb('remaining', '+', 1), updated_at: new Date() })).execute();
  return status;
}

const EVENT_TEXT: Record<OrderEvent, string> = {
  order_paid: '订单已支付，我们会尽快备货',
  ready_for_pickup: '商品已到自提点，请凭取货码取货',
  refund_done: '退款已原路退回',
};

/** The template's data from the order: each key filled with its field, within WeChat's length rules for the key's type. */
async function messageData(db: Conn, tenantId: string, message: { event: OrderEvent; order_id: string; subject_id: string; created_at: Date }, fields: Record<string, TemplateField>) {
  const { rows } = await sql<{ number: string; b_node_id: string; total: number }>`SELECT number, b_node_id, total FROM ${orderForMessage(tenantId, message.order_id)} o`.execute(db);
  const order = rows[0];
  const shop = order ? await shopCard(db, tenantId, order.b_node_id) : null;
  const refund = message.event === 'refund_done' ? (await refundsOfOrder(db, tenantId, message.order_id)).find((r) => r.id === message.subject_id) : undefined;
  const value = (field: TemplateField): string => {
    switch (field) {
      case 'order_number': return order?.number ?? '';
      case 'amount': return formatYuan(refund?.amount ?? order?.total ?? 0, { grouped: false });
      case 'shop_name': return shop?.name ?? '';
      case 'pickup_address': return shop?.pickup_address ?? '';
      case 'event_text': return EVENT_TEXT[message.event];
      case 'time': return shanghaiTime(message.created_at);
    }
  };
  return Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, { value: fitToKey(key, value(field)) }]));
}

/** WeChat's limits by key type: thing ≤ 20 characters, character_string ≤ 32, phrase ≤ 5. */
function fitToKey(key: string, value: string): string {
  const max = key.startsWith('thing') ? 20 : key.startsWith('character_string') ? 32 : key.startsWith('phrase') ? 5 : 0;
  const chars = [...value];
  return max && chars.length > max ? chars.slice(0, max).join('') : value;
}

function shanghaiTime(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3_600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

/** The console's list: newest first, with each message's order number. */
export async function listMessages(db: Conn, tenantId: string, filter: { status?: SubscribeMessageStatus | undefined; limit: number }) {
  const { rows } = await sql<{ id: string; event: OrderEvent; order_id: string; order_number: string | null; customer_id: string; template_id: string; status: SubscribeMessageStatus; errcode: number | null; error: string; created_at: Date; settled_at: Date | null }>`
    SELECT m.id, m.event, m.order_id, o.number AS order_number,
           m.customer_id, m.template_id, m.status, m.errcode, m.error, m.created_at, m.settled_at
      FROM subscribe_messages m
      LEFT JOIN ${orderCards(tenantId)} o ON o.id = m.order_id
     WHERE m.tenant_id = ${tenantId} ${filter.status ? sql`AND m.status = ${filter.status}` : sql``}
     ORDER BY m.created_at DESC, m.id DESC LIMIT ${filter.limit}`.execute(db);
  return rows;
}
