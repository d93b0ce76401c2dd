import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import type { ShopSku } from '../types.js';
import { cartTotal, MAX_QUANTITY, removeLine, setQuantity, useCart, type CartLine } from './cart.js';
import { QuantityStepper } from './QuantityStepper.js';
import { useShopCatalog, useShopSession } from './session.js';
import { DiscountLines, useQuote } from './discounts.js';

/** Lines priced as the shop lists them now; a line whose SKU left the shop is flagged, not dropped silently. */
export function useLiveCart(slug: string) {
  const lines = useCart(slug);
  const catalog = useShopCatalog(slug);
  const skus = new Map<string, ShopSku>();
  for (const p of catalog.data?.products ?? []) for (const s of p.skus) skus.set(s.id, s);
  const live = lines.map((l) => {
    const sku = skus.get(l.sku_id);
    return { ...l, price: sku?.price ?? l.price, available: catalog.data ? sku?.available ?? 0 : undefined, gone: !!catalog.data && !sku };
  });
  return { lines: live, total: cartTotal(live.filter((l) => !l.gone)), loaded: !!catalog.data };
}

export function CartPage() {
  const { slug = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { lines, total } = useLiveCart(slug);
  const session = useShopSession(slug);
  // The server's price of the cart, with the running subsidy: what checkout will charge.
  const quote = useQuote(slug, lines.filter((l) => !l.gone).map((l) => ({ sku_id: l.sku_id, quantity: l.quantity })), session?.token);

  if (lines.length === 0) {
    return (
      <div className="empty">
        <p data-testid="cart-empty">{t('shop.cart_empty')}</p>
        <Link to={`/s/${slug}`} className="button">{t('shop.continue_shopping')}</Link>
      </div>
    );
  }
  const blocked = lines.some((l) => l.gone || (l.available !== undefined && l.quantity > l.available));
  return (
    <>
      <h1 className="page-title">{t('shop.cart')}</h1>
      <ul className="cart-lines">
        {lines.map((l) => <CartRow key={l.sku_id} slug={slug} line={l} />)}
      </ul>
      {quote.data && <DiscountLines subtotal={quote.data.subtotal} discounts={quote.data.discounts} />}
      <div className="sticky-actions total-bar">
        <span>{t('common.total')} <strong className="price" data-testid="cart-total">{yuan(quote.data?.total ?? total)}</strong></span>
        <button type="button" className="primary" disabled={blocked} onClick={() => navigate(`/s/${slug}/checkout`)} data-testid="checkout-button">
          {t('shop.checkout')}
        </button>
      </div>
    </>
  );
}

function CartRow({ slug, line }: { slug: string; line: CartLine & { available: number | undefined; gone: boolean } }) {
  const { t } = useTranslation();
  const short = line.available !== undefined && !line.gone && line.quantity > line.available;
  return (
    <li className="cart-line" data-testid="cart-line" data-sku-id={line.sku_id}>
      <div className="cart-line-info">
        <Link to={`/s/${slug}/p/${line.product_id}`} className="cart-line-title">{line.title}</Link>
        <span className="muted small">{line.sku_name}</span>
        <span className="price">{yuan(line.price)}</span>
        {line.gone && <span className="error small">{t('shop.unavailable')}</span>}
        {short && <span className="error small">{t('shop.not_enough', { count: line.available })}</span>}
      </div>
      <div className="cart-line-actions">
        <QuantityStepper
          value={line.quantity}
          min={1}
          max={Math.max(1, Math.min(MAX_QUANTITY, line.available ?? MAX_QUANTITY))}
          onChange={(q) => setQuantity(slug, line.sku_id, q)}
        />
        <button type="button" className="link danger" onClick={() => removeLine(slug, line.sku_id)} data-testid="cart-remove">{t('shop.remove')}</button>
      </div>
    </li>
  );
}
