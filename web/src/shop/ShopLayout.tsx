import { NavLink, Outlet, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.js';
import { LangSwitch } from '../ui.js';
import { SandboxBanner } from '../SandboxBanner.js';
import { cartCount, useCart } from './cart.js';
import { useShopCatalog, useShopSession } from './session.js';
import { useShareAttribution } from './share.js';

export function ShopLayout() {
  const { slug = '' } = useParams();
  const { t } = useTranslation();
  const catalog = useShopCatalog(slug);
  const count = cartCount(useCart(slug));
  const session = useShopSession(slug);
  useShareAttribution(slug, session?.token, session?.customer.id);
  const shop = catalog.data?.shop;
  if (catalog.error instanceof ApiError && catalog.error.status === 404) return <ShopMissing slug={slug} />;
  return (
    <div className="shop">
      <SandboxBanner text="shop" />
      <header className="shop-header">
        <div className="shop-title">
          <NavLink to={`/s/${slug}`} className="shop-name" data-testid="shop-name">{shop?.name ?? (catalog.error ? t('shop.shop_unavailable') : '…')}</NavLink>
          {shop && <span className="tag">{t(`shop.kind.${shop.kind}`, { defaultValue: shop.kind })}</span>}
        </div>
        <LangSwitch />
      </header>
      <main className="shop-main">
        <Outlet />
      </main>
      <nav className="tabbar">
        <NavLink to={`/s/${slug}`} end>{t('shop.home')}</NavLink>
        <NavLink to={`/s/${slug}/cart`} data-testid="cart-link">
          {t('shop.cart')}
          {count > 0 && <span className="count" data-testid="cart-count">{count}</span>}
        </NavLink>
        <NavLink to={`/s/${slug}/coupons`} data-testid="wallet-link">{t('coupons.tab')}</NavLink>
        <NavLink to={`/s/${slug}/orders`} end data-testid="my-orders-link">{t('shop.my_orders')}</NavLink>
      </nav>
    </div>
  );
}

/** A link to a shop that does not exist (mistyped, or the shop closed): said plainly, with a way on. */
function ShopMissing({ slug }: { slug: string }) {
  const { t } = useTranslation();
  return (
    <div className="shop">
      <header className="shop-header">
        <div className="shop-title"><span className="shop-name" data-testid="shop-name">{t('shop.not_found_title')}</span></div>
        <LangSwitch />
      </header>
      <main className="shop-main">
        <div className="empty" data-testid="shop-not-found">
          <p>{t('shop.not_found', { slug })}</p>
          {/* The site's home lists the shops there are; it is the console's page, so a full load. */}
          <a href="/" className="button">{t('shop.see_shops')}</a>
        </div>
      </main>
    </div>
  );
}
