import { useState } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { yuan } from '../money.js';
import type { Order } from '../types.js';
import { ErrorNote } from '../ui.js';
import { useAttemptKey } from '../useAttemptKey.js';
import { BuyerForm } from './BuyerForm.js';
import { useLiveCart } from './CartPage.js';
import { clearCart } from './cart.js';
import { clearShopSession, forgetIfExpired, useShopCatalog, useShopSession } from './session.js';
import { CouponPicker } from './CouponPicker.js';
import { DiscountLines, useQuote } from './discounts.js';

export function CheckoutPage() {
  const { slug = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useShopSession(slug);
  const shop = useShopCatalog(slug).data?.shop;
  const { lines, total } = useLiveCart(slug);
  const [note, setNote] = useState('');
  const [couponIds, setCouponIds] = useState<string[]>([]);

  const cartLines = lines.map((l) => ({ sku_id: l.sku_id, quantity: l.quantity }));
  const quote = useQuote(slug, cartLines, session?.token, couponIds);
  const body = { shop: slug, lines: cartLines, fulfillment: 'pickup' as const, note: note.trim(), coupon_ids: couponIds };
  const attempt = useAttemptKey(`${session?.token}|${JSON.stringify(body)}`);
  const place = useMutation({
    mutationFn: () => api<Order>('/orders', { body, token: session?.token, idempotencyKey: attempt.key }),
    onSuccess: (order) => {
      clearCart(slug);
      attempt.renew();
      void queryClient.invalidateQueries({ queryKey: ['shop', slug] });
      navigate(`/s/${slug}/pay/${order.id}`, { replace: true });
    },
    onError: (err) => {
      forgetIfExpired(slug, err);
      // Stock may have moved under the buyer; refresh what the cart shows.
      void queryClient.invalidateQueries({ queryKey: ['shop', slug] });
    },
  });

  if (lines.length === 0 && !place.isPending && !place.isSuccess) return <Navigate to={`/s/${slug}/cart`} replace />;
  return (
    <>
      <h1 className="page-title">{t('shop.checkout_title')}</h1>
      {!session ? (
        <BuyerForm slug={slug} />
      ) : (
        <div className="card buyer" data-testid="buyer-summary">
          <span>{t('shop.buyer', { name: session.customer.name, phone: session.customer.phone ?? '' })}</span>
          <button type="button" className="link" onClick={() => clearShopSession(slug)}>{t('shop.change_buyer')}</button>
        </div>
      )}
      <section className="card">
        <p className="tag">{t('shop.fulfillment_pickup')}</p>
        {shop?.pickup_address && <p className="muted small">{t('shop.pickup_at', { address: shop.pickup_address })}</p>}
        <ul className="summary-lines">
          {lines.map((l) => (
            <li key={l.sku_id}>
              <span>{l.title} · {l.sku_name} × {l.quantity}</span>
              <span>{yuan(l.price * l.quantity)}</span>
            </li>
          ))}
        </ul>
        {quote.data && <DiscountLines subtotal={quote.data.subtotal} discounts={quote.data.discounts} />}
        {quote.data?.subsidy_replaced_by_coupon && <p className="notice small" data-testid="subsidy-replaced">{t('coupons.subsidy_replaced')}</p>}
        <label className="field">
          <span>{t('shop.note')}</span>
          <textarea value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} rows={2} data-testid="order-note" />
        </label>
      </section>
      {session && <CouponPicker token={session.token} chosen={couponIds} onChange={setCouponIds} />}
      {/* A coupon that does not fit this cart (scope, minimum, stacking) says why here, before any order. */}
      <ErrorNote error={quote.error} testId="quote-error" />
      <ErrorNote error={place.error} testId="checkout-error" />
      <div className="sticky-actions total-bar">
        <span>{t('common.total')} <strong className="price" data-testid="checkout-total">{yuan(quote.data?.total ?? total)}</strong></span>
        <button type="button" className="primary" disabled={!session || place.isPending || quote.isError || quote.isPlaceholderData} onClick={() => place.mutate()} data-testid="place-order">
          {place.isPending ? t('shop.placing') : t('shop.place_order')}
        </button>
      </div>
    </>
  );
}
