import type { Generated } from 'kysely';

/** The two kinds of WeChat app a tenant connects: the official account (H5 shop inside WeChat) and the mini-program. */
export type WechatAppKind = 'official_account' | 'mini_program';

export interface WechatAppsTable {
  tenant_id: string;
  app: WechatAppKind;
  appid: string;
  /** Sealed with a key derived from SIYU_SECRET_KEY; never returned by the API. */
  secret: string;
  api_base: string;
  updated_at: Generated<Date>;
}

export interface WechatAccessTokensTable {
  tenant_id: string;
  app: WechatAppKind;
  /** Sealed, as the app secret. */
  access_token: string | null;
  expires_at: Date | null;
  version: Generated<number>;
  lease_holder: string | null;
  lease_until: Date | null;
  refreshed_at: Date | null;
}

export interface WechatOauthStatesTable {
  tenant_id: string;
  state: string;
  b_node_id: string;
  browser_hash: string;
  created_at: Date;
  expires_at: Date;
  consumed_at: Date | null;
}

export interface WechatMiniProgramSessionsTable {
  tenant_id: string;
  openid: string;
  /** Sealed; never leaves the server. */
  session_key: string;
  updated_at: Generated<Date>;
}

export interface WechatTables {
  wechat_apps: WechatAppsTable;
  wechat_access_tokens: WechatAccessTokensTable;
  wechat_oauth_states: WechatOauthStatesTable;
  wechat_mini_program_sessions: WechatMiniProgramSessionsTable;
}
