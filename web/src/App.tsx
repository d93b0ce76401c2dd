import { lazy, Suspense, type ComponentType } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { LangSwitch, Loading } from './ui.js';
import { ShopLayout } from './shop/ShopLayout.js';
import { ProductList } from './shop/ProductList.js';
import { ProductPage } from './shop/ProductPage.js';
import { CartPage } from './shop/CartPage.js';
import { CheckoutPage } from './shop/CheckoutPage.js';
import { CashierPage } from './shop/CashierPage.js';
import { OrderPage } from './shop/OrderPage.js';
import { MyOrdersPage } from './shop/MyOrdersPage.js';
import { AdminLayout } from './admin/AdminLayout.js';
import { LoginPage } from './admin/LoginPage.js';
import { OrdersPage } from './admin/OrdersPage.js';
import { OrderDetailPage } from './admin/OrderDetailPage.js';

// The economics screens carry ECharts; loading them on first visit keeps it out of the shop's bundle.
const economics = () => import('./admin/economics/index.js');
const lazyPage = (pick: (m: Awaited<ReturnType<typeof economics>>) => ComponentType) => {
  const Page = lazy(() => economics().then((m) => ({ default: pick(m) })));
  return <Suspense fallback={<Loading />}><Page /></Suspense>;
};
const economicsPage = lazyPage((m) => m.EconomicsPage);
const policiesPage = lazyPage((m) => m.PoliciesPage);
const checkPage = lazyPage((m) => m.CheckPage);
const breakevenPage = lazyPage((m) => m.BreakevenPage);
// Its own chunk, not the economics index's: it draws no charts, so it need not wait for ECharts.
const CampaignsPage = lazy(() => import('./admin/economics/CampaignsPage.js').then((m) => ({ default: m.CampaignsPage })));
const campaignsPage = <Suspense fallback={<Loading />}><CampaignsPage /></Suspense>;

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/s/:slug" element={<ShopLayout />}>
          <Route index element={<ProductList />} />
          <Route path="p/:productId" element={<ProductPage />} />
          <Route path="cart" element={<CartPage />} />
          <Route path="checkout" element={<CheckoutPage />} />
          <Route path="pay/:orderId" element={<CashierPage />} />
          <Route path="orders" element={<MyOrdersPage />} />
          <Route path="orders/:orderId" element={<OrderPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
        <Route path="/admin/login" element={<LoginPage />} />
        <Route path="/admin" element={<AdminLayout />}>
          <Route index element={<Navigate to="orders" replace />} />
          <Route path="orders" element={<OrdersPage />} />
          <Route path="orders/:orderId" element={<OrderDetailPage />} />
          <Route path="economics" element={economicsPage} />
          <Route path="economics/policies" element={policiesPage} />
          <Route path="economics/campaigns" element={campaignsPage} />
          <Route path="economics/check" element={checkPage} />
          <Route path="economics/breakeven" element={breakevenPage} />
          <Route path="*" element={<NotFound />} />
        </Route>
        <Route path="/" element={<Home />} />
        <Route path="*" element={<NotFound standalone />} />
      </Routes>
    </BrowserRouter>
  );
}

function Home() {
  const { t } = useTranslation();
  return (
    <div className="home">
      <LangSwitch />
      <h1>{t('common.home_title')}</h1>
      <Link to="/admin" className="button primary">{t('common.home_admin')}</Link>
    </div>
  );
}

function NotFound({ standalone = false }: { standalone?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className={standalone ? 'home' : 'empty'}>
      {standalone && <LangSwitch />}
      <p>{t('common.not_found')}</p>
      <Link to="/" className="button">{t('common.back')}</Link>
    </div>
  );
}
