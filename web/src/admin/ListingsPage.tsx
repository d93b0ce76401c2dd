import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import type { BNode } from '../types.js';
import { ErrorNote, Loading, formatTime } from '../ui.js';
import { adminApi } from './auth.js';
import { useMe } from './access.js';
import { fenText, toFen, type AssortmentOffer, type Listing, type ListingNotice } from './supplier/types.js';

/**
 * The owner's shop, made for a phone: what suppliers' changes did (and why), the listings with
 * their price and state (paused: the reason), and the SKUs offered by assortments aimed at this
 * node, each listed at a price inside its band. Admins pick the node first.
 */
export function ListingsPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const nodes = useQuery({ queryKey: ['admin', 'b-nodes'], queryFn: ({ signal }) => adminApi<{ items: BNode[] }>('/b-nodes', { signal }), enabled: !!me && !me.b_node_id });
  const [picked, setPicked] = useState('');
  const nodeId = me?.b_node_id ?? (picked || nodes.data?.items[0]?.id || '');
  const listings = useQuery({ queryKey: ['admin', 'listings', nodeId], queryFn: ({ signal }) => adminApi<{ items: Listing[] }>(`/b-nodes/${nodeId}/listings`, { signal }).then((r) => r.items), enabled: !!nodeId });
  const offers = useQuery({ queryKey: ['admin', 'offers', nodeId], queryFn: ({ signal }) => adminApi<{ items: AssortmentOffer[] }>(`/b-nodes/${nodeId}/offers`, { signal }).then((r) => r.items), enabled: !!nodeId });
  const notices = useQuery({ queryKey: ['admin', 'listing-notices', nodeId], queryFn: ({ signal }) => adminApi<{ items: ListingNotice[] }>(`/b-nodes/${nodeId}/listing-notices`, { signal }).then((r) => r.items), enabled: !!nodeId });
  if (!me || (!me.b_node_id && nodes.isPending)) return <Loading />;
  // What needs the owner first: listings a supplier's change paused, then their own pauses, then the rest.
  const rank = (l: Listing) => (l.active ? 2 : l.pause_reason === 'owner' ? 1 : 0);
  const listed = [...(listings.data ?? [])].sort((a, b) => rank(a) - rank(b));
  const offerOf = (l: Listing) => offers.data?.find((o) => o.assortment_id === l.assortment_id && o.sku_id === l.sku_id);
  const fresh = (offers.data ?? []).filter((o) => !listed.some((l) => l.sku_id === o.sku_id && l.assortment_id === o.assortment_id));
  const titleOf = (skuId: string) => { const l = listed.find((x) => x.sku_id === skuId); return l ? `${l.title} · ${l.sku_name}` : skuId; };
  return (
    <section className="listings-page" data-testid="listings-page">
      <h1 className="page-title">{t('supply.listings_title')}</h1>
      {!me.b_node_id && (
        <select value={nodeId} onChange={(e) => setPicked(e.target.value)} data-testid="listings-node">
          {nodes.data?.items.map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
        </select>
      )}
      {notices.data && notices.data.length > 0 && (
        <div className="card" data-testid="listing-notices">
          <h2 className="section-title">{t('supply.notices')}</h2>
          <ul className="plain-list">
            {notices.data.slice(0, 5).map((n) => (
              <li key={n.id} data-testid="listing-notice" data-reason={n.reason} data-sku={n.sku_id}>
                <strong>{titleOf(n.sku_id)}</strong>: {noticeText(t, n)} <span className="muted small">{formatTime(String(n.created_at), i18n.language)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <h2 className="section-title">{t('supply.offers_title')}</h2>
      {offers.isPending ? <Loading /> : offers.error ? <ErrorNote error={offers.error} /> : fresh.length === 0 ? <p className="muted" data-testid="offers-empty">{t('supply.no_offers')}</p> : (
        <div className="listing-cards">{fresh.map((o) => <OfferCard key={`${o.assortment_id}/${o.sku_id}`} nodeId={nodeId} offer={o} />)}</div>
      )}
      <h2 className="section-title">{t('supply.my_listings')}</h2>
      {listings.isPending ? <Loading /> : listings.error ? <ErrorNote error={listings.error} /> : listed.length === 0 ? <p className="muted">{t('supply.no_listings')}</p> : (
        <div className="listing-cards">{listed.map((l) => <ListingCard key={l.sku_id} nodeId={nodeId} listing={l} offer={offerOf(l)} />)}</div>
      )}
    </section>
  );
}

function noticeText(t: (k: string, o?: Record<string, unknown>) => string, n: ListingNotice) {
  const d = n.details as { retail_price?: number; retail_floor?: number; retail_ceiling?: number };
  return n.reason === 'outside_band' && d.retail_floor !== undefined
    ? t('supply.notice_outside_band', { price: yuan(d.retail_price ?? 0), floor: yuan(d.retail_floor), ceiling: yuan(d.retail_ceiling ?? 0) })
    : t(`supply.notice_${n.reason}`);
}

function useRefresh(nodeId: string) {
  const queryClient = useQueryClient();
  return () => Promise.all(['listings', 'offers', 'listing-notices'].map((k) => queryClient.invalidateQueries({ queryKey: ['admin', k, nodeId] })));
}

function ListingCard({ nodeId, listing: l, offer }: { nodeId: string; listing: Listing; offer: AssortmentOffer | undefined }) {
  const { t } = useTranslation();
  const refresh = useRefresh(nodeId);
  const [price, setPrice] = useState(fenText(l.retail_price));
  const floor = offer?.retail_floor ?? l.retail_floor;
  const ceiling = offer?.retail_ceiling ?? l.retail_ceiling;
  const save = useMutation({
    mutationFn: () => (l.assortment_id
      ? adminApi(`/b-nodes/${nodeId}/offers/${l.sku_id}`, { method: 'PUT', body: { assortment_id: l.assortment_id, retail_price: toFen(price) } })
      : adminApi(`/b-nodes/${nodeId}/listings/${l.sku_id}`, { method: 'PUT', body: { retail_price: toFen(price), active: true } })),
    onSuccess: refresh,
  });
  const pause = useMutation({ mutationFn: () => adminApi(`/b-nodes/${nodeId}/listings/${l.sku_id}/pause`, { method: 'POST' }), onSuccess: refresh });
  const remove = useMutation({ mutationFn: () => adminApi(`/b-nodes/${nodeId}/listings/${l.sku_id}`, { method: 'DELETE' }), onSuccess: refresh });
  // A withdrawn, expired or retargeted assortment offers nothing to resume: the listing can only go.
  const gone = l.pause_reason === 'withdrawn' || l.pause_reason === 'expired' || l.pause_reason === 'untargeted';
  return (
    <article className="card listing-card" data-testid="listing" data-sku={l.sku_id} data-active={String(l.active)} data-reason={l.pause_reason ?? ''}>
      <div className="card-head">
        <strong>{l.title} · {l.sku_name}</strong>
        <span className={`badge ${l.active ? 'badge-paid' : 'badge-expired'}`} data-testid="listing-state">{l.active ? t('supply.on_sale') : t('supply.paused')}</span>
      </div>
      {!l.active && l.pause_reason && <p className="error small" data-testid="listing-reason">{t(`supply.reason.${l.pause_reason}`)}</p>}
      <p className="muted small">
        {t('supply.band')}: <span data-testid="listing-band">{yuan(floor)} – {yuan(ceiling)}</span>
        {l.supply_price !== undefined && <> · {t('supply.supply_price')}: {yuan(l.supply_price)}</>}
        {l.cap_left !== null && l.cap_left !== undefined && <> · {t('supply.cap_left', { count: l.cap_left })}</>}
      </p>
      {!gone && (
        <div className="row">
          <input className="num-input" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} aria-label={t('supply.price')} data-testid="listing-price" />
          <button type="button" className="primary small" disabled={save.isPending || Number.isNaN(toFen(price))} onClick={() => save.mutate()} data-testid="listing-save">{l.active ? t('supply.save_price') : t('supply.resume')}</button>
          {l.active && <button type="button" className="small" disabled={pause.isPending} onClick={() => pause.mutate()} data-testid="listing-pause">{t('supply.pause')}</button>}
          <button type="button" className="link small" disabled={remove.isPending} onClick={() => remove.mutate()} data-testid="listing-remove">{t('supply.remove')}</button>
        </div>
      )}
      {gone && <button type="button" className="link small" disabled={remove.isPending} onClick={() => remove.mutate()} data-testid="listing-remove">{t('supply.remove')}</button>}
      <ErrorNote error={save.error ?? pause.error ?? remove.error} testId="listing-error" />
    </article>
  );
}

function OfferCard({ nodeId, offer: o }: { nodeId: string; offer: AssortmentOffer }) {
  const { t, i18n } = useTranslation();
  const refresh = useRefresh(nodeId);
  const [price, setPrice] = useState(fenText(o.retail_floor));
  const list = useMutation({
    mutationFn: () => adminApi(`/b-nodes/${nodeId}/offers/${o.sku_id}`, { method: 'PUT', body: { assortment_id: o.assortment_id, retail_price: toFen(price) } }),
    onSuccess: refresh,
  });
  return (
    <article className="card listing-card" data-testid="offer" data-sku={o.sku_id} data-assortment={o.assortment_id}>
      <div className="card-head"><strong>{o.title} · {o.sku_name}</strong><span className="tag">{o.supplier_name}</span></div>
      <p className="muted small">
        {o.assortment_name} · {t('supply.until', { time: formatTime(String(o.valid_until), i18n.language) })}<br />
        {t('supply.band')}: <span data-testid="offer-band">{yuan(o.retail_floor)} – {yuan(o.retail_ceiling)}</span> · {t('supply.supply_price')}: {yuan(o.supply_price)} · {t('supply.commission_pct')}: {(o.commission_bp / 100).toFixed(2)}%
        {o.node_cap !== null && <> · {t('supply.cap')}: {o.node_cap}</>}
      </p>
      <div className="row">
        <input className="num-input" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} aria-label={t('supply.price')} data-testid="offer-price" />
        <button type="button" className="primary small" disabled={list.isPending || Number.isNaN(toFen(price))} onClick={() => list.mutate()} data-testid="offer-list">{t('supply.list')}</button>
      </div>
      <ErrorNote error={list.error} testId="offer-error" />
    </article>
  );
}
