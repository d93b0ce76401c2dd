
import type { Conn, Db, Tx } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { sql } from 'kysely';
import { MAX_ATTEMPTS } from '../../platform/jobs/outbox.js';
import { deriveKey, seal, unseal } from '../../platform/secrets.js';
import { homeTenant } from '../identity/identity.service.js';
import { wecomError } from './wecom.errors.js';
import type { WecomEvent } from './wecom.provider.js';

export const WECOM_SEAL_PURPOSE = 'wecom-credentials';
export const WECOM_API_BASE = 'https://qyapi.weixin.qq.com';
/** The job that hands a stored callback event to the registered handlers. */
export const WECOM_EVENT_JOB = 'wecom.event';

export const wecomSealKey = (secretKey: string) => deriveKey(secretKey, WECOM_SEAL_PURPOSE);

/** An event handler (crm, reach): runs in the wecom.event job's transaction, never calls WeCom. */
export type WecomEventHandler = (tx: Tx, tenantId: string, event: WecomEvent) => Promise<void>;

export interface WecomSettingsInput {
  corpId: string; token: string; encodingAesKey: string; secret: string; apiBase: string; agentId?: string | undefined;
}

const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;

/** Stores (or replaces) a tenant's corp settings, the three secrets sealed; the cached token is dropped. */
export async function connectWecom(db: Db, sealKey: Buffer, tenantId: string, input: WecomSettingsInput) {
  const apiBase = input.apiBase.replace(/\/+$/, '');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(input.corpId)) throw wecomError('wecom_settings_invalid', { field: 'corp_id' });
  if (!/^[A-Za-z0-9]{1,32}$/.test(input.token)) throw wecomError('wecom_settings_invalid', { field: 'token', rule: 'up to 32 letters or digits' });
  if (!ENCODING_AES_KEY.test(input.encodingAesKey)) throw wecomError('wecom_settings_invalid', { field: 'encoding_aes_key', rule: 'exactly 43 letters or digits' });
  if (!input.secret || input.secret.length > 256) throw wecomError('wecom_settings_invalid', { field: 'secret' });
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(apiBase)) throw wecomError('wecom_settings_invalid', { field: 'api_base' });
  if (input.agentId !== undefined && !/^\d{1,16}$/.test(input.agentId)) throw wecomError('wecom_settings_invalid', { field: 'agent_id' });
  const row = {
    corp_id: input.corpId, agent_id: input.agentId ?? null, api_base: apiBase,
    token: seal(sealKey, input.token), encoding_aes_key: seal(sealKey, input.encodingAesKey), secret: seal(sealKey, input.secret),
  };
  await db.transaction().execute(async (tx) => {
    const taken = await tx.selectFrom('wecom_settings').select('tenant_id').where('corp_id', '=', input.corpId).where('tenant_id', '<>', tenantId).executeTakeFirst();
    if (taken) throw wecomError('wecom_settings_invalid', { field: 'corp_id', rule: 'connected to another tenant' });
    await tx.insertInto('wecom_settings').values({ tenant_id: tenantId, ...row, verified_at: null })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...row, updated_at: new Date() })).execute();
    await tx.insertInto('wecom_access_tokens').values({ tenant_id: tenantId, access_token: null, expires_at: null, lease_holder: null, lease_until: null, refreshed_at: null })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet((eb) => ({ access_token: null, expires_at: null, version: eb('wecom_access_tokens.version', '+', 1) }))).execute();
  });
  return (await wecomSettingsView(db, tenantId))!;
}

/** What the console shows: never a secret, only that one is set. */
export async function wecomSettingsView(db: Conn, tenantId: string) {
  const row = await db.selectFrom('wecom_settings')
    .select(['corp_id', 'agent_id', 'api_base', 'verified_at', 'updated_at', 'token', 'encoding_aes_key', 'secret'])
    .where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row) return null;
  // Read from the inbox rather than written per event: every event updating one settings row would serialize them.
  const last = await db.selectFrom('wecom_callback_inbox').select('received_at').where('tenant_id', '=', tenantId).orderBy('received_at', 'desc').limit(1).executeTakeFirst();
  return {
    corp_id: row.corp_id, agent_id: row.agent_id, api_base: row.api_base, verified_at: row.verified_at, last_event_at: last?.received_at ?? null, updated_at: row.updated_at,
    has_token: row.token.length > 0, has_encoding_aes_key: row.encoding_aes_key.length > 0, has_secret: row.secret.length > 0,
  };
}

/** The corp id, secret and API base for API calls; 409 when the tenant has no corp. */
export async function wecomApiCredentials(db: Conn, sealKey: Buffer, tenantId: string) {
  const row = await db.selectFrom('wecom_settings').select(['corp_id', 'secret', 'api_base']).where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row) throw wecomError('wecom_not_connected');
  return { corpId: row.corp_id, secret: unseal(sealKey, row.secret), apiBase: row.api_base };
}

/** What a callback to /hooks/wecom/{tenant} is checked with: the tenant (by slug) and its corp's Token and key. */
export async function wecomCallbackKeys(db: Conn, sealKey: Buffer, tenantSlug: string) {
  const tenant = /^[A-Za-z0-9_-]{1,64}$/.test(tenantSlug) ? await homeTenant(db, tenantSlug, '') : undefined;
  if (!tenant) return null;
  const row = await db.selectFrom('wecom_settings').select(['corp_id', 'token', 'encoding_aes_key']).where('tenant_id', '=', tenant.id).executeTakeFirst();
  if (!row) return null;
  return { tenantId: tenant.id, corpId: row.corp_id, token: unseal(sealKey, row.token), encodingAesKey: unseal(sealKey, row.encoding_aes_key) };
}

export async function markUrlVerified(db: Conn, clock: Clock, tenantId: string) {
  await db.updateTable('wecom_settings').set({ verified_at: clock.now() }).where('tenant_id', '=', tenantId).execute();
}

/**
 * WeCom's dedupe key for an event (events carry no MsgId; a retry repeats every field):
 * ToUserName, FromUserName (always `sys`), CreateTime, Event, ChangeType, the subject
 * (ExternalUserID, ChatId or tag Id) and UserID.
 */
export function wecomDedupeKey(e: WecomEvent): string {
  const subject = e.externalUserId ?? e.chatId ?? e.tagId ?? '';
  return JSON.stringify([e.corpId, 'sys', e.createTime, e.event, e.changeType, subject, e.userId ?? '', e.updateDetail ?? '', e.tagType ?? '']);
}

/**
 * Keeps a verified event once and, in the same transaction, enqueues its wecom.event job. A
 * duplicate (WeCom's retry, a replay) writes nothing: `duplicate: true`.
 */
export async function receiveWecomEvent(db: Conn, clock: Clock, tenantId: string, event: WecomEvent): Promise<{ duplicate: boolean; id?: string }> {
  const id = newId('wev');
  // One statement, so one round trip and atomic without BEGIN/COMMIT: the row and its job (the
  // job queue's add_job, as enqueue() calls it) exist together or not at all.
  const { rows } = await sql<{ id: string }>`
    WITH kept AS (
      INSERT INTO wecom_callback_inbox (tenant_id, id, dedupe_key, event, received_at)
      VALUES (${tenantId}, ${id}, ${wecomDedupeKey(event)}, ${JSON.stringify(event)}::jsonb, ${clock.now()})
      ON CONFLICT (tenant_id, dedupe_key) DO NOTHING
      RETURNING id)
    SELECT kept.id, graphile_worker.add_job(${WECOM_EVENT_JOB}, json_build_object('tenant_id', ${tenantId}::text, 'data', json_build_object('inbox_id', kept.id)),
                                          max_attempts => ${MAX_ATTEMPTS}) AS job
      FROM kept`.execute(db);
  return rows.length ? { duplicate: false, id: rows[0]!.id } : { duplicate: true };
}

/**
 * `receiveWecomEvent` for several events of one tenant at once (the callback hook's group commit):
 * one statement keeps the new ones and enqueues their jobs in one add_jobs call, so the round trip,
 * the commit and the job queue's per-call work are shared. The same event twice in a batch, or one
 * kept before, is a duplicate: only the first copy is kept. One result per event, in order.
 */
export async function receiveWecomEvents(db: Conn, clock: Clock, tenantId: string, events: WecomEvent[]): Promise<{ duplicate: boolean; id?: string }[]> {
  const ids = events.map(() => newId('wev'));
  const now = clock.now();
  const { rows } = await sql<{ id: string }>`
    WITH kept AS (
      INSERT INTO wecom_callback_inbox (tenant_id, id, dedupe_key, event, received_at)
      SELECT ${tenantId}, e.id, e.dedupe_key, e.event::jsonb, ${now}
        FROM unnest(${ids}::text[], ${events.map(wecomDedupeKey)}::text[], ${events.map((e) => JSON.stringify(e))}::text[]) WITH ORDINALITY AS e(id, dedupe_key, event, n)
       ORDER BY e.n
      ON CONFLICT (tenant_id, dedupe_key) DO NOTHING
      RETURNING id),
    jobs AS (
      SELECT count(*) AS n FROM graphile_worker.add_jobs(ARRAY(
        SELECT (${WECOM_EVENT_JOB}, json_build_object('tenant_id', ${tenantId}::text, 'data', json_build_object('inbox_id', kept.id)),
                NULL, NULL, ${MAX_ATTEMPTS}, NULL, NULL, NULL)::graphile_worker.job_spec
          FROM kept))
       WHERE EXISTS (SELECT 1 FROM kept))
    SELECT kept.id FROM kept, jobs`.execute(db);
  const kept = new Set(rows.map((r) => r.id));
  return ids.map((id) => (kept.has(id) ? { duplicate: false, id } : { duplicate: true }));
}

/**
 * The wecom.event job: runs the registered handlers in order, in one transaction with marking the
 * event applied, so each event is applied once (a rerun after commit finds applied_at set).
 */
export async function applyWecomEvent(db: Db, clock: Clock, handlers: readonly WecomEventHandler[], tenantId: string, inboxId: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('wecom_callback_inbox').select(['event', 'applied_at'])
      .where('tenant_id', '=', tenantId).where('id', '=', inboxId).forUpdate().executeTakeFirst();
    if (!row || row.applied_at) return false;
    const event = row.event as WecomEvent;
    for (const handler of handlers) await handler(tx, tenantId, event);
    await tx.updateTable('wecom_callback_inbox').set({ applied_at: clock.now() }).where('tenant_id', '=', tenantId).where('id', '=', inboxId).execute();
    return true;
  });
}

/** The latest events received (the console's settings page). */
export async function recentWecomEvents(db: Conn, tenantId: string, limit = 20) {
  return db.selectFrom('wecom_callback_inbox').select(['id', 'event', 'received_at', 'applied_at'])
    .where('tenant_id', '=', tenantId).orderBy('received_at', 'desc').limit(limit).execute();
}


