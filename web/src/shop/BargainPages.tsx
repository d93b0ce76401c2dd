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
import { forgetIfExpired, useShopSession } from './session.js';
import { useShopBargains } from './CampaignBanners.js';

type Campaign = components['schemas']['BargainCampaign'];
type Bargain = components['schemas']['Bargain'];

/** The shop's bargain campaigns: start one (signed in), then ask friends to help. */
export function BargainListPage() {
  const { slug = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useShopSession(slug);
  const campaigns = useShopBargains(slug);
  const start = useMutation({
    mutationFn: (campaignId: string) => api<Bargain>(`/shops/${slug}/bargains`, { body: { campaign_id: campaignId }, token: session?.token }),
    onSuccess: (b) => navigate(`/s/${slug}/bargains/${b.id}`),
    onError: (err) => forgetIfExpired(slug, err),
  });
  if (campaigns.isPending) return <Loading />;
  if (campaigns.error) return <ErrorNote error={campaigns.error} />;
  return (
    <>
      <h1 className="page-title">{t('bargain.title')}</h1>
      {campaigns.data.length === 0 && <p className="empty" data-testid="bargain-none">{t('bargain.none')}</p>}
      <ul className="plain-list">
        {campaigns.data.map((c) => (
          <li key={c.id} className="card" data-testid="bargain-campaign">
            <h3 className="product-title">{c.product_title} <span className="muted small">{c.sku_name}</span></h3>
            <p><span className="price">{yuan(c.floor_price)}</span> <s className="muted small">{yuan(c.start_price)}</s></p>
            <p className="muted small">{t('bargain.rule', { count: c.helpers_needed, hours: c.valid_hours })}</p>
            <button type="button" className="primary block" disabled={!session || start.isPending} onClick={() => start.mutate(c.id)} data-testid="bargain-start">{t('bargain.start')}</button>
          </li>
        ))}
      </ul>
      <ErrorNote error={start.error} testId="bargain-error" />
      {!session && campaigns.data.length > 0 && <BuyerForm slug={slug} />}
    </>
  );
}

/** A bargain: the starter sees progress and shares it; a friend helps once; at the floor the starter buys one unit. */
export function BargainPage() {
  const { slug = '', bargainId = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useShopSession(slug);
  const [key] = useState(newIdempotencyKey);
  const [copied, setCopied] = useState(false);
  const bargain = useQuery({
    queryKey: ['shop', slug, 'bargain', bargainId, session?.token],
    queryFn: ({ signal }) => api<Bargain>(`/bargains/${bargainId}`, { token: session?.token, signal }),
    enabled: !!session, refetchInterval: 10_000,
  });
  const help = useMutation({
    mutationFn: () => api<Bargain>(`/bargains/${bargainId}/help`, { body: {}, token: session?.token }),
    onSuccess: (b) => queryClient.setQueryData(['shop', slug, 'bargain', bargainId, session?.token], b),
  });
  const buy = useMutation({
    mutationFn: (b: Bargain) => api<Order>('/orders', { body: { shop: slug, lines: [{ sku_id: b.sku_id, quantity: 1 }], fulfillment: 'pickup', campaign: { kind: 'bargain', ref: b.id } }, token: session?.token, idempotencyKey: key }),
    onSuccess: (o) => navigate(`/s/${slug}/pay/${o.id}`),
  });
  if (!session) {
    return (
      <>
        <h1 className="page-title">{t('bargain.title')}</h1>
        <p className="muted small">{t('bargain.sign_in_to_help')}</p>
        <BuyerForm slug={slug} />
      </>
    );
  }
  if (bargain.isPending) return <Loading />;
  if (bargain.error) return <ErrorNote error={bargain.error} />;
  const b = bargain.data;
  const progress = Math.round(((b.start_price - b.price) / Math.max(1, b.start_price - b.floor_price)) * 100);
  const share = async () => { await navigator.clipboard?.writeText(window.location.href).catch(() => undefined); setCopied(true); };
  return (
    <article className="bargain" data-testid="bargain-page" data-status={b.status}>
      <header className="card">
        <h1 className="page-title">{b.product_title} <span className="muted small">{b.sku_name}</span></h1>
        <p className="muted small">{t('bargain.started_by', { name: b.starter })}</p>
        <p className="bargain-price"><span className="muted small">{t('bargain.now')}</span> <strong className="price huge" data-testid="bargain-price">{yuan(b.price)}</strong> <s className="muted small">{yuan(b.start_price)}</s></p>
        <div className="bar bargain-bar"><span style={{ width: `${progress}%` }} /></div>
        <p className="small" data-testid="bargain-progress">{t('bargain.progress', { helped: b.helped, needed: b.helpers_needed, floor: yuan(b.floor_price) })}</p>
        {b.status === 'open' && <Countdown until={b.expires_at} />}
      </header>
      {b.mine && b.status === 'open' && (
        <button type="button" className="primary block" onClick={() => void share()} data-testid="bargain-share">{copied ? t('bargain.copied') : t('bargain.share')}</button>
      )}
      {!b.mine && b.status === 'open' && !b.helped_by_me && (
        <button type="button" className="primary block" disabled={help.isPending} onClick={() => help.mutate()} data-testid="bargain-help">{t('bargain.help')}</button>
      )}
      {!b.mine && b.helped_by_me && <p className="notice" data-testid="bargain-helped">{t('bargain.thanks')}</p>}
      {b.mine && b.status === 'reached' && (
        <button type="button" className="primary block" disabled={buy.isPending} onClick={() => buy.mutate(b)} data-testid="bargain-buy">{t('bargain.buy', { price: yuan(b.price) })}</button>
      )}
      {b.status === 'bought' && <p className="notice" data-testid="bargain-bought">{t('bargain.bought')}</p>}
      <ErrorNote error={help.error ?? buy.error} testId="bargain-error" />
      <section className="card">
        <h2 className="section-title">{t('bargain.helpers')}</h2>
        {b.helps.length === 0 ? <p className="muted small">{t('bargain.no_helpers')}</p> : (
          <ul className="plain-list" data-testid="bargain-helps">
            {b.helps.map((h, i) => <li key={i} className="row-between small"><span>{h.helper}</span><span>−{yuan(h.cut)}</span></li>)}
          </ul>
        )}
      </section>
      <Link to={`/s/${slug}`} className="button block">{t('shop.back_to_shop')}</Link>
    </article>
  );
}
