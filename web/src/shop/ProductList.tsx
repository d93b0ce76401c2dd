import { useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { yuan } from '../money.js';
import { ErrorNote, Loading } from '../ui.js';
import type { ShopCatalog, ShopProduct } from '../types.js';
import { PickupCard } from './PickupCard.js';
import { CampaignStrip } from './CampaignStrip.js';
import { CampaignBanners } from './CampaignBanners.js';

/** The shop's front page: categories, search and sort live in the address, so a shared link shows the same list. */
export function ProductList() {
  const { slug = '' } = useParams();
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const category = params.get('category') ?? '';
  const sort = params.get('sort') === 'sales' ? 'sales' : 'position';
  const [text, setText] = useState(q);
  const catalog = useQuery({
    queryKey: ['shop', slug, { q, category, sort }],
    queryFn: ({ signal }) => api<ShopCatalog>(`/shops/${slug}`, { signal, query: { q, category, sort: sort === 'sales' ? 'sales' : undefined } }),
    placeholderData: (previous) => previous,
  });
  const change = (next: Record<string, string>) => {
    const merged = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) if (v) merged.set(k, v); else merged.delete(k);
    setParams(merged, { replace: true });
  };
  const submit = (e: FormEvent) => { e.preventDefault(); change({ q: text.trim() }); };

  if (catalog.isPending) return <Loading />;
  if (catalog.error) return <ErrorNote error={catalog.error} />;
  const { shop, products, categories = [] } = catalog.data;
  const topLevel = categories.filter((c) => c.parent_id === null || !categories.some((p) => p.id === c.parent_id));
  const chosen = categories.find((c) => c.id === category);
  const children = chosen ? categories.filter((c) => c.parent_id === chosen.id) : [];
  const parentOfChosen = chosen?.parent_id ? categories.find((c) => c.id === chosen.parent_id) : undefined;
  const subRow = children.length > 0 ? children : parentOfChosen ? categories.filter((c) => c.parent_id === parentOfChosen.id) : [];
  return (
    <>
      <PickupCard slug={slug} address={shop.pickup_address} />
      {!q && !category && <CampaignStrip />}
      <CampaignBanners slug={slug} />
      <form className="shop-search" role="search" onSubmit={submit}>
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('catalog.search_shop')} aria-label={t('catalog.search_shop')} data-testid="shop-search" />
        <button type="submit" data-testid="shop-search-submit">{t('catalog.search')}</button>
      </form>
      {topLevel.length > 0 && (
        <nav className="category-bar" aria-label={t('catalog.category')} data-testid="category-bar">
          <button type="button" className={!category ? 'tab active' : 'tab'} onClick={() => change({ category: '' })}>{t('catalog.all')}</button>
          {topLevel.map((c) => {
            const active = c.id === category || c.id === parentOfChosen?.id;
            return <button key={c.id} type="button" className={active ? 'tab active' : 'tab'} data-testid="category-tab" onClick={() => change({ category: c.id })}>{c.name}</button>;
          })}
        </nav>
      )}
      {subRow.length > 0 && (
        <nav className="category-bar sub" data-testid="subcategory-bar">
          {subRow.map((c) => <button key={c.id} type="button" className={c.id === category ? 'tab active' : 'tab'} onClick={() => change({ category: c.id })}>{c.name}</button>)}
        </nav>
      )}
      <div className="sort-bar" role="group">
        {(['position', 'sales'] as const).map((s) => (
          <button key={s} type="button" className={sort === s ? 'link active' : 'link'} aria-pressed={sort === s} data-testid={`sort-${s}`} onClick={() => change({ sort: s === 'sales' ? 'sales' : '' })}>
            {t(s === 'sales' ? 'catalog.sort_sales' : 'catalog.sort_position')}
          </button>
        ))}
      </div>
      {products.length === 0 && <p className="empty" data-testid="shop-empty">{q || category ? t('catalog.no_match') : t('shop.empty')}</p>}
      <ul className="product-grid">
        {products.map((p) => (
          <li key={p.id}>
            <ProductCard slug={slug} product={p} />
          </li>
        ))}
      </ul>
    </>
  );
}

function ProductCard({ slug, product }: { slug: string; product: ShopProduct }) {
  const { t } = useTranslation();
  // Stock belongs to each size; the card only says whether anything is left, and how much has sold.
  const soldOut = product.skus.every((s) => s.available <= 0);
  return (
    <Link to={`/s/${slug}/p/${product.id}`} className="product-card" data-testid="product-card">
      <ProductImage product={product} />
      <div className="product-card-body">
        <h3 className="product-title">{product.title}</h3>
        <p className="price">{t('shop.from', { price: yuan(product.min_price) })}</p>
        <p className="muted small row-between">
          <span data-testid="product-sold">{t('catalog.sold', { count: product.sold ?? 0 })}</span>
          {soldOut && <span className="sold-out">{t('shop.sold_out')}</span>}
        </p>
      </div>
    </Link>
  );
}

/** The product's photo (its cover thumbnail, or a detail image on the product page); products without one get a tinted tile with their first character. */
export function ProductImage({ product, large = false, src }: { product: Pick<ShopProduct, 'title' | 'image_url'>; large?: boolean; src?: string }) {
  const cls = large ? 'product-image large' : 'product-image';
  const url = src ?? product.image_url;
  if (url) return <img className={cls} src={url} alt={product.title} loading="lazy" data-testid="product-photo" />;
  const hue = [...product.title].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 360, 7);
  return (
    <div className={`${cls} placeholder`} style={{ background: `hsl(${hue} 60% 90%)`, color: `hsl(${hue} 45% 35%)` }} aria-hidden="true">
      {[...product.title][0] ?? '?'}
    </div>
  );
}
