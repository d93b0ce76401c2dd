import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { yuan } from '../money.js';
import type { CouponOffer, DiscountLine, Quote, ShopPromotions, WalletCoupon } from '../types.js';

type QuoteLine = { sku_id: string; quantity: number };

/**
 * What checkout would charge for this cart now, priced by the server with checkout's own code:
 * the cart, checkout and cashier show this total, so what is shown is what is charged.
 */
export function useQuote(slug: string, lines: QuoteLine[], token: string | undefined, couponIds: string[] = []) {
  const body = { shop: slug, lines, fulfillment: 'pickup' as const, coupon_ids: couponIds };
  return useQuery({
    queryKey: ['quote', slug, token ?? null, JSON.stringify(lines), couponIds.join(',')],
    enabled: lines.length > 0,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => api<Quote>('/orders/quote', { body, token, signal }),
  });
}

export function usePromotions(slug: string, token: string | undefined) {
  return useQuery({ queryKey: ['promotions', slug, token ?? null], queryFn: ({ signal }) => api<ShopPromotions>(`/shops/${slug}/promotions`, { token, signal }) });
}

export function useWallet(token: string | undefined) {
  return useQuery({ queryKey: ['wallet', token ?? null], enabled: !!token, queryFn: ({ signal }) => api<{ items: WalletCoupon[] }>('/wallet/coupons', { token, signal }) });
}

export function useClaimCoupon(slug: string, token: string | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (templateId: string) => api<WalletCoupon>(`/shops/${slug}/coupons/${templateId}/claim`, { body: {}, token }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['wallet'] });
      void queryClient.invalidateQueries({ queryKey: ['promotions', slug] });
    },
  });
}

/** A coupon's terms in a few words: "满30减5", "减¥2.00", "85折 (最多减¥10.00)". */
export function useCouponTerms() {
  const { t } = useTranslation();
  return (c: Pick<CouponOffer, 'kind' | 'amount' | 'percent_bps' | 'max_discount' | 'min_total'>) => {
    const off = c.kind === 'percent'
      ? t('coupons.percent_off', { percent: (c.percent_bps ?? 0) / 100 })
      : t('coupons.amount_off', { amount: yuan(c.amount ?? 0) });
    const floor = c.min_total > 0 ? t('coupons.min_total', { amount: yuan(c.min_total) }) : '';
    const cap = c.kind === 'percent' && c.max_discount ? t('coupons.max_discount', { amount: yuan(c.max_discount) }) : '';
    return [floor, off, cap].filter(Boolean).join(' ');
  };
}

/** The discount lines of a quote or an order, each with its amount, and the total before them. */
export function DiscountLines({ subtotal, discounts, testId = 'discount-lines' }: { subtotal: number; discounts: DiscountLine[] | undefined; testId?: string }) {
  const { t } = useTranslation();
  if (!discounts || discounts.length === 0) return null;
  return (
    <ul className="summary-lines discount-lines" data-testid={testId}>
      <li><span>{t('coupons.goods_total')}</span><span data-testid={`${testId}-subtotal`}>{yuan(subtotal)}</span></li>
      {discounts.map((d) => (
        <li key={`${d.kind}-${d.ref}`} className="discount" data-testid="discount-line" data-kind={d.kind}>
          <span><span className="tag">{t(`coupons.kind_${d.kind}`)}</span> {d.name}</span>
          <span className="price">−{yuan(d.amount)}</span>
        </li>
      ))}
    </ul>
  );
}
