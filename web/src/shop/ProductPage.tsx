import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import { ErrorNote, Loading } from '../ui.js';
import { addToCart, MAX_QUANTITY, useCart } from './cart.js';
import { ProductImage } from './ProductList.js';
import { useShopProduct } from './session.js';
import { QuantityStepper } from './QuantityStepper.js';
import { Promotions } from './Promotions.js';

export function ProductPage() {
  const { slug = '', productId = '' } = useParams();
  const { t } = useTranslation();
  const query = useShopProduct(slug, productId);
  const cart = useCart(slug);
  const [chosen, setChosen] = useState<string | null>(null);
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);

  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorNote error={query.error} />;
  const { product } = query.data;
  // Preselect the first SKU in stock, so a one-option product needs no extra tap.
  const sku = product.skus.find((s) => s.id === chosen) ?? product.skus.find((s) => s.available > 0) ?? product.skus[0];
  const inCart = cart.find((l) => l.sku_id === sku?.id)?.quantity ?? 0;
  const max = sku ? Math.max(0, Math.min(MAX_QUANTITY, sku.available - inCart)) : 0;

  const add = () => {
    if (!sku || quantity < 1 || quantity > max) return;
    addToCart(slug, { sku_id: sku.id, product_id: product.id, title: product.title, sku_name: sku.name, price: sku.price, quantity });
    setAdded(true);
    setQuantity(1);
  };

  return (
    <article className="product-page">
      {product.images && product.images.length > 1 ? (
        <div className="gallery" data-testid="product-gallery">
          {product.images.map((i) => <ProductImage key={i.id} product={product} src={i.detail_url} large />)}
        </div>
      ) : (
        <ProductImage product={product} src={product.images?.[0]?.detail_url} large />
      )}
      <h1 className="product-heading" data-testid="product-title">{product.title}</h1>
      {product.description && <p className="muted">{product.description}</p>}
      {sku && <p className="price big" data-testid="product-price">{yuan(sku.price)}</p>}
      {product.sold !== undefined && <p className="muted small" data-testid="product-sold">{t('catalog.sold', { count: product.sold })}</p>}
      <Promotions slug={slug} />

      <h2 className="section-title">{t('shop.choose_sku')}</h2>
      <div className="chips" role="radiogroup">
        {product.skus.map((s) => (
          <button
            key={s.id}
            type="button"
            role="radio"
            aria-checked={s.id === sku?.id}
            className={s.id === sku?.id ? 'chip active' : 'chip'}
            disabled={s.available <= 0}
            data-testid="sku-option"
            data-sku-code={s.code}
            onClick={() => { setChosen(s.id); setQuantity(1); setAdded(false); }}
          >
            {s.name}
            <small>{s.available > 0 ? yuan(s.price) : t('shop.sold_out')}</small>
            {s.available > 0 && <small className="stock-left" data-testid="sku-left">{t('catalog.left', { count: s.available })}</small>}
          </button>
        ))}
      </div>
      {sku && <p className="muted small" data-testid="sku-stock">{sku.available > 0 ? t('shop.stock', { count: sku.available }) : t('shop.sold_out')}</p>}

      <div className="row">
        <span>{t('common.quantity')}</span>
        <QuantityStepper value={quantity} min={1} max={Math.max(1, max)} onChange={(q) => { setQuantity(q); setAdded(false); }} />
      </div>
      {max > 0 && max < MAX_QUANTITY && <p className="muted small">{t('shop.max_stock', { count: max })}</p>}

      <div className="sticky-actions">
        {added && (
          <p className="notice row" data-testid="added-notice">
            <span>{t('shop.added')}</span>
            <Link to={`/s/${slug}/cart`} className="link" data-testid="go-to-cart">{t('shop.go_cart')} →</Link>
          </p>
        )}
        <button type="button" className="primary block" disabled={!sku || max < 1} onClick={add} data-testid="add-to-cart">
          {sku && sku.available > 0 ? t('shop.add_to_cart') : t('shop.sold_out')}
        </button>
      </div>
    </article>
  );
}
