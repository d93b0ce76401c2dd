import type { Conn, Db } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { seal, unseal } from '../../platform/secrets.js';
import { messagingError } from './messaging.errors.js';
import { SmsSendError, type SmsAccount, type SmsProvider } from './messaging.provider.js';
import type { SmsProviderName } from './messaging.tables.js';

/** The SMS providers this server offers (no sandbox in live mode), and the key sealing their secrets. */
export interface Messaging {
  providers: Partial<Record<SmsProviderName, SmsProvider>>;
  credentialsKey: Buffer;
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
    tenant_id: tenantId, id, provider, phone: input.phone, purpose: 'otp', body, params: { code: input.code }, provider_message_id: null, error: null, created_at: clock.now(), sent_at: null,
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
 * The template parameters (the code) are cleared once the message is settled.
 */
export async function deliverSms(db: Db, clock: Clock, messaging: Messaging, tenantId: string, messageId: string, staleAfterMs: number): Promise<void> {
  const message = await db.selectFrom('sms_messages').selectAll().where('tenant_id', '=', tenantId).where('id', '=', messageId).executeTakeFirst();
  if (!message || message.status !== 'queued') return;
  const settle = (status: 'sent' | 'failed', fields: { provider_message_id?: string; error?: string }) => db.updateTable('sms_messages')
    .set({ status, params: null, sent_at: status === 'sent' ? clock.now() : null, provider_message_id: fields.provider_message_id ?? null, error: fields.error ?? null })
    .where('tenant_id', '=', tenantId).where('id', '=', messageId).where('status', '=', 'queued').execute();
  if (clock.now().getTime() - message.created_at.getTime() > staleAfterMs) return void await settle('failed', { error: 'expired before it could be sent' });
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
    const sent = await provider.send(account, { phone: message.phone, params, text: message.body ?? '' });
    await settle('sent', { provider_message_id: sent.providerMessageId });
  } catch (err) {
    if (err instanceof SmsSendError && !err.retryable) return void await settle('failed', { error: `${err.code}: ${err.message}` });
    throw err;
  }
}

/** The newest messages first: the console's outbox. */
export async function listMessages(db: Conn, tenantId: string, limit: number) {
  return db.selectFrom('sms_messages').select(['id', 'provider', 'phone', 'purpose', 'body', 'status', 'error', 'created_at', 'sent_at'])
    .where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
