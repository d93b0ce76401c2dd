import type { Generated } from 'kysely';

/** A tenant's WeCom corp: the callback's Token and EncodingAESKey and the API secret, all sealed. */
export interface WecomSettingsTable {
  tenant_id: string;
  corp_id: string;
  agent_id: string | null;
  /** Sealed with a key derived from SIYU_SECRET_KEY, as the two below; never returned by the API. */
  token: string;
  encoding_aes_key: string;
  secret: string;
  api_base: string;
  verified_at: Date | null;
  updated_at: Generated<Date>;
}

export interface WecomAccessTokensTable {
  tenant_id: string;
  /** Sealed, as the secret. */
  access_token: string | null;
  expires_at: Date | null;
  version: Generated<number>;
  lease_holder: string | null;
  lease_until: Date | null;
  refreshed_at: Date | null;
}

/** One verified callback event, kept once under WeCom's dedupe key. */
export interface WecomCallbackInboxTable {
  tenant_id: string;
  id: string;
  dedupe_key: string;
  event: unknown;
  received_at: Date;
  applied_at: Date | null;
}

export interface WecomTables {
  wecom_settings: WecomSettingsTable;
  wecom_access_tokens: WecomAccessTokensTable;
  wecom_callback_inbox: WecomCallbackInboxTable;
}
