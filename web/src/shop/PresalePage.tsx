import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../api.js';
import { yuan } from '../money.js';
import type { components } from '../api/schema.gen.js';
import type { Order } from '../types.js';
import { ErrorNote, Loading } from '../ui.js';
import { BuyerForm } from './BuyerForm.js';
import { Countdown } from './Countdown.js';
import { QuantityStepper } from './QuantityStepper.js';
import { ProductImage } from './ProductList.js';
import { forgetIfExpired, useShopSession } from './session.js';
import { useShopPresales } from './CampaignBanners.js';

type ShopPresale = components['schemas']['ShopPresale'];


/** The pre-sale (社区团购): countdown to the cutoff, progress per product with a few masked buyers, and ordering for pickup. */
export function PresalePage() {
  const { slug = '' } = useParams();
  const { t } = useTranslation();
  const presales = useShopPresales(slug);
  if (presales.isPending) return <Loading />;
  if (presales.error) return <ErrorNote error={presales.error} />;
  if (presales.data.length === 0) {
    return (
      <div className="empty">
        <p data-testid="presale-none">{t('presale.none')}</p>
        <Link to={`/s/${slug}`} className="button">{t('shop.continue_shopping')}</Link>
      </div>
    );
  }
  return (
    <>
      {presales.data.map((p) => (
        <section key={p.id} className="presale" data-testid="presale">
          <header className="card presale-head">
            <h1 className="page-title">{p.title}</h1>
            <Countdown until={p.cutoff_at} onEnd={() => void presales.refetch()} />
            <p className="muted small">{t('presale.pickup_hint')}</p>
          </header>
          <ul className="plain-list">
            {p.items.map((i) => <PresaleItem key={i.sku_id} slug={slug} presaleId={p.id} item={i} />)}
          </ul>
        </section>
      ))}
    </>
  );
}

function PresaleItem({ slug, presaleId, item }: { slug: string; presaleId: string; item: ShopPresale['items'][number] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useShopSession(slug);
  const [quantity, setQuantity] = useState(1);
  const [signIn, setSignIn] = useState(false);
  const [key] = useState(newIdempotencyKey);
  const order = useMutation({
    mutationFn: () => api<Order>('/orders', {
      body: { shop: slug, lines: [{ sku_id: item.sku_id, quantity }], fulfillment: 'pickup', campaign: { kind: 'presale', ref: presaleId } },
      token: session?.token, idempotencyKey: `${key}-${quantity}`,
    }),
    onSuccess: (o) => { void queryClient.invalidateQueries({ queryKey: ['shop', slug] }); navigate(`/s/${slug}/pay/${o.id}`); },
    onError: (err) => { forgetIfExpired(slug, err); void queryClient.invalidateQueries({ queryKey: ['shop', slug, 'presales'] }); },
  });
  return (
    <li className="card presale-item" data-testid="presale-item" data-sku-id={item.sku_id}>
      <div className="presale-item-main">
        <ProductImage product={{ title: item.title, image_url: item.image_url }} />
        <div>
          <h3 className="product-title">{item.title} <span className="muted small">{item.sku_name}</span></h3>
          <p className="price">{yuan(item.price)}</p>
          <p className="presale-progress" data-testid="presale-sold">{t('presale.sold', { count: item.sold })}</p>
          {item.buyers.length > 0 && <p className="muted small" data-testid="presale-buyers">{t('presale.buyers', { names: item.buyers.join('、') })}</p>}
        </div>
      </div>
      <div className="row-between">
        <QuantityStepper value={quantity} min={1} max={99} onChange={setQuantity} />
        <button type="button" className="primary" disabled={order.isPending} data-testid="presale-buy"
          onClick={() => (session ? order.mutate() : setSignIn(true))}>
          {order.isPending ? t('shop.placing') : t('presale.buy')}
        </button>
      </div>
      <ErrorNote error={order.error} testId="presale-error" />
      {signIn && !session && <BuyerForm slug={slug} />}
    </li>
  );
}
