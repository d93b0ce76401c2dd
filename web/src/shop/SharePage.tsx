import { useEffect, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import type { ShareCode } from '../types.js';
import { ErrorNote, Field, Loading } from '../ui.js';
import { NeedSession } from './OrderPage.js';
import { useShopSession } from './session.js';

/**
 * A buyer's share screen: their own code for this shop (and the product when one is named), the
 * poster to send to friends or a group, and the short link. A friend who orders through it is
 * attributed to the buyer and stays with this shop's leader.
 */
export function SharePage() {
  const { slug = '' } = useParams();
  const [params] = useSearchParams();
  const productId = params.get('product') ?? '';
  const { t } = useTranslation();
  const session = useShopSession(slug);
  const [copied, setCopied] = useState(false);
  const share = useMutation({
    mutationFn: () => api<ShareCode>('/share-codes', { method: 'POST', token: session?.token, body: { shop: slug, ...(productId ? { product_id: productId } : {}) } }),
  });
  const { mutate } = share;
  const token = session?.token;
  useEffect(() => { if (token) mutate(); }, [token, productId, mutate]);
  if (!session) return <NeedSession slug={slug} />;
  return (
    <section className="share-page" data-testid="shop-share">
      <h1 className="page-title">{t('shop.share_title')}</h1>
      <p className="muted small">{t('shop.share_hint')}</p>
      {share.isPending && <Loading />}
      {share.error && <ErrorNote error={share.error} />}
      {share.data && (
        <div className="card share-result" data-testid="share-result" data-code={share.data.code}>
          <img src={share.data.poster_url} alt={t('share.poster')} className="share-poster" data-testid="share-poster" />
          <p className="muted small center">{t('shop.share_save_hint')}</p>
          <a href={share.data.poster_url} download={`poster-${share.data.code}.png`} className="button block" data-testid="share-download">{t('share.download')}</a>
          <Field label={t('share.link')}>
            <input readOnly value={share.data.link} data-testid="share-link" onFocus={(e) => e.target.select()} />
          </Field>
          <button type="button" className="button block" onClick={() => { void navigator.clipboard?.writeText(share.data.link).then(() => setCopied(true)); }} data-testid="share-copy">
            {copied ? t('share.copied') : t('share.copy')}
          </button>
        </div>
      )}
      <Link to={`/s/${slug}`} className="button block">{t('shop.back_to_shop')}</Link>
    </section>
  );
}
