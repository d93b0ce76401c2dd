import type { Generated } from 'kysely';

export type SmsProviderName = 'sandbox' | 'aliyun' | 'tencent';

export interface SmsSettingsTable {
  tenant_id: string;
  provider: SmsProviderName;
  access_key_id: Generated<string>;
  /** Sealed with a key derived from SIYU_SECRET_KEY; never returned by the API. */
  access_key_secret: string | null;
  sign_name: Generated<string>;
  template_code: Generated<string>;
  sdk_app_id: Generated<string>;
  region: Generated<string>;
  updated_at: Generated<Date>;
}

export interface SmsMessagesTable {
  tenant_id: string;
  id: string;
  provider: SmsProviderName;
  /** The recipient's number sealed with the customers' phone key; opened only to hand it to the provider (migration 037). */
  phone_sealed: string | null;
  /** The number as the outbox shows it (138****5678). */
  phone_masked: string | null;
  purpose: 'otp';
  body: string | null;
  params: Record<string, string> | null;
  status: Generated<'queued' | 'sent' | 'failed'>;
  provider_message_id: string | null;
  error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/** Plain numbers of messages from before they were sealed, emptied by sealUnsealedSmsPhones at the first start after migration 037. */
export interface SmsPhonesUnsealedTable {
  tenant_id: string;
  message_id: string;
  phone: string;
}

export interface MessagingTables { sms_settings: SmsSettingsTable; sms_messages: SmsMessagesTable; sms_phones_unsealed: SmsPhonesUnsealedTable }
