/** Shapes of the API responses the web uses; amounts are integer fen. */
export type OrderStatus =
  | 'pending_payment' | 'paid' | 'ready_for_pickup' | 'completed'
  | 'partially_refunded' | 'refunded' | 'expired' | 'cancelled';

export const ORDER_STATUSES: OrderStatus[] = ['pending_payment', 'paid', 'ready_for_pickup', 'completed', 'partially_refunded', 'refunded', 'expired', 'cancelled'];

export interface Shop { id: string; name: string; slug: string; kind: string; pickup_address: string }
export interface ShopSku { id: string; code: string; name: string; price: number; available: number }
export interface ShopProduct {
  id: string; title: string; description: string; category: string; image_url: string | null; min_price: number; skus: ShopSku[];
}
export interface ShopCatalog { shop: Shop; products: ShopProduct[] }

export interface OrderLine {
  line_no: number; sku_id: string; sku_code: string; title: string; quantity: number;
  unit_price: number; line_total: number; refunded_quantity: number; refunded_amount: number;
}
export interface Payment { id: string; provider: string; amount: number; status: string; refunded_amount: number; created_at: string; succeeded_at: string | null }
export interface Refund { id: string; amount: number; status: string; reason: string; restocked: boolean; created_at: string; settled_at: string | null }
export interface Order {
  id: string; number: string; status: OrderStatus; fulfillment: string; pickup_code: string;
  subtotal: number; discount: number; total: number; refunded_total: number; shipped: boolean; note: string;
  expires_at: string; created_at: string; paid_at: string | null; closed_at: string | null;
  lines: OrderLine[];
  shop?: { id: string; name: string; slug: string; pickup_address: string } | null;
  customer?: { id: string; name: string; phone: string } | null;
  payments?: Payment[];
  refunds?: Refund[];
}
export interface OrderListItem {
  id: string; number: string; status: OrderStatus; b_node_name: string; customer_name: string; customer_phone: string;
  total: number; refunded_total: number; created_at: string; paid_at: string | null;
}
export interface OrderList { items: OrderListItem[]; next_cursor: string | null }
