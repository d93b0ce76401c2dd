import { useQuery } from '@tanstack/react-query';
import { api, isUnauthenticated } from '../api.js';
import { useStored, writeStored } from '../storage.js';
import type { Order, ShopCatalog, ShopProductPage, ShopSession } from '../types.js';

/** The consumer's session for one shop (a sandbox stand-in for WeChat login), kept per shop slug. */
export type { ShopSession };

const key = (slug: string) => `siyu.session.${slug}`;

export function useShopSession(slug: string): ShopSession | null {
  return useStored<ShopSession>(key(slug));
}

export function saveShopSession(slug: string, session: ShopSession) {
  writeStored(key(slug), session);
}

export function clearShopSession(slug: string) {
  writeStored(key(slug), null);
}

/** A stored token the server no longer accepts is dropped, so the buyer is simply asked again. */
export function forgetIfExpired(slug: string, err: unknown) {
  if (isUnauthenticated(err)) clearShopSession(slug);
}

export function useShopCatalog(slug: string) {
  return useQuery({ queryKey: ['shop', slug], queryFn: ({ signal }) => api<ShopCatalog>(`/shops/${slug}`, { signal }) });
}

export function useShopProduct(slug: string, productId: string) {
  return useQuery({
    queryKey: ['shop', slug, 'product', productId],
    queryFn: ({ signal }) => api<ShopProductPage>(`/shops/${slug}/products/${productId}`, { signal }),
  });
}

/** Polls while the order waits for its payment notification, which the server applies asynchronously. */
export function useConsumerOrder(slug: string, orderId: string, token: string | undefined) {
  return useQuery({
    queryKey: ['consumer-order', orderId],
    enabled: !!token,
    queryFn: async ({ signal }) => {
      try {
        return await api<Order>(`/orders/${orderId}`, { token, signal });
      } catch (err) {
        forgetIfExpired(slug, err);
        throw err;
      }
    },
    // Fast at first (the sandbox confirms within a second), then gently, for an order left unpaid.
    refetchInterval: (query) => (query.state.data?.status !== 'pending_payment' ? false : query.state.dataUpdateCount < 60 ? 1000 : 5000),
  });
}
