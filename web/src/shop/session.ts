import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isUnauthenticated } from '../api.js';
import { readStored, useStored, writeStored } from '../storage.js';
import type { Order, ShopCatalog, ShopProductPage, ShopSession } from '../types.js';

/** The consumer's session for one shop (a sandbox stand-in for WeChat login), kept per shop slug. */
export type { ShopSession };

const key = (slug: string) => `siyu.session.${slug}`;

export function useShopSession(slug: string): ShopSession | null {
  return useStored<ShopSession>(key(slug));
}

/** The session outside React (a page that acts once on load). */
export function loadShopSession(slug: string): ShopSession | null {
  return readStored<ShopSession>(key(slug));
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

/** How long one status request is held by the server while the order waits for its payment. */
const HOLD_MS = 20_000;

/**
 * The order, refreshed the moment its payment lands: while it awaits payment, one status request
 * at a time is held by the server until the status changes (a long poll), so the page neither
 * polls nor waits longer than the notification takes.
 */
export function useConsumerOrder(slug: string, orderId: string, token: string | undefined) {
  const queryClient = useQueryClient();
  const order = useQuery({
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
  });
  const awaiting = order.data?.status === 'pending_payment';
  useEffect(() => {
    if (!awaiting || !token) return;
    const stop = new AbortController();
    void (async () => {
      while (!stop.signal.aborted) {
        try {
          const now = await api<{ status: string }>(`/orders/${orderId}/status?changed_from=pending_payment&wait_ms=${HOLD_MS}`, { token, signal: stop.signal });
          if (now.status !== 'pending_payment') {
            await queryClient.invalidateQueries({ queryKey: ['consumer-order', orderId] });
            return;
          }
        } catch (err) {
          if (stop.signal.aborted) return;
          forgetIfExpired(slug, err);
          // Offline or the server restarting: try again shortly rather than spin.
          await new Promise((r) => setTimeout(r, 3_000));
        }
      }
    })();
    return () => stop.abort();
  }, [awaiting, token, orderId, slug, queryClient]);
  return order;
}
