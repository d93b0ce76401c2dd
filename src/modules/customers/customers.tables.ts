import type { Generated } from 'kysely';

export interface CustomersTable {
  tenant_id: string;
  id: string;
  user_id: string | null;
  b_node_id: string | null;
  name: string;
  /**
   * The phone, never in the clear (customer-phones.service.ts): sealed, its blind index for equality and its
   * masked form for lists. All null for a buyer who signed in through WeChat and has not shared one.
   */
  phone_sealed: string | null;
  phone_index: string | null;
  phone_masked: string | null;
  phone_tails: Generated<string[]>;
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
  /** The phone as a keyed hash (the codes' key): the throttle and the newest code are found by it. */
  phone_hash: string;
  client_ip: string;
  code_hash: string;
  attempts: Generated<number>;
  created_at: Date;
  expires_at: Date;
  consumed_at: Date | null;
}

/** Plain phones from before they were sealed, emptied by sealUnsealedPhones at the first start after migration 032. */
export interface CustomerPhonesUnsealedTable { tenant_id: string; customer_id: string; phone: string }

export interface CustomerTables { customers: CustomersTable; customer_identities: CustomerIdentitiesTable; otp_challenges: OtpChallengesTable; customer_phones_unsealed: CustomerPhonesUnsealedTable }
