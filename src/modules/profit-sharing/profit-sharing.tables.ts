import type { Generated } from 'kysely';
import type { Fen } from '../../platform/money.js';
import type { ReceiverStatus, ReturnStatus, SplitStatus } from './profit-sharing.states.js';

export type ReceiverType = 'MERCHANT_ID' | 'PERSONAL_OPENID';

export interface ProfitSharingReceiversTable {
  tenant_id: string; id: string; b_node_id: string; type: ReceiverType; account: string;
  /** Sealed with a key derived from SIYU_SECRET_KEY; never returned by the API. */
  name_sealed: string | null;
  relation_type: string; custom_relation: string | null; status: ReceiverStatus; error: string | null;
  created_at: Generated<Date>; updated_at: Generated<Date>;
}

export interface ProfitSharingOrdersTable {
  tenant_id: string; id: string; kind: 'split' | 'unfreeze'; order_id: string; payment_id: string; transaction_id: string;
  out_order_no: string; receiver_id: string | null; b_node_id: string | null; amount: Fen; returned_amount: Generated<Fen>;
  unfreeze_unsplit: boolean; status: SplitStatus; wechat_order_id: string | null; result: unknown; error: string | null;
  created_at: Generated<Date>; finished_at: Date | null;
}

export interface ProfitSharingReturnsTable {
  tenant_id: string; id: string; split_id: string; out_return_no: string; amount: Fen; status: ReturnStatus;
  wechat_return_id: string | null; error: string | null; created_at: Generated<Date>; finished_at: Date | null;
}

export interface ProfitSharingTables {
  profit_sharing_receivers: ProfitSharingReceiversTable;
  profit_sharing_orders: ProfitSharingOrdersTable;
  profit_sharing_returns: ProfitSharingReturnsTable;
}
