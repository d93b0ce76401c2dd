/**
 * Shapes of the API responses the web uses, taken from the types generated from the server's
 * OpenAPI document (api/schema.gen.ts, `npm run gen:api`). Amounts are integer fen.
 */
import type { components, paths } from './api/schema.gen.js';
import { afterSalesStatusValues, orderStatusValues } from './api/schema.gen.js';

type Schemas = components['schemas'];

export type OrderStatus = Schemas['OrderStatus'];
export const ORDER_STATUSES: readonly OrderStatus[] = orderStatusValues;

export type Shop = Schemas['Shop'];
export type ShopSku = Schemas['ShopSku'];
export type ShopProduct = Schemas['ShopProduct'];
export type ShopCatalog = Schemas['ShopCatalog'];
export type ShopDirectory = Schemas['ShopDirectory'];
export type ShopProductPage = Schemas['ShopProductPage'];

export type OrderLine = Schemas['OrderLine'];
export type Payment = Schemas['Payment'];
export type Refund = Schemas['Refund'];
export type Order = Schemas['Order'];
export type OrderListItem = Schemas['OrderListItem'];
export type OrderList = Schemas['OrderList'];

export type Job = Schemas['Job'];
export type ReconciliationReport = Schemas['ReconciliationReport'];
export type ReconciliationReportDetail = Schemas['ReconciliationReportDetail'];
export type ApiToken = Schemas['ApiToken'];
export type Meta = Schemas['Meta'];
export type ShopOtp = Schemas['ShopOtp'];
export type SmsMessage = Schemas['SmsMessage'];
export type SmsSettings = Schemas['SmsSettings'];
export type WechatpaySettings = Schemas['WechatpaySettings'];
export type SmsProviderName = Schemas['SmsProviderName'];

export type AfterSalesStatus = Schemas['AfterSalesStatus'];
export const AFTER_SALES_STATUSES: readonly AfterSalesStatus[] = afterSalesStatusValues;
export type AfterSalesRequest = Schemas['AfterSalesRequest'];
export type AfterSalesList = Schemas['AfterSalesRequestList'];
export type AfterSalesAction = Schemas['AfterSalesAction'];
export type AfterSalesSettings = Schemas['AfterSalesSettings'];

export type PaymentStart = Schemas['PaymentStart'];
export type RefundStart = Schemas['RefundStart'];
export type RefundBody = NonNullable<paths['/api/v1/orders/{id}/refunds']['post']['requestBody']>['content']['application/json'];

/** What the console keeps of a sign-in. */
export type AdminSession = Pick<Schemas['Session'], 'token' | 'user' | 'tenant'>;
/** What the shop keeps of a consumer's session, per shop. */
export type ShopSession = Pick<Schemas['ShopSession'], 'token' | 'customer'>;

export type ShareCode = Schemas['ShareCode'];
export type Listing = Schemas['Listing'];
export type BNode = Schemas['BNode'];
export type SubscribeMessage = Schemas['SubscribeMessage'];
export type SubscribeTemplate = Schemas['SubscribeTemplate'];
export type ShopSubscribeOptIns = Schemas['ShopSubscribeOptIns'];
/** WeChat sign-in: what a shop offers, the start of web authorisation, a snapshot visitor's answer; the console's apps. */
export type WechatSignInOptions = Schemas['WechatSignInOptions'];
export type WechatOauthStart = Schemas['WechatOauthStart'];
export type WechatAnonymous = Schemas['WechatAnonymous'];
export type ShopSessionAnswer = Schemas['ShopSession'];
export type WechatApp = Schemas['WechatApp'];
export type WecomSettings = Schemas['WecomSettings'];
export type WecomEventReceived = Schemas['WecomEventReceived'];

export type ShopFlashSale = Schemas['ShopFlashSale'];
export type ShopGroupBuy = Schemas['ShopGroupBuy'];
export type ShopGroup = Schemas['ShopGroup'];
export type ShopGroupPage = Schemas['ShopGroupPage'];
export type FlashSale = Schemas['FlashSale'];
export type FlashSaleResults = Schemas['FlashSaleResults'];
export type GroupBuy = Schemas['GroupBuy'];
export type GroupBuyResults = Schemas['GroupBuyResults'];
export type Quote = Schemas['Quote'];
export type DiscountLine = Schemas['DiscountLine'];
export type ShopPromotions = Schemas['ShopPromotions'];
export type CouponOffer = Schemas['CouponOffer'];
export type WalletCoupon = Schemas['WalletCoupon'];
export type CouponTemplate = Schemas['CouponTemplate'];
export type CouponRedemption = Schemas['CouponRedemption'];
