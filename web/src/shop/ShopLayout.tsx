import { NavLink, Outlet, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { LangSwitch } from '../ui.js';
import { SandboxBanner } from '../SandboxBanner.js';
import { cartCount, useCart } from './cart.js';
import { useShopCatalog } from './session.js';

export function ShopLayout() {
  const { slug = '' } = useParams();
  const { t } = useTranslation();
  const catalog = useShopCatalog(slug);
  const count = cartCount(useCart(slug));
  const shop = catalog.data?.shop;
  return (
    <div className="shop">
      <SandboxBanner text="shop" />
      <header className="shop-header">
        <div className="shop-title">
          <NavLink to={`/s/${slug}`} className="shop-name" data-testid="shop-name">{shop?.name ?? '…'}</NavLink>
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
        <NavLink to={`/s/${slug}/orders`} end data-testid="my-orders-link">{t('shop.my_orders')}</NavLink>
      </nav>
    </div>
  );
}
