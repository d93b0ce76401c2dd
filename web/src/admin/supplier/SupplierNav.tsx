import { NavLink } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { ScreenKey } from '../access.js';

/**
 * The supplier portal's own navigation: its catalog, stock, assortments, purchase orders (where it
 * confirms what it ships), and the plan calculator it may use; nothing of the tenant's other screens.
 */
export function SupplierNav({ has }: { has: (key: ScreenKey) => boolean }) {
  const { t } = useTranslation();
  return (
    <nav className="admin-nav" data-testid="admin-nav" data-portal="supplier">
      {has('products') && <NavLink to="/admin/products" data-testid="nav-products">{t('supply.portal_catalog')}</NavLink>}
      {has('supplier-stock') && <NavLink to="/admin/supplier/stock" data-testid="nav-supplier-stock">{t('supply.portal_stock')}</NavLink>}
      {has('assortments') && <NavLink to="/admin/supplier/assortments" data-testid="nav-assortments">{t('supply.assortments_nav')}</NavLink>}
      {has('imports') && <NavLink to="/admin/imports" data-testid="nav-imports">{t('imports.nav')}</NavLink>}
      {has('purchase-orders') && <NavLink to="/admin/purchase-orders" data-testid="nav-purchase-orders">{t('fulfilment.nav_purchase_orders')}</NavLink>}
      {has('check') && <NavLink to="/admin/economics/check" data-testid="nav-economics">{t('economics.nav')}</NavLink>}
    </nav>
  );
}
