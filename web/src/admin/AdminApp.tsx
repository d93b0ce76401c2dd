import { lazy, Suspense, type ComponentType } from 'react';
import { BrowserRouter, Link, Route, Routes, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import type { ShopDirectory } from '../types.js';
import { ErrorNote, LangSwitch, Loading } from '../ui.js';
import { useAdminSession } from './auth.js';
import { NotFound } from '../NotFound.js';
import { AdminLayout } from './AdminLayout.js';
import { LoginPage } from './LoginPage.js';
import { OrdersPage } from './OrdersPage.js';
import { OrderDetailPage } from './OrderDetailPage.js';
import { JobsPage } from './JobsPage.js';
import { AccountPage } from './AccountPage.js';
import { ProductsPage } from './ProductsPage.js';
import { ProductEditPage } from './catalog/ProductEditPage.js';
import { CategoriesPage } from './catalog/CategoriesPage.js';
import { FirstScreen, Screen } from './access.js';
import { MessagesPage } from './MessagesPage.js';
import { WechatPayPage } from './WechatPayPage.js';
import { ReconciliationPage } from './ReconciliationPage.js';
import { WechatAppsPage } from './WechatAppsPage.js';
import { WecomPage } from './WecomPage.js';
import { AfterSalesPage } from './AfterSalesPage.js';
import { AfterSalesDetailPage } from './AfterSalesDetailPage.js';
import { SharePage } from './SharePage.js';
import { SubscribeMessagesPage } from './SubscribeMessagesPage.js';
import { ImportsPage } from './ImportsPage.js';
import { HierarchyPage } from './HierarchyPage.js';
import { PickupPointPage } from './PickupPointPage.js';
import { SalesWindowsPage } from './fulfilment/SalesWindowsPage.js';
import { PickListDetailPage, PickListsPage } from './fulfilment/PickListsPage.js';
import { PurchaseOrderDetailPage, PurchaseOrdersPage } from './supplier/PurchaseOrdersPage.js';
import { ListingsPage } from './ListingsPage.js';
import { CouponsPage } from './CouponsPage.js';
import { CustomersPage } from './crm/CustomersPage.js';
import { CustomerPage } from './crm/CustomerPage.js';
import { CustomerGroupPage, CustomerGroupsPage } from './crm/CustomerGroupsPage.js';
import { ChurnAlertsPage } from './crm/ChurnAlertsPage.js';
import { ReachScreen } from './reach/ReachGate.js';
import { LiveCodesPage } from './reach/LiveCodesPage.js';
import { BroadcastPage, BroadcastsPage } from './reach/BroadcastsPage.js';
import { HandoverPage, HandoversPage } from './reach/HandoversPage.js';
import { AssortmentsPage } from './supplier/AssortmentsPage.js';
import { SupplierStockPage } from './supplier/SupplierStockPage.js';
import { SuppliersPage } from './supplier/SuppliersPage.js';
import { PresalesPage } from './presales/PresalesPage.js';
import { PickupDayPage } from './presales/PickupDayPage.js';
import { BargainsPage } from './bargains/BargainsPage.js';

// The economics screens carry ECharts; loading them on first visit keeps the console's first load small.
const economics = () => import('./economics/index.js');
const lazyPage = (pick: (m: Awaited<ReturnType<typeof economics>>) => ComponentType) => {
  const Page = lazy(() => economics().then((m) => ({ default: pick(m) })));
  return <Suspense fallback={<Loading />}><Page /></Suspense>;
};
const economicsPage = lazyPage((m) => m.EconomicsPage);
const policiesPage = lazyPage((m) => m.PoliciesPage);
const checkPage = lazyPage((m) => m.CheckPage);
const breakevenPage = lazyPage((m) => m.BreakevenPage);
// Its own chunk, not the economics index's: it draws no charts, so it need not wait for ECharts.
const CampaignsPage = lazy(() => import('./economics/CampaignsPage.js').then((m) => ({ default: m.CampaignsPage })));
const campaignsPage = <Suspense fallback={<Loading />}><CampaignsPage /></Suspense>;
const SalesCampaignsPage = lazy(() => import('./economics/SalesCampaignsPage.js').then((m) => ({ default: m.SalesCampaignsPage })));
const salesCampaignsPage = <Suspense fallback={<Loading />}><SalesCampaignsPage /></Suspense>;

/** The console, served for /admin* and for every path that is not a shop's (the home page included). */
export function AdminApp() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/admin/login" element={<LoginPage />} />
        <Route path="/admin" element={<AdminLayout />}>
          <Route index element={<FirstScreen />} />
          <Route path="orders" element={<Screen screen="orders"><OrdersPage /></Screen>} />
          <Route path="orders/:orderId" element={<Screen screen="orders"><OrderDetailPage /></Screen>} />
          <Route path="after-sales" element={<Screen screen="after-sales"><AfterSalesPage /></Screen>} />
          <Route path="after-sales/:requestId" element={<Screen screen="after-sales"><AfterSalesDetailPage /></Screen>} />
          <Route path="customers" element={<Screen screen="customers"><CustomersPage /></Screen>} />
          <Route path="customers/:customerId" element={<Screen screen="customers"><CustomerPage /></Screen>} />
          <Route path="customer-groups" element={<Screen screen="customer-groups"><CustomerGroupsPage /></Screen>} />
          <Route path="customer-groups/:groupId" element={<Screen screen="customer-groups"><CustomerGroupPage /></Screen>} />
          <Route path="churn-alerts" element={<Screen screen="churn-alerts"><ChurnAlertsPage /></Screen>} />
          <Route path="live-codes" element={<ReachScreen permission="reach.read"><LiveCodesPage /></ReachScreen>} />
          <Route path="broadcasts" element={<ReachScreen permission="reach.read"><BroadcastsPage /></ReachScreen>} />
          <Route path="broadcasts/:broadcastId" element={<ReachScreen permission="reach.read"><BroadcastPage /></ReachScreen>} />
          <Route path="handovers" element={<ReachScreen permission="reach.manage"><HandoversPage /></ReachScreen>} />
          <Route path="handovers/:handoverId" element={<ReachScreen permission="reach.manage"><HandoverPage /></ReachScreen>} />
          <Route path="products" element={<Screen screen="products"><ProductsPage /></Screen>} />
          <Route path="imports" element={<Screen screen="imports"><ImportsPage /></Screen>} />
          <Route path="hierarchy" element={<Screen screen="hierarchy"><HierarchyPage /></Screen>} />
          <Route path="pickup-point" element={<Screen screen="pickup"><PickupPointPage /></Screen>} />
          <Route path="products/categories" element={<Screen screen="products"><CategoriesPage /></Screen>} />
          <Route path="products/:productId" element={<Screen screen="products"><ProductEditPage /></Screen>} />
          <Route path="sales-windows" element={<Screen screen="sales-windows"><SalesWindowsPage /></Screen>} />
          {/* Purchase orders are the supplier portal's too: the server answers a supplier with its own. */}
          <Route path="purchase-orders" element={<Screen screen="purchase-orders"><PurchaseOrdersPage /></Screen>} />
          <Route path="purchase-orders/:purchaseOrderId" element={<Screen screen="purchase-orders"><PurchaseOrderDetailPage /></Screen>} />
          <Route path="pick-lists" element={<Screen screen="pick-lists"><PickListsPage /></Screen>} />
          <Route path="pick-lists/:pickListId" element={<Screen screen="pick-lists"><PickListDetailPage /></Screen>} />
          <Route path="presales" element={<Screen screen="presales"><PresalesPage /></Screen>} />
          <Route path="pickup-day" element={<Screen screen="pickup-day"><PickupDayPage /></Screen>} />
          <Route path="bargains" element={<Screen screen="bargains"><BargainsPage /></Screen>} />
          <Route path="listings" element={<Screen screen="listings"><ListingsPage /></Screen>} />
          <Route path="coupons" element={<Screen screen="campaigns"><CouponsPage /></Screen>} />
          <Route path="suppliers" element={<Screen screen="suppliers"><SuppliersPage /></Screen>} />
          <Route path="supplier/assortments" element={<Screen screen="assortments"><AssortmentsPage /></Screen>} />
          <Route path="supplier/stock" element={<Screen screen="supplier-stock"><SupplierStockPage /></Screen>} />
          <Route path="jobs" element={<Screen screen="jobs"><JobsPage /></Screen>} />
          {/* Every signed-in user may change their password and sign out everywhere. */}
          <Route path="account" element={<AccountPage />} />
          <Route path="messages" element={<Screen screen="messages"><MessagesPage /></Screen>} />
          <Route path="share" element={<Screen screen="share"><SharePage /></Screen>} />
          <Route path="subscribe-messages" element={<Screen screen="subscribe-messages"><SubscribeMessagesPage /></Screen>} />
          <Route path="wechatpay" element={<Screen screen="wechatpay"><WechatPayPage /></Screen>} />
          <Route path="reconciliation" element={<Screen screen="reconciliation"><ReconciliationPage /></Screen>} />
          <Route path="wechat" element={<Screen screen="wechat"><WechatAppsPage /></Screen>} />
          <Route path="wecom" element={<Screen screen="wecom"><WecomPage /></Screen>} />
          <Route path="economics" element={<Screen screen="economics">{economicsPage}</Screen>} />
          <Route path="economics/policies" element={<Screen screen="policies">{policiesPage}</Screen>} />
          <Route path="economics/campaigns" element={<Screen screen="campaigns">{campaignsPage}</Screen>} />
          <Route path="economics/campaigns/sales" element={<Screen screen="campaigns">{salesCampaignsPage}</Screen>} />
          <Route path="economics/check" element={<Screen screen="check">{checkPage}</Screen>} />
          <Route path="economics/breakeven" element={<Screen screen="breakeven">{breakevenPage}</Screen>} />
          <Route path="*" element={<NotFound />} />
        </Route>
        <Route path="/" element={<Home />} />
        <Route path="*" element={<NotFound standalone />} />
      </Routes>
    </BrowserRouter>
  );
}

/**
 * The site's front door: the shops of the tenant named in `?tenant=`, of the signed-in user's
 * tenant, or else of the only tenant or the demo's, and the console.
 */
function Home() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const session = useAdminSession();
  const tenant = params.get('tenant') ?? session?.tenant.slug ?? undefined;
  const dir = useQuery({
    queryKey: ['home', 'shops', tenant],
    queryFn: ({ signal }) => api<ShopDirectory>('/shops', { query: { tenant }, signal }),
  });
  return (
    <div className="home">
      <LangSwitch />
      <h1>{t('common.home_title')}</h1>
      <section className="home-shops" data-testid="home-shops">
        {dir.isPending ? <Loading /> : dir.error ? <ErrorNote error={dir.error} /> : dir.data.shops.length === 0 ? (
          <p className="muted" data-testid="home-no-shops">{t('common.home_no_shops')}</p>
        ) : (
          <>
            <h2 className="section-title">{t('common.home_shops', { tenant: dir.data.tenant?.name ?? '' })}</h2>
            <ul className="home-shop-list">
              {dir.data.shops.map((s) => (
                <li key={s.slug}>
                  {/* The shop is the other web entry: a full page load. */}
                  <a href={`/s/${s.slug}`} className="card home-shop" data-testid="home-shop" data-slug={s.slug}>
                    <strong>{s.name}</strong>
                    <span className="tag">{t(`shop.kind.${s.kind}`, { defaultValue: s.kind })}</span>
                    {s.pickup_address && <span className="muted small">{s.pickup_address}</span>}
                  </a>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <Link to="/admin" className="button primary" data-testid="home-admin">{t('common.home_admin')}</Link>
    </div>
  );
}
