import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import { yuan } from '../money.js';
import { ErrorNote, Loading, formatTime } from '../ui.js';
import { useAttemptKey } from '../useAttemptKey.js';
import type { PaymentStart } from '../types.js';
import { forgetIfExpired, useConsumerOrder, useShopSession } from './session.js';


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
      <p className="muted small">{t('shop.pay_before', { time: formatTime(o.expires_at, i18n.language) })}</p>
      <ErrorNote error={pay.error ?? payWechat.error} testId="pay-error" />
      <button type="button" className="primary block wechat-pay" disabled={payWechat.isPending || pay.isPending} onClick={() => payWechat.mutate()} data-testid="wechat-pay">
        {payWechat.isPending ? t('shop.paying') : t('shop.pay_wechat_sandbox')}
      </button>
      <button type="button" className="primary block" disabled={pay.isPending || pay.isSuccess} onClick={() => pay.mutate()} data-testid="sandbox-pay">
        {pay.isPending ? t('shop.paying') : t('shop.pay_sandbox')}
      </button>
      <p className="muted small center">{t('shop.sandbox_hint')}</p>
      <Link to={`/s/${slug}/orders/${orderId}`} className="link small center">{t('shop.order_title')}</Link>
    </section>
  );
}
