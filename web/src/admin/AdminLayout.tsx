import { Navigate, NavLink, Outlet } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { LangSwitch } from '../ui.js';
import { SandboxBanner } from '../SandboxBanner.js';
import { adminApi, clearAdminSession, useAdminSession } from './auth.js';
import { ECONOMICS_SCREENS, useMe, useScreens, type ScreenKey } from './access.js';
import { SupplierNav } from './supplier/SupplierNav.js';

/** The top navigation: the screens the user may open, the economics ones behind one entry that opens the first of them. */
function AdminNav() {
  const { t } = useTranslation();
  const screens = useScreens();
  const me = useMe();
  const economics = screens.find((s) => ECONOMICS_SCREENS.includes(s.key));
  const has = (key: ScreenKey) => screens.some((s) => s.key === key);
  if (me?.role === 'supplier_operator') return <SupplierNav has={has} />;
  return (
    <nav className="admin-nav" data-testid="admin-nav">
      {has('orders') && <NavLink to="/admin/orders" data-testid="nav-orders">{t('admin.orders')}</NavLink>}
      {has('after-sales') && <NavLink to="/admin/after-sales" data-testid="nav-after-sales">{t('after_sales.nav')}</NavLink>}
      {has('products') && <NavLink to="/admin/products" data-testid="nav-products">{t('admin.products')}</NavLink>}
      {has('imports') && <NavLink to="/admin/imports" data-testid="nav-imports">{t('imports.nav')}</NavLink>}
      {has('hierarchy') && <NavLink to="/admin/hierarchy" data-testid="nav-hierarchy">{t('hierarchy.nav')}</NavLink>}
      {has('pickup') && <NavLink to="/admin/pickup-point" data-testid="nav-pickup">{t('pickup.nav')}</NavLink>}
      {has('listings') && <NavLink to="/admin/listings" data-testid="nav-listings">{t('supply.listings_nav')}</NavLink>}
      {has('assortments') && <NavLink to="/admin/supplier/assortments" data-testid="nav-assortments">{t('supply.assortments_nav')}</NavLink>}
      {has('suppliers') && <NavLink to="/admin/suppliers" data-testid="nav-suppliers">{t('supply.suppliers_title')}</NavLink>}
      {has('sales-windows') && <NavLink to="/admin/sales-windows" data-testid="nav-sales-windows">{t('fulfilment.nav_windows')}</NavLink>}
      {has('purchase-orders') && <NavLink to="/admin/purchase-orders" data-testid="nav-purchase-orders">{t('fulfilment.nav_purchase_orders')}</NavLink>}
      {has('pick-lists') && <NavLink to="/admin/pick-lists" data-testid="nav-pick-lists">{t('fulfilment.nav_pick_lists')}</NavLink>}
      {economics && <NavLink to={economics.to} data-testid="nav-economics">{t('economics.nav')}</NavLink>}
      {has('jobs') && <NavLink to="/admin/jobs" data-testid="nav-jobs">{t('jobs.nav')}</NavLink>}
      {has('messages') && <NavLink to="/admin/messages" data-testid="nav-messages">{t('messages.nav')}</NavLink>}
      {has('subscribe-messages') && <NavLink to="/admin/subscribe-messages" data-testid="nav-subscribe-messages">{t('subscribe.nav')}</NavLink>}
      {has('wechatpay') && <NavLink to="/admin/wechatpay" data-testid="nav-wechatpay">{t('wechatpay.nav')}</NavLink>}
      {has('reconciliation') && <NavLink to="/admin/reconciliation" data-testid="nav-reconciliation">{t('reconciliation.nav')}</NavLink>}
      {has('wechat') && <NavLink to="/admin/wechat" data-testid="nav-wechat">{t('wechat.nav')}</NavLink>}
      {has('wecom') && <NavLink to="/admin/wecom" data-testid="nav-wecom">{t('wecom.nav')}</NavLink>}
    </nav>
  );
}

export function AdminLayout() {
  const { t } = useTranslation();
  const session = useAdminSession();
  const queryClient = useQueryClient();
  const canShare = useScreens().some((s) => s.key === 'share');
  if (!session) return <Navigate to="/admin/login" replace />;

  const signOut = async () => {
    // Revoke on the server too; sign out locally even if that call fails.
    await adminApi('/auth/logout', { method: 'POST' }).catch(() => undefined);
    clearAdminSession();
    queryClient.removeQueries({ queryKey: ['admin'] });
  };
  return (
    <div className="admin">
      <SandboxBanner text="admin" />
      <header className="admin-header">
        <span className="admin-brand">{t('admin.title')}</span>
        <AdminNav />
        {/* The leader's most frequent action on a phone: one tap from every screen, beside the account. */}
        {canShare && <NavLink to="/admin/share" className="button primary small" data-testid="open-share">{t('share.nav')}</NavLink>}
        <span className="admin-user muted small" data-testid="admin-user">{session.tenant.name} · {session.user.display_name}</span>
        <NavLink to="/admin/account" className="small" data-testid="nav-account">{t('account.nav')}</NavLink>
        <LangSwitch />
        <button type="button" className="link" onClick={() => void signOut()} data-testid="sign-out">{t('admin.sign_out')}</button>
      </header>
      <main className="admin-main">
        <Outlet />
      </main>
    </div>
  );
}
