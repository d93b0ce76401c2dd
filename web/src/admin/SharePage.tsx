import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import type { BNode, Listing, ShareCode } from '../types.js';
import { ErrorNote, Field, Loading } from '../ui.js';
import { adminApi } from './auth.js';
import { useMe } from './access.js';

/**
 * The leader's share screen, made for a phone: pick a product of their shop (or the whole shop)
 * and get the poster to send, its QR code and the short link. Admins pick the shop first.
 */
export function SharePage() {
  const { t } = useTranslation();
  const me = useMe();
  const nodes = useQuery({
    queryKey: ['admin', 'b-nodes'],
    queryFn: ({ signal }) => adminApi<{ items: BNode[] }>('/b-nodes', { signal }),
    enabled: !!me,
  });
  const [picked, setPicked] = useState<string>('');
  const nodeId = me?.b_node_id ?? (picked || nodes.data?.items[0]?.id || '');
  const listings = useQuery({
    queryKey: ['admin', 'listings', nodeId],
    queryFn: ({ signal }) => adminApi<{ items: Listing[] }>(`/b-nodes/${nodeId}/listings`, { signal }),
    enabled: !!nodeId,
  });
  const products = productsOf(listings.data?.items ?? []);
  const [productId, setProductId] = useState('');
  const share = useMutation({
    mutationFn: () => adminApi<ShareCode>('/share-codes', { method: 'POST', body: { b_node_id: nodeId, ...(productId ? { product_id: productId } : {}) } }),
  });
  const [copied, setCopied] = useState(false);
  if (!me || nodes.isPending) return <Loading />;
  return (
    <section className="share-page">
      <h1 className="page-title">{t('share.title')}</h1>
      <p className="muted small">{t('share.hint')}</p>
      <form className="card form" onSubmit={(e) => { e.preventDefault(); setCopied(false); share.mutate(); }}>
        {!me.b_node_id && (
          <Field label={t('share.shop')}>
            <select value={nodeId} onChange={(e) => { setPicked(e.target.value); setProductId(''); share.reset(); }} data-testid="share-node">
              {nodes.data?.items.map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
            </select>
          </Field>
        )}
        <Field label={t('share.product')}>
          <select value={productId} onChange={(e) => { setProductId(e.target.value); share.reset(); }} data-testid="share-product">
            <option value="">{t('share.whole_shop')}</option>
            {products.map((p) => <option key={p.id} value={p.id}>{p.title} · {yuan(p.price)}</option>)}
          </select>
        </Field>
        <button type="submit" className="button primary block" disabled={share.isPending || !nodeId} data-testid="share-create">{t('share.make')}</button>
        {share.error && <ErrorNote error={share.error} />}
      </form>
      {share.data && (
        <div className="card share-result" data-testid="share-result" data-code={share.data.code}>
          <img src={share.data.poster_url} alt={t('share.poster')} className="share-poster" data-testid="share-poster" />
          <p className="row">
            <a href={share.data.poster_url} download={`poster-${share.data.code}.png`} className="button" data-testid="share-download">{t('share.download')}</a>
          </p>
          <Field label={t('share.link')}>
            <input readOnly value={share.data.link} data-testid="share-link" onFocus={(e) => e.target.select()} />
          </Field>
          <button type="button" className="button" onClick={() => { void navigator.clipboard?.writeText(share.data.link).then(() => setCopied(true)); }} data-testid="share-copy">
            {copied ? t('share.copied') : t('share.copy')}
          </button>
          <img src={share.data.qr_url} alt={t('share.qr')} className="share-qr" data-testid="share-qr" />
        </div>
      )}
    </section>
  );
}

/** One entry per product, at its lowest listed price. */
function productsOf(listings: Listing[]): { id: string; title: string; price: number }[] {
  const byId = new Map<string, { id: string; title: string; price: number }>();
  for (const l of listings) {
    if (!l.active) continue;
    const seen = byId.get(l.product_id);
    if (!seen || l.retail_price < seen.price) byId.set(l.product_id, { id: l.product_id, title: l.title, price: l.retail_price });
  }
  return [...byId.values()];
}
