import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Route, Routes, useParams } from 'react-router-dom';
import { NotFound } from '../NotFound.js';
import { ShopLayout } from './ShopLayout.js';
import { ProductList } from './ProductList.js';
import { ProductPage } from './ProductPage.js';
import { CartPage } from './CartPage.js';
import { CheckoutPage } from './CheckoutPage.js';
import { CashierPage } from './CashierPage.js';
import { OrderPage } from './OrderPage.js';
import { Loading } from '../ui.js';

// Campaign pages load when opened: the shop's first load stays small.
const MyOrdersPage = lazy(() => import('./MyOrdersPage.js').then((m) => ({ default: m.MyOrdersPage })));
const SharePage = lazy(() => import('./SharePage.js').then((m) => ({ default: m.SharePage })));
const WechatCallbackPage = lazy(() => import('./WechatCallbackPage.js').then((m) => ({ default: m.WechatCallbackPage })));
const CampaignBuyPage = lazy(() => import('./CampaignBuyPage.js').then((m) => ({ default: m.CampaignBuyPage })));
const GroupPage = lazy(() => import('./GroupPage.js').then((m) => ({ default: m.GroupPage })));
const WalletPage = lazy(() => import('./WalletPage.js').then((m) => ({ default: m.WalletPage })));
const InvitationsPage = lazy(() => import('./InvitationsPage.js').then((m) => ({ default: m.InvitationsPage })));
const PresalePage = lazy(() => import('./PresalePage.js').then((m) => ({ default: m.PresalePage })));
const BargainListPage = lazy(() => import('./BargainPages.js').then((m) => ({ default: m.BargainListPage })));
const BargainPage = lazy(() => import('./BargainPages.js').then((m) => ({ default: m.BargainPage })));
const later = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;

/** The consumer's shop, served for /s/*; it shares no screen with the console. */
export function ShopApp() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/s/:slug" element={<ShopLayout />}>
          <Route index element={<ProductList />} />
          <Route path="p/:productId" element={<ProductPage />} />
          <Route path="cart" element={<CartPage />} />
          <Route path="checkout" element={<CheckoutPage />} />
          <Route path="pay/:orderId" element={<CashierPage />} />
          <Route path="orders" element={later(<MyOrdersPage />)} />
          <Route path="orders/:orderId" element={<OrderPage />} />
          <Route path="share" element={later(<SharePage />)} />
          <Route path="buy/:kind/:ref" element={later(<CampaignBuyPage />)} />
          <Route path="groups/:groupId" element={later(<GroupPage />)} />
          <Route path="coupons" element={later(<WalletPage />)} />
          <Route path="invitations" element={later(<InvitationsPage />)} />
          <Route path="presale" element={later(<PresalePage />)} />
          <Route path="bargain" element={later(<BargainListPage />)} />
          <Route path="bargains/:bargainId" element={later(<BargainPage />)} />
          <Route path="wechat/callback" element={later(<WechatCallbackPage />)} />
          <Route path="*" element={<ShopNotFound />} />
        </Route>
        <Route path="*" element={<NotFound standalone leavesEntry />} />
      </Routes>
    </BrowserRouter>
  );
}

function ShopNotFound() {
  const { slug = '' } = useParams();
  return <NotFound home={`/s/${slug}`} />;
}
