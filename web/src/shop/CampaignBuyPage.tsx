import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { yuan } from '../money.js';
import type { Order, ShopFlashSale, ShopGroupBuy } from '../types.js';
import { ErrorNote, Loading } from '../ui.js';
import { useAttemptKey } from '../useAttemptKey.js';
import { BuyerForm } from './BuyerForm.js';
import { clearShopSession, forgetIfExpired, useShopCatalog, useShopSession } from './session.js';
import { flashSalesKey, groupBuysKey } from './CampaignStrip.js';

/**
 * One unit bought under a flash sale or a group buy (opening a group, or joining `?group=`): the
 * campaign's price is what checkout charges, shown before the order is placed.
 */
export function CampaignBuyPage() {
  const { slug = '', kind = '', ref = '' } = useParams();
  const [params] = useSearchParams();
  const groupId = params.get('group') ?? undefined;
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useShopSession(slug);
  const shop = useShopCatalog(slug).data?.shop;
  const isFlash = kind === 'flash_sale';
  const flash = useQuery({ queryKey: flashSalesKey(slug), queryFn: ({ signal }) => api<{ items: ShopFlashSale[] }>(`/shops/${slug}/flash-sales`, { signal }).then((r) => r.items), enabled: isFlash });
  const groups = useQuery({ queryKey: groupBuysKey(slug), queryFn: ({ signal }) => api<{ items: ShopGroupBuy[] }>(`/shops/${slug}/group-buys`, { signal }).then((r) => r.items), enabled: !isFlash });
  const sale = flash.data?.find((s) => s.id === ref);
  const campaign = groups.data?.find((g) => g.id === ref);
  const item = isFlash
    ? sale && { title: sale.title, sku_name: sale.sku_name, sku_id: sale.sku_id, price: sale.price, list: sale.list_price }
    : campaign && { title: campaign.title, sku_name: campaign.sku_name, sku_id: campaign.sku_id, price: groupId ? campaign.member_price : campaign.opener_price, list: campaign.list_price };
  const body = item && { shop: slug, lines: [{ sku_id: item.sku_id, quantity: 1 }], fulfillment: 'pickup' as const, note: '', campaign: { kind: isFlash ? 'flash_sale' as const : 'group_buy' as const, ref, ...(groupId ? { group_id: groupId } : {}) } };
  const attempt = useAttemptKey(`${session?.token}|${JSON.stringify(body)}`);
  const place = useMutation({
    mutationFn: () => api<Order>('/orders', { body, token: session?.token, idempotencyKey: attempt.key }),
    onSuccess: (order) => {
      attempt.renew();
      void queryClient.invalidateQueries({ queryKey: ['shop', slug] });
      navigate(`/s/${slug}/pay/${order.id}`, { replace: true });
    },
    onError: (err) => {
      forgetIfExpired(slug, err);
      void queryClient.invalidateQueries({ queryKey: ['shop', slug] });
    },
  });
  if (flash.isPending && isFlash) return <Loading />;
  if (groups.isPending && !isFlash) return <Loading />;
  if (!item) return <ErrorNote error={flash.error ?? groups.error ?? new Error(t('promo.none'))} />;
  return (
    <>
      <h1 className="page-title">{t('promo.buy_title')}</h1>
      {!session ? <BuyerForm slug={slug} /> : (
        <div className="card buyer" data-testid="buyer-summary">
          <span>{t('shop.buyer', { name: session.customer.name, phone: session.customer.phone ?? '' })}</span>
          <button type="button" className="link" onClick={() => clearShopSession(slug)}>{t('shop.change_buyer')}</button>
        </div>
      )}
      <section className="card">
        <p className="tag">{isFlash ? t('promo.flash_title') : t('promo.group_title')}</p>
        {shop?.pickup_address && <p className="muted small">{t('shop.pickup_at', { address: shop.pickup_address })}</p>}
        <ul className="summary-lines">
          <li><span>{item.title} · {item.sku_name} × 1</span><span><s className="muted small">{yuan(item.list)}</s> {yuan(item.price)}</span></li>
          <li data-testid="campaign-discount"><span>{t('promo.unit_price')}</span><span>−{yuan(item.list - item.price)}</span></li>
        </ul>
        {!isFlash && campaign?.tiers && (
          <div data-testid="buy-ladder">
            <p className="small">{t('promo.ladder')}: {campaign.tiers.map((x) => t('promo.ladder_tier', { size: x.size, price: yuan(x.price) })).join(' · ')}</p>
            <p className="muted small">{t('promo.ladder_paid_now', { price: yuan(item.price) })}</p>
          </div>
        )}
      </section>
      <ErrorNote error={place.error} testId="checkout-error" />
      <div className="sticky-actions total-bar">
        <span>{t('common.total')} <strong className="price" data-testid="checkout-total">{yuan(item.price)}</strong></span>
        <button type="button" className="primary" disabled={!session || place.isPending} onClick={() => place.mutate()} data-testid="place-order">
          {place.isPending ? t('promo.buy_placing') : t('promo.buy_place')}
        </button>
      </div>
    </>
  );
}
