import { sql } from 'kysely';
import type { Conn, Db } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { seal, unseal } from '../../platform/secrets.js';
import { messagingError } from './messaging.errors.js';
import { SmsSendError, type SmsAccount, type SmsProvider } from './messaging.provider.js';
import type { SmsProviderName } from './messaging.tables.js';

/**
 * How the outbox keeps a recipient's number: sealed with the customers' phone vault (the same key,
 * so a number is protected alike wherever it is stored), opened only to hand it to the provider,
 * and masked (138****5678) wherever messages are listed.
 */
export interface RecipientPhones {
  seal(phone: string): string;
  open(sealed: string): string;
  mask(phone: string): string;
}

/** The SMS providers this server offers (no sandbox in live mode), the key sealing their secrets, and how recipients' numbers are kept. */
export interface Messaging {
  providers: Partial<Record<SmsProviderName, SmsProvider>>;
  credentialsKey: Buffer;
  phones: RecipientPhones;
}

export const SMS_SEND_JOB = 'sms.send';

function available(messaging: Messaging): SmsProviderName[] {
  return (['sandbox', 'aliyun', 'tencent'] as const).filter((name) => messaging.providers[name]);
}

/** The provider a tenant's messages go through: its own choice, or the sandbox where the sandbox exists. */
async function providerOf(db: Conn, messaging: Messaging, tenantId: string): Promise<SmsProviderName> {
  const row = await db.selectFrom('sms_settings').select('provider').where('tenant_id', '=', tenantId).executeTakeFirst();
  const provider = row?.provider ?? (messaging.providers.sandbox ? 'sandbox' : undefined);
  if (!provider || !messaging.providers[provider]) throw messagingError('sms_not_configured');
  return provider;
}

export async function smsSettings(db: Conn, messaging: Messaging, tenantId: string) {
  const row = await db.selectFrom('sms_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return {
    provider: row?.provider ?? null,
    access_key_id: row?.access_key_id ?? '',
    has_secret: Boolean(row?.access_key_secret),
    sign_name: row?.sign_name ?? '',
    template_code: row?.template_code ?? '',
    sdk_app_id: row?.sdk_app_id ?? '',
    region: row?.region ?? '',
    available: available(messaging),
  };
}

export interface SmsSettingsInput {
  provider: SmsProviderName;
  access_key_id: string;
  access_key_secret?: string | undefined;
  sign_name: string;
  template_code: string;
  sdk_app_id: string;
  region: string;
}

/** Sets a tenant's provider; a secret left out keeps the stored one. A real provider must be complete. */
export async function putSmsSettings(db: Db, messaging: Messaging, tenantId: string, input: SmsSettingsInput) {
  if (!messaging.providers[input.provider]) throw messagingError('sms_provider_unavailable', { provider: input.provider });
  return db.transaction().execute(async (tx) => {
    const prior = await tx.selectFrom('sms_settings').select('access_key_secret').where('tenant_id', '=', tenantId).forUpdate().executeTakeFirst();
    const secret = input.access_key_secret !== undefined ? seal(messaging.credentialsKey, input.access_key_secret) : prior?.access_key_secret ?? null;
    if (input.provider !== 'sandbox') {
      const missing = [
        !input.access_key_id && 'access_key_id', !secret && 'access_key_secret', !input.sign_name && 'sign_name', !input.template_code && 'template_code',
        input.provider === 'tencent' && !input.sdk_app_id && 'sdk_app_id',
      ].filter(Boolean);
      if (missing.length) throw messagingError('sms_settings_incomplete', { missing });
    }
    const row = { provider: input.provider, access_key_id: input.access_key_id, access_key_secret: secret, sign_name: input.sign_name, template_code: input.template_code, sdk_app_id: input.sdk_app_id, region: input.region };
    await tx.insertInto('sms_settings').values({ tenant_id: tenantId, ...row })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...row, updated_at: new Date() })).execute();
    return smsSettings(tx, messaging, tenantId);
  });
}

/**
 * Writes a one-time code's message and enqueues its sending, in the caller's transaction: the
 * message exists if and only if the code does, and the provider is called by the job, outside it.
 */
export async function queueOtpSms(tx: Conn, clock: Clock, messaging: Messaging, tenantId: string, input: { phone: string; code: string; ttlMinutes: number }) {
  const provider = await providerOf(tx, messaging, tenantId);
  const id = newId('sms');
  // Only the sandbox keeps the text: its outbox in the console is how a tester receives the code.
  const body = provider === 'sandbox' ? otpText(input.code, input.ttlMinutes) : null;
  await tx.insertInto('sms_messages').values({
    tenant_id: tenantId, id, provider, phone_sealed: messaging.phones.seal(input.phone), phone_masked: messaging.phones.mask(input.phone), purpose: 'otp', body, params: { code: input.code }, provider_message_id: null, error: null, created_at: clock.now(), sent_at: null,
  }).execute();
  await enqueue(tx, tenantId, SMS_SEND_JOB, { message_id: id });
  return { id, provider };
}

export function otpText(code: string, ttlMinutes: number): string {
  return `【Siyu】您的验证码是 ${code}，${ttlMinutes} 分钟内有效，请勿告诉他人。`;
}

/**
 * The job's work: send one queued message through its provider, outside any transaction, then
 * record the outcome. A message older than `staleAfterMs` is not sent (its code expired); a refusal
 * the provider calls final is recorded as failed; anything else throws, and the job is retried.
 * The template parameters (the code) are cleared once the message is settled. The number is
 * opened here, for the provider's call, and nowhere else.
 */
export async function deliverSms(db: Db, clock: Clock, messaging: Messaging, tenantId: string, messageId: string, staleAfterMs: number): Promise<void> {
  const message = await db.selectFrom('sms_messages').selectAll().where('tenant_id', '=', tenantId).where('id', '=', messageId).executeTakeFirst();
  if (!message || message.status !== 'queued') return;
  const settle = (status: 'sent' | 'failed', fields: { provider_message_id?: string; error?: string }) => db.updateTable('sms_messages')
    .set({ status, params: null, sent_at: status === 'sent' ? clock.now() : null, provider_message_id: fields.provider_message_id ?? null, error: fields.error ?? null })
    .where('tenant_id', '=', tenantId).where('id', '=', messageId).where('status', '=', 'queued').execute();
  if (clock.now().getTime() - message.created_at.getTime() > staleAfterMs) return void await settle('failed', { error: 'expired before it could be sent' });
  // Sealed by the start step before anything is served; until then, the job waits for its retry.
  if (!message.phone_sealed) throw new Error(`SMS ${messageId} has no sealed number yet`);
  const provider = messaging.providers[message.provider];
  if (!provider) return void await settle('failed', { error: `provider ${message.provider} is not available in this mode` });
  const settings = await db.selectFrom('sms_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  const account: SmsAccount = {
    accessKeyId: settings?.access_key_id ?? '',
    accessKeySecret: settings?.access_key_secret ? unseal(messaging.credentialsKey, settings.access_key_secret) : '',
    signName: settings?.sign_name ?? '',
    templateCode: settings?.template_code ?? '',
    sdkAppId: settings?.sdk_app_id ?? '',
    region: settings?.region ?? '',
  };
  const params = Object.entries(message.params ?? {}).map(([name, value]) => ({ name, value }));
  try {
    const sent = await provider.send(account, { phone: messaging.phones.open(message.phone_sealed), params, text: message.body ?? '' });
    await settle('sent', { provider_message_id: sent.providerMessageId });
  } catch (err) {
    if (err instanceof SmsSendError && !err.retryable) return void await settle('failed', { error: `${err.code}: ${err.message}` });
    throw err;
  }
}

/** The newest messages first: the console's outbox, each number masked. */
export async function listMessages(db: Conn, tenantId: string, limit: number) {
  const rows = await db.selectFrom('sms_messages').select(['id', 'provider', 'phone_masked', 'purpose', 'body', 'status', 'error', 'created_at', 'sent_at'])
    .where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(({ phone_masked: phone, ...m }) => ({ ...m, phone: phone ?? '****' }));
}

/**
 * Seals the plain numbers migration 037 set aside (SQL cannot seal with the application's key):
 * each message gets its sealed number and masked form, and its plain row is deleted in the same
 * transaction. Run with the customers' phones by the primary after migrating, before anything is
 * served (and by `siyu migrate`); a batch at a time, so a crash midway leaves only unsealed rows to
 * do. Once none is left, the check that every message carries a sealed number holds for old rows
 * too (validated). Returns how many numbers it sealed.
 */
export async function sealUnsealedSmsPhones(db: Db, phones: RecipientPhones, batch = 500): Promise<number> {
  let sealed = 0;
  for (;;) {
    const done = await db.transaction().execute(async (tx) => {
      const rows = await tx.selectFrom('sms_phones_unsealed').select(['tenant_id', 'message_id', 'phone'])
        .orderBy('tenant_id').orderBy('message_id').limit(batch).forUpdate().skipLocked().execute();
      for (const r of rows) {
        await tx.updateTable('sms_messages').set({ phone_sealed: phones.seal(r.phone), phone_masked: phones.mask(r.phone) })
          .where('tenant_id', '=', r.tenant_id).where('id', '=', r.message_id).execute();
      }
      if (rows.length) {
        await tx.deleteFrom('sms_phones_unsealed').where((eb) => eb.or(rows.map((r) => eb.and([eb('tenant_id', '=', r.tenant_id), eb('message_id', '=', r.message_id)])))).execute();
      }
      return rows.length;
    });
    sealed += done;
    if (!done) break;
  }
  await sql`ALTER TABLE sms_messages VALIDATE CONSTRAINT sms_messages_phone_sealed`.execute(db);
  return sealed;
}
