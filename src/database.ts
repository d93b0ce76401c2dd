import type { Db as PlatformDb, Conn as PlatformConn, PlatformTables, Tx as PlatformTx } from './platform/db/database.js';
import type { IdentityTables } from './modules/identity/identity.tables.js';
import type { CatalogTables } from './modules/catalog/catalog.tables.js';
import type { InventoryTables } from './modules/inventory/inventory.tables.js';
import type { BNodeTables } from './modules/b-nodes/b-nodes.tables.js';
import type { ShopCatalogTables } from './modules/b-nodes/shop-catalog.tables.js';
import type { CustomerTables } from './modules/customers/customers.tables.js';
import type { OrderTables } from './modules/orders/orders.tables.js';
import type { PaymentTables } from './modules/payments/payments.tables.js';
import type { EconomicsTables } from './modules/economics/economics.tables.js';
import type { CampaignTables } from './modules/campaigns/campaigns.tables.js';
import type { FlashSaleTables } from './modules/flash-sales/flash-sales.tables.js';
import type { GroupBuyTables } from './modules/group-buys/group-buys.tables.js';
import type { CouponTables } from './modules/coupons/coupons.tables.js';
import type { ReferralTables } from './modules/referrals/referrals.tables.js';
import type { MessagingTables } from './modules/messaging/messaging.tables.js';
import type { AfterSalesTables } from './modules/after-sales/after-sales.tables.js';
import type { SharingTables } from './modules/sharing/sharing.tables.js';
import type { SubscribeMessageTables } from './modules/subscribe-messages/subscribe-messages.tables.js';
import type { ProfitSharingTables } from './modules/profit-sharing/profit-sharing.tables.js';
import type { ReconciliationTables } from './modules/reconciliation/reconciliation.tables.js';
import type { WechatTables } from './modules/wechat/wechat.tables.js';
import type { CatalogIoTables } from './modules/catalog-io/catalog-io.tables.js';
import type { AssortmentTables } from './modules/assortments/assortments.tables.js';
import type { CrmTables } from './modules/crm/crm.tables.js';
import type { WecomTables } from './modules/wecom/wecom.tables.js';
import type { FulfilmentTables } from './modules/fulfilment/fulfilment.tables.js';
import type { PresaleTables } from './modules/presales/presales.tables.js';
import type { BargainTables } from './modules/bargains/bargains.tables.js';
import type { BroadcastTables } from './modules/broadcasts/broadcasts.tables.js';
import type { LiveCodeTables } from './modules/live-codes/live-codes.tables.js';
import type { HandoverTables } from './modules/handovers/handovers.tables.js';

/**
 * The application's schema: the union of the tables each module declares in its *.tables.ts and
 * the platform's own. Only for Kysely's typing: which module may touch which table is checked by
 * scripts/check-table-ownership.ts.
 */
export interface Database extends PlatformTables, IdentityTables, CatalogTables, InventoryTables, BNodeTables, ShopCatalogTables, CustomerTables,
  OrderTables, PaymentTables, EconomicsTables, CampaignTables, FlashSaleTables, GroupBuyTables, CouponTables, ReferralTables, MessagingTables, AfterSalesTables, WechatTables,
  SharingTables, SubscribeMessageTables, ProfitSharingTables, ReconciliationTables, FulfilmentTables, AssortmentTables, CatalogIoTables, CrmTables, WecomTables,
  PresaleTables, BargainTables, BroadcastTables, LiveCodeTables, HandoverTables {}

export type Db = PlatformDb<Database>;
export type Tx = PlatformTx<Database>;
/** Services accept either: a Db when they open their own transaction, a Tx when they join the caller's. */
export type Conn = PlatformConn<Database>;
