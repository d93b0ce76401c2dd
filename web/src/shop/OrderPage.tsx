import { Link, useLocation, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import { ErrorNote, Loading, StatusBadge, formatTime } from '../ui.js';
import { BuyerForm } from './BuyerForm.js';
import { useConsumerOrder, useShopCatalog, useShopSession } from './session.js';
import { useServerMode } from '../SandboxBanner.js';
import { AfterSalesSection } from './AfterSalesSection.js';
import { SubscribePrompt } from './SubscribePrompt.js';
import { DiscountLines } from './discounts.js';
import { PickupQr } from './PickupQr.js';

const PICKUP_VISIBLE = new Set(['paid', 'ready_for_pickup', 'partially_refunded']);

export function OrderPage() {
  const { slug = '', orderId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const location = useLocation();
  // Back from WeChat Pay's pay sheet (a full page load) the flag comes in the query instead.
  const paying = (location.state as { paying?: boolean } | null)?.paying === true || new URLSearchParams(location.search).get('paying') === '1';
  const session = useShopSession(slug);
  const order = useConsumerOrder(slug, orderId, session?.token);
  const mode = useServerMode();
  const catalog = useShopCatalog(slug);
  // What a friend would want: the first thing this order bought, when the shop still lists it.
  const firstSku = order.data?.lines[0]?.sku_id;
  const sharedProduct = catalog.data?.products.find((p) => p.skus.some((s) => s.id === firstSku))?.id;

  if (!session) return <NeedSession slug={slug} />;
  if (order.isPending) return <Loading />;
  if (order.error) return <ErrorNote error={order.error} />;
  const o = order.data;
  const showCode = PICKUP_VISIBLE.has(o.status) && o.lines.some((l) => l.refunded_quantity < l.quantity);
  return (
    <article className="order-page" data-testid="order-page">
      <header className="order-head card">
        <StatusBadge status={o.status} testId="order-status" />
        <h1 className="page-title">{t('shop.order_title')}</h1>
        <p className="muted small" data-testid="order-number">{t('shop.order_no', { number: o.number })}</p>
        {o.status === 'pending_payment' && paying && <p className="notice" data-testid="confirming">{t('shop.confirming')}</p>}
        {o.status === 'pending_payment' && !paying && (
          <p>
            {t('shop.pay_before', { time: formatTime(o.expires_at, i18n.language) })}{' '}
            <Link to={`/s/${slug}/pay/${o.id}`} className="button primary" data-testid="go-pay">{t('shop.go_pay')}</Link>
          </p>
        )}
      </header>
      {o.paid_at && <SubscribePrompt orderId={o.id} token={session.token} />}
      {o.paid_at && mode.data?.mode === 'sandbox' && (
        <p className="muted small center">
          {/* The simulated WeChat's side: what it delivered to buyers (a full page, served by the simulator). */}
          <a href={`/simulators/wechat/inbox?back=${encodeURIComponent(location.pathname)}`} className="link" data-testid="wechat-inbox-link">{t('shop.wechat_inbox')}</a>
        </p>
      )}
      {showCode && (
        <section className="card pickup">
          <p className="muted">{t('shop.pickup_code')}</p>
          {o.pickup_code && <PickupQr orderId={o.id} code={o.pickup_code} />}
          <p className="pickup-code" data-testid="pickup-code">{o.pickup_code}</p>
          <p className="muted small">{t('shop.pickup_code_hint')}</p>
          {o.shop?.pickup_address && <p className="small">{t('shop.pickup_at', { address: o.shop.pickup_address })}</p>}
        </section>
      )}
      <section className="card">
        <ul className="summary-lines" data-testid="order-lines">
          {o.lines.map((l) => (
            <li key={l.line_no}>
              <span>{l.title} × {l.quantity}{l.refunded_quantity > 0 && <span className="muted small"> (−{l.refunded_quantity})</span>}</span>
              <span>{yuan(l.line_total)}</span>
            </li>
          ))}
        </ul>
        <DiscountLines subtotal={o.subtotal} discounts={o.discounts} testId="order-discounts" />
        <p className="row total-row">
          <span>{t('common.total')}</span>
          <strong className="price" data-testid="order-total">{yuan(o.total)}</strong>
        </p>
        {o.group && o.group.refund_back > 0 && (
          <div data-testid="order-group-refund-back">
            <p className="row"><span>{t('promo.group_refund_back')}</span><span className="price">−{yuan(o.group.refund_back)}</span></p>
            <p className="muted small">{t('promo.group_refund_back_detail', { price: yuan(o.group.settled_price ?? 0), amount: yuan(o.group.refund_back) })}</p>
          </div>
        )}
        {o.group && <p className="small"><Link to={`/s/${o.shop?.slug ?? ''}/groups/${o.group.group_id}`} data-testid="order-group-link">{t('promo.group_title')} →</Link></p>}
        {o.refunded_total > 0 && <p className="muted small right">{t('shop.refunded_total', { amount: yuan(o.refunded_total) })}</p>}
        <p className="muted small">{formatTime(o.created_at, i18n.language)}</p>
      </section>
      {o.note && (
        <section className="card" data-testid="order-note-card">
          <p className="muted small">{t('shop.your_note')}</p>
          <p className="note-text" data-testid="order-note-text">{o.note}</p>
        </section>
      )}
      <AfterSalesSection order={o} token={session.token} />
      {o.paid_at && (
        <Link to={`/s/${slug}/share${sharedProduct ? `?product=${encodeURIComponent(sharedProduct)}` : ''}`} className="button primary block" data-testid="share-open">{t('shop.share_open')}</Link>
      )}
      <Link to={`/s/${slug}`} className="button block">{t('shop.back_to_shop')}</Link>
    </article>
  );
}

/** Signed out (a new phone, cleared storage, an expired session): the sign-in form, right here. */
export function NeedSession({ slug }: { slug: string }) {
  const { t } = useTranslation();
  return (
    <div className="need-session" data-testid="need-session">
      <h1 className="page-title">{t('shop.sign_in_title')}</h1>
      <p className="muted small">{t('shop.need_session')}</p>
      <BuyerForm slug={slug} />
      <Link to={`/s/${slug}`} className="button block">{t('shop.continue_shopping')}</Link>
    </div>
  );
}
