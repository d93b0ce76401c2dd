import { Navigate, NavLink, Outlet } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { LangSwitch } from '../ui.js';
import { SandboxBanner } from '../SandboxBanner.js';
import { adminApi, clearAdminSession, useAdminSession } from './auth.js';

export function AdminLayout() {
  const { t } = useTranslation();
  const session = useAdminSession();
  const queryClient = useQueryClient();
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
        <nav className="admin-nav">
          <NavLink to="/admin/orders" data-testid="nav-orders">{t('admin.orders')}</NavLink>
          <NavLink to="/admin/after-sales" data-testid="nav-after-sales">{t('after_sales.nav')}</NavLink>
          <NavLink to="/admin/economics" data-testid="nav-economics">{t('economics.nav')}</NavLink>
          {session.user.role === 'tenant_admin' || session.user.role === 'platform_operator' ? <NavLink to="/admin/jobs" data-testid="nav-jobs">{t('jobs.nav')}</NavLink> : null}
          {session.user.role === 'tenant_admin' || session.user.role === 'platform_operator' ? <NavLink to="/admin/messages" data-testid="nav-messages">{t('messages.nav')}</NavLink> : null}
        </nav>
        <span className="admin-user muted small" data-testid="admin-user">{session.tenant.name} · {session.user.display_name}</span>
        <LangSwitch />
        <button type="button" className="link" onClick={() => void signOut()} data-testid="sign-out">{t('admin.sign_out')}</button>
      </header>
      <main className="admin-main">
        <Outlet />
      </main>
    </div>
  );
}
