import type { Generated } from 'kysely';

/** Profit sharing and bills in the simulator (sandbox only; migration 013). */
export interface WechatpaySimMoneyTables {
  wechatpay_sim_ps_receivers: { mchid: string; type: string; account: string; appid: string; name: string | null; relation_type: string; created_at: Generated<Date> };
  wechatpay_sim_ps_orders: {
    mchid: string; out_order_no: string; order_id: string; transaction_id: string; kind: 'split' | 'unfreeze'; request: unknown; receivers: unknown;
    amount: number; unfreeze_unsplit: boolean; state: 'PROCESSING' | 'FINISHED'; created_at: Generated<Date>; finished_at: Date | null;
  };
  wechatpay_sim_ps_returns: {
    mchid: string; out_return_no: string; out_order_no: string; return_id: string; amount: number; request: unknown;
    result: 'PROCESSING' | 'SUCCESS' | 'FAILED'; created_at: Generated<Date>; finished_at: Date | null;
  };
  wechatpay_sim_bill_files: { token: string; mchid: string; content: Buffer; created_at: Generated<Date> };
  wechatpay_sim_bill_tweaks: { mchid: string; bill_date: string; seq: Generated<number>; kind: 'drop' | 'amount' | 'extra' | 'corrupt'; out_trade_no: string | null; amount: number | null };
}
