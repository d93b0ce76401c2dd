import type { ReactNode } from 'react';
import { Navigate } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import type { components } from '../api/schema.gen.js';
import { Loading } from '../ui.js';
import { NotFound } from '../NotFound.js';
import { adminApi, useAdminSession } from './auth.js';

export type Permission = components['schemas']['Permission'];
export type Me = components['schemas']['Me'];

/**
 * The console's screens and the permission each needs. Navigation, the routes and the landing
 * page all follow this one table, and the permissions come from the server (/auth/me), which
 * checks the same ones: a role never sees a screen that would answer "no permission".
 */
export const SCREENS = [
  { key: 'orders', to: '/admin/orders', permission: 'orders.read' },
  { key: 'after-sales', to: '/admin/after-sales', permission: 'after_sales.decide' },
  { key: 'products', to: '/admin/products', permission: 'catalog.read' },
  { key: 'imports', to: '/admin/imports', permission: 'catalog.import' },
  { key: 'hierarchy', to: '/admin/hierarchy', permission: 'hierarchy.manage' },
  { key: 'pickup', to: '/admin/pickup-point', permission: 'pickup_point.write' },
  { key: 'economics', to: '/admin/economics', permission: 'economics.read' },
  { key: 'policies', to: '/admin/economics/policies', permission: 'policies.read' },
  { key: 'campaigns', to: '/admin/economics/campaigns', permission: 'campaigns.read' },
  { key: 'check', to: '/admin/economics/check', permission: 'economics.check' },
  { key: 'breakeven', to: '/admin/economics/breakeven', permission: 'economics.read' },
  { key: 'jobs', to: '/admin/jobs', permission: 'jobs.manage' },
  { key: 'messages', to: '/admin/messages', permission: 'messages.manage' },
  { key: 'share', to: '/admin/share', permission: 'sharing.create' },
  { key: 'subscribe-messages', to: '/admin/subscribe-messages', permission: 'subscribe_messages.read' },
  { key: 'wechatpay', to: '/admin/wechatpay', permission: 'tenant.manage' },
  { key: 'reconciliation', to: '/admin/reconciliation', permission: 'reconciliation.read' },
  { key: 'wechat', to: '/admin/wechat', permission: 'tenant.manage' },
  { key: 'wecom', to: '/admin/wecom', permission: 'tenant.manage' },
  { key: 'sales-windows', to: '/admin/sales-windows', permission: 'sales_windows.manage' },
  { key: 'purchase-orders', to: '/admin/purchase-orders', permission: 'purchase_orders.read' },
  { key: 'pick-lists', to: '/admin/pick-lists', permission: 'pick_lists.read' },
  // Supply: the owner's listings (curated from assortments), suppliers and their portal.
  { key: 'listings', to: '/admin/listings', permission: 'listings.write' },
  { key: 'suppliers', to: '/admin/suppliers', permission: 'tenant.manage' },
  { key: 'assortments', to: '/admin/supplier/assortments', permission: 'assortments.read' },
  { key: 'supplier-stock', to: '/admin/supplier/stock', permission: 'supplier.portal' },
] as const satisfies readonly { key: string; to: string; permission: Permission }[];
export type ScreenKey = (typeof SCREENS)[number]['key'];
export const ECONOMICS_SCREENS: readonly ScreenKey[] = ['economics', 'policies', 'campaigns', 'check', 'breakeven'];

/**
 * The signed-in user with their role, B node and permissions. The session from sign-in carries
 * them; /auth/me refreshes them (and fills them in for a session stored before they existed).
 */
export function useMe(): Me | undefined {
  const session = useAdminSession();
  const stored = session?.user as Partial<Me> | undefined;
  const me = useQuery({
    queryKey: ['admin', 'me', session?.token],
    queryFn: ({ signal }) => adminApi<Me>('/auth/me', { signal }),
    enabled: !!session,
    staleTime: 60_000,
    ...(stored?.permissions ? { initialData: stored as Me } : {}),
  });
  return me.data;
}

/** Whether the signed-in user holds a permission (false while it is not yet known). */
export function useCan(): (permission: Permission) => boolean {
  const me = useMe();
  return (permission) => !!me?.permissions.includes(permission);
}

/** The screens the signed-in user may open, in navigation order. */
export function useScreens(): { key: ScreenKey; to: string }[] {
  const can = useCan();
  return SCREENS.filter((s) => can(s.permission));
}

/** Renders its children only for a holder of the permission. */
export function Can({ permission, children }: { permission: Permission; children: ReactNode }) {
  return useCan()(permission) ? <>{children}</> : null;
}

/** A screen's route: shown to those who may use it; anyone else is told there is nothing here. */
export function Screen({ screen, children }: { screen: ScreenKey; children: ReactNode }) {
  const me = useMe();
  if (!me) return <Loading />;
  const needed = SCREENS.find((s) => s.key === screen)!.permission;
  return me.permissions.includes(needed) ? <>{children}</> : <NotFound home="/admin" />;
}

/** The console's landing page: the first screen the user may open. */
export function FirstScreen() {
  const me = useMe();
  const screens = useScreens();
  if (!me) return <Loading />;
  return screens[0] ? <Navigate to={screens[0].to} replace /> : <NotFound home="/admin" />;
}
