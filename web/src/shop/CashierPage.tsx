import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import { yuan } from '../money.js';
import { ErrorNote, Loading, formatTime } from '../ui.js';
import { useAttemptKey } from '../useAttemptKey.js';
import type { PaymentStart } from '../types.js';
import { forgetIfExpired, useConsumerOrder, useShopSession } from './session.js';
import { useStartWechatAuthorisation } from './WechatSignIn.js';
import { SubscribePrompt } from './SubscribePrompt.js';
import { DiscountLines } from './discounts.js';


/** The sandbox cashier: stands in for the WeChat Pay sheet; confirming asks the sandbox PSP to notify the server. */
export function CashierPage() {
  const { slug = '', orderId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const session = useShopSession(slug);
  const order = useConsumerOrder(slug, orderId, session?.token);
  const attempt = useAttemptKey(`pay|${orderId}`);
  const wechatAttempt = useAttemptKey(`wechatpay|${orderId}`);

  const pay = useMutation({
    mutationFn: async () => {
      const token = session?.token;
      const payment = await api<PaymentStart>(`/orders/${orderId}/payments`, { body: {}, token, idempotencyKey: attempt.key });
      try {
        await api(`/sandbox/payments/${payment.payment_id}/pay`, { body: {}, token });
      } catch (err) {
        // A replayed payment that was already confirmed: nothing left to do but wait for the notification.
        if (!(err instanceof ApiError && err.code === 'payment_not_pending')) throw err;
      }
      return payment;
    },
    onSuccess: () => navigate(`/s/${slug}/orders/${orderId}`, { replace: true, state: { paying: true } }),
    onError: (err) => forgetIfExpired(slug, err),
  });

  // WeChat Pay: inside WeChat's browser the pay parameters go to WeixinJSBridge's payment dialog; in
  // the sandbox the simulator's pay sheet stands in for it and comes back to the order page.
  const payWechat = useMutation({
    mutationFn: async () => {
      const payment = await api<PaymentStart>(`/orders/${orderId}/payments`, { body: { provider: 'wechatpay' }, token: session?.token, idempotencyKey: wechatAttempt.key });
      const orderPage = `/s/${slug}/orders/${orderId}`;
      const bridge = (window as unknown as { WeixinJSBridge?: { invoke: (name: string, params: unknown, done: (res: unknown) => void) => void } }).WeixinJSBridge;
      if (bridge && payment.params) {
        await new Promise((resolve) => bridge.invoke('getBrandWCPayRequest', payment.params, resolve));
        navigate(orderPage, { replace: true, state: { paying: true } });
        return;
      }
      if (payment.pay_url) window.location.assign(`${payment.pay_url}&return_to=${encodeURIComponent(`${orderPage}?paying=1`)}`);
    },
    onError: (err) => forgetIfExpired(slug, err),
  });

  // Signed in with a phone code: WeChat Pay needs the buyer's openid, which a WeChat sign-in adds
  // to this same account before the payment goes on (the callback comes back to this page).
  const needsWechat = payWechat.error instanceof ApiError && payWechat.error.code === 'wechat_identity_required';
  const linkWechat = useStartWechatAuthorisation(slug);

  if (!session) return <Navigate to={`/s/${slug}/orders/${orderId}`} replace />;
  if (order.isPending) return <Loading />;
  if (order.error) return <ErrorNote error={order.error} />;
  const o = order.data;
  if (o.status !== 'pending_payment') return <Navigate to={`/s/${slug}/orders/${orderId}`} replace />;
  return (
    <section className="cashier card" data-testid="cashier">
      <h1 className="page-title">{t('shop.cashier_title')}</h1>
      <p className="muted small">{t('shop.order_no', { number: o.number })}</p>
      <p className="muted">{t('shop.amount_due')}</p>
      <p className="price huge" data-testid="cashier-amount">{yuan(o.total)}</p>
      <DiscountLines subtotal={o.subtotal} discounts={o.discounts} testId="cashier-discounts" />
      <p className="muted small">{t('shop.pay_before', { time: formatTime(o.expires_at, i18n.language) })}</p>
      {/* Asked before paying, as WeChat shops do, so the "order paid" message has its opt-in too. */}
      <SubscribePrompt orderId={o.id} token={session.token} />
      {needsWechat ? (
        <div className="form" data-testid="needs-wechat">
          <p className="notice small">{t('shop.wechat_needed')}</p>
          <button type="button" className="primary block wechat" disabled={linkWechat.isPending} onClick={() => linkWechat.mutate({ link: true })} data-testid="continue-with-wechat">
            {t('shop.continue_with_wechat')}
          </button>
          <ErrorNote error={linkWechat.error} testId="wechat-error" />
        </div>
      ) : (
        <>
          <ErrorNote error={pay.error ?? payWechat.error} testId="pay-error" />
          <button type="button" className="primary block wechat-pay" disabled={payWechat.isPending || pay.isPending} onClick={() => payWechat.mutate()} data-testid="wechat-pay">
            {payWechat.isPending ? t('shop.paying') : t('shop.pay_wechat_sandbox')}
          </button>
        </>
      )}
      {/* The sandbox PSP's own cashier: a second way to pay, not WeChat's. */}
      <button type="button" className="button block" disabled={pay.isPending || pay.isSuccess} onClick={() => pay.mutate()} data-testid="sandbox-pay">
        {pay.isPending ? t('shop.paying') : t('shop.pay_sandbox')}
      </button>
      <p className="muted small center">{t('shop.sandbox_hint')}</p>
      <Link to={`/s/${slug}/orders/${orderId}`} className="link small center">{t('shop.order_title')}</Link>
    </section>
  );
}
