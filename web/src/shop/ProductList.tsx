import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import { ErrorNote, Loading } from '../ui.js';
import type { ShopProduct } from '../types.js';
import { useShopCatalog } from './session.js';
import { PickupCard } from './PickupCard.js';

export function ProductList() {
  const { slug = '' } = useParams();
  const { t } = useTranslation();
  const catalog = useShopCatalog(slug);
  if (catalog.isPending) return <Loading />;
  if (catalog.error) return <ErrorNote error={catalog.error} />;
  const { shop, products } = catalog.data;
  return (
    <>
      <PickupCard slug={slug} address={shop.pickup_address} />
      {products.length === 0 && <p className="empty">{t('shop.empty')}</p>}
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
  const stock = product.skus.reduce((a, s) => a + s.available, 0);
  return (
    <Link to={`/s/${slug}/p/${product.id}`} className="product-card" data-testid="product-card">
      <ProductImage product={product} />
      <div className="product-card-body">
        <h3 className="product-title">{product.title}</h3>
        <p className="price">{t('shop.from', { price: yuan(product.min_price) })}</p>
        <p className={stock > 0 ? 'muted small' : 'sold-out small'}>{stock > 0 ? t('shop.stock', { count: stock }) : t('shop.sold_out')}</p>
      </div>
    </Link>
  );
}

/** Products without a photo get a tinted tile with their first character, so the grid stays even. */
export function ProductImage({ product, large = false }: { product: Pick<ShopProduct, 'title' | 'image_url'>; large?: boolean }) {
  const cls = large ? 'product-image large' : 'product-image';
  if (product.image_url) return <img className={cls} src={product.image_url} alt={product.title} loading="lazy" />;
  const hue = [...product.title].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 360, 7);
  return (
    <div className={`${cls} placeholder`} style={{ background: `hsl(${hue} 60% 90%)`, color: `hsl(${hue} 45% 35%)` }} aria-hidden="true">
      {[...product.title][0] ?? '?'}
    </div>
  );
}
