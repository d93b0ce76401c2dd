import type { Generated } from 'kysely';

/** The simulator's own records of WeChat Pay (sandbox only; migration 012). */
export interface WechatpaySimTransactionsTable {
  mchid: string;
  out_trade_no: string;
  appid: string;
  prepay_id: string;
  transaction_id: string;
  description: string;
  amount_total: number;
  payer_openid: string;
  notify_url: string;
  time_expire: Date | null;
  profit_sharing: Generated<boolean>;
  request: unknown;
  trade_state: Generated<'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND' | 'PAYERROR'>;
  success_time: Date | null;
  created_at: Generated<Date>;
}

export interface WechatpaySimRefundsTable {
  mchid: string;
  out_refund_no: string;
  out_trade_no: string;
  refund_id: string;
  amount_refund: number;
  notify_url: string | null;
  status: Generated<'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL'>;
  success_time: Date | null;
  created_at: Generated<Date>;
}

export interface WechatpaySimSettingsTable {
  mchid: string;
  time_scale: Generated<number>;
  notify_mode: Generated<'normal' | 'duplicate' | 'drop'>;
  refund_outcome: Generated<'SUCCESS' | 'CLOSED' | 'ABNORMAL'>;
}

export interface WechatpaySimTables {
  wechatpay_sim_transactions: WechatpaySimTransactionsTable;
  wechatpay_sim_refunds: WechatpaySimRefundsTable;
  wechatpay_sim_settings: WechatpaySimSettingsTable;
}
