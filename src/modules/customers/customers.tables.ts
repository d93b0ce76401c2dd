import type { Generated } from 'kysely';

export interface CustomersTable {
  tenant_id: string;
  id: string;
  user_id: string | null;
  b_node_id: string | null;
  name: string;
  /** Null for a buyer who signed in through WeChat and has not shared a phone. */
  phone: string | null;
  /** Set when this customer turned out to be the same person as another, older one. */
  merged_into: Generated<string | null>;
  /** Where the customer came from: a live code's state, a share, the shop. */
  channel: Generated<string | null>;
  created_at: Generated<Date>;
}

/** A way a customer proves who they are: the phone today, WeChat's openid or unionid later. */
export type IdentityProvider = 'phone' | 'wechat_openid' | 'wechat_unionid' | 'wecom_external_userid';

export interface CustomerIdentitiesTable {
  tenant_id: string;
  provider: IdentityProvider;
  subject: string;
  customer_id: string;
  /** The WeChat app a `wechat_openid` was issued for; null for phones and unionids. */
  app_id: Generated<string | null>;
  created_at: Generated<Date>;
}

export interface OtpChallengesTable {
  tenant_id: string;
  id: string;
  phone: string;
  client_ip: string;
  code_hash: string;
  attempts: Generated<number>;
  created_at: Date;
  expires_at: Date;
  consumed_at: Date | null;
}

export interface CustomerTables { customers: CustomersTable; customer_identities: CustomerIdentitiesTable; otp_challenges: OtpChallengesTable }
