import type { Generated } from 'kysely';
import type { PaymentStatus, RefundStatus } from './payments.states.js';
import type { Fen } from '../../platform/money.js';

export interface PaymentsTable {
  tenant_id: string;
  id: string;
  order_id: string;
  provider: string;
  amount: Fen;
  status: PaymentStatus;
  refunded_amount: Generated<Fen>;
  provider_trade_no: string | null;
  created_at: Generated<Date>;
  succeeded_at: Date | null;
  /** WeChat Pay: the appid the prepay was made for and its prepay id. */
  wechatpay_appid: Generated<string | null>;
  wechatpay_prepay_id: Generated<string | null>;
  /** When the provider-side order was created (the query job asks about it a while later). */
  prepaid_at: Generated<Date | null>;
  /** When the provider-side order was closed (expired or cancelled order). */
  closed_at: Generated<Date | null>;
}

export interface PaymentEventsTable {
  tenant_id: string;
  provider: string;
  event_id: string;
  payment_id: string;
  event_type: string;
  raw: unknown;
  outcome: string;
  received_at: Generated<Date>;
}

export interface RefundsTable {
  tenant_id: string;
  id: string;
  order_id: string;
  payment_id: string;
  amount: Fen;
  status: RefundStatus;
  reason: Generated<string>;
  restocked: boolean;
  lines: unknown;
  created_by: string | null;
  created_at: Generated<Date>;
  settled_at: Date | null;
  /** The provider's word on a refund that is neither done nor failed (WeChat Pay's ABNORMAL). */
  provider_status: Generated<string | null>;
}

/** Nonces of signed notifications inside the acceptance window, with the message each came with. */
export interface PaymentNotificationNoncesTable {
  tenant_id: string;
  provider: string;
  nonce: string;
  fingerprint: string;
  signed_at: Date;
  received_at: Generated<Date>;
}

/** A platform verification key: WeChat Pay's public key (`PUB_KEY_ID_…`) or a platform certificate, PEM. */
export interface WechatpayPlatformKey { serial: string; kind: 'public_key' | 'certificate'; pem: string }

/** A tenant's WeChat Pay merchant. `private_key` and `apiv3_key` are sealed; never returned by the API. */
export interface WechatpayMerchantsTable {
  tenant_id: string;
  mchid: string;
  appids: string[];
  merchant_serial: string;
  private_key: string;
  apiv3_key: string;
  platform_keys: WechatpayPlatformKey[];
  /** WeChat Pay's host, or 'simulator' for this server's own simulator (sandbox only). */
  api_base: string;
  profit_sharing: Generated<boolean>;
  updated_at: Generated<Date>;
}

export interface PaymentTables { payments: PaymentsTable; payment_events: PaymentEventsTable; refunds: RefundsTable; payment_notification_nonces: PaymentNotificationNoncesTable; wechatpay_merchants: WechatpayMerchantsTable }
