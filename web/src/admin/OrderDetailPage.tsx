import { Link, useParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import type { Order } from '../types.js';
import { ErrorNote, Loading, StatusBadge, formatTime } from '../ui.js';
import { adminApi } from './auth.js';
import { OrderActions } from './OrderActions.js';
import { useCan } from './access.js';
import { OrderWaterfallCard } from './economics/OrderWaterfallCard.js';

export function OrderDetailPage() {
  const { orderId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const can = useCan();
  const order = useQuery({
    queryKey: ['admin', 'order', orderId],
    queryFn: ({ signal }) => adminApi<Order>(`/orders/${orderId}`, { signal }),
    // Refunds and payments settle through provider notifications a moment later; follow them until they do.
    refetchInterval: (query) => {
      const o = query.state.data;
      const waiting = !!o && (o.status === 'pending_payment' || (o.refunds ?? []).some((r) => r.status === 'pending'));
      return waiting ? 1500 : false;
    },
  });
  if (order.isPending) return <Loading />;
  if (order.error) return <ErrorNote error={order.error} />;
  const o = order.data;
  const fmt = (iso: string | null) => formatTime(iso, i18n.language);
  return (
    <article className="order-detail" data-testid="order-detail">
      <p><Link to="/admin/orders" className="link">← {t('admin.orders')}</Link></p>
      <header className="detail-head">
        <h1 className="page-title mono" data-testid="detail-number">{t('admin.order', { number: o.number })}</h1>
        <StatusBadge status={o.status} testId="detail-status" />
      </header>

      <div className="detail-grid">
        <section className="card">
          <h2 className="section-title">{t('admin.summary')}</h2>
          <dl className="facts">
            <dt>{t('admin.customer')}</dt><dd data-testid="detail-customer">{o.customer?.name} {o.customer?.phone}</dd>
            <dt>{t('admin.shop')}</dt><dd>{o.shop?.name ?? '—'}</dd>
            {o.attribution && <><dt>{t('share.nav')}</dt><dd data-testid="detail-sharer" data-code={o.attribution.code}>{t('share.shared_by', { name: o.attribution.sharer_name })}</dd></>}
            <dt>{t('admin.created_at')}</dt><dd>{fmt(o.created_at)}</dd>
            <dt>{t('admin.paid_at')}</dt><dd>{fmt(o.paid_at)}</dd>
            <dt>{t('common.total')}</dt><dd className="price" data-testid="detail-total">{yuan(o.total)}</dd>
            <dt>{t('admin.refunded_total')}</dt><dd data-testid="detail-refunded">{yuan(o.refunded_total)}</dd>
            <dt>{t('admin.buyer_note')}</dt><dd className="note-text" data-testid="detail-note">{o.note || <span className="muted">—</span>}</dd>
          </dl>
        </section>
        <OrderActions order={o} />
      </div>

      <section className="card">
        <h2 className="section-title">{t('admin.lines')}</h2>
        <div className="table-wrap">
          <table className="table" data-testid="detail-lines">
            <thead>
              <tr>
                <th>{t('admin.line_no')}</th><th>{t('admin.product')}</th><th className="num">{t('common.unit_price')}</th>
                <th className="num">{t('common.quantity')}</th><th className="num">{t('common.amount')}</th><th className="num">{t('admin.refunded_qty')}</th>
              </tr>
            </thead>
            <tbody>
              {o.lines.map((l) => (
                <tr key={l.line_no} data-testid="detail-line">
                  <td>{l.line_no}</td>
                  <td className="wide">{l.title}<br /><span className="muted small mono">{l.sku_code}</span></td>
                  <td className="num">{yuan(l.unit_price)}</td>
                  <td className="num">{l.quantity}</td>
                  <td className="num">{yuan(l.line_total)}</td>
                  <td className="num" data-testid="line-refunded-qty">{l.refunded_quantity || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {o.paid_at && can('economics.read') && <OrderWaterfallCard orderId={o.id} version={`${o.status}|${o.refunded_total}`} />}

      <section className="card">
        <h2 className="section-title">{t('admin.payments')}</h2>
        {(o.payments ?? []).length === 0 ? <p className="muted">{t('admin.none')}</p> : (
          <div className="table-wrap">
            <table className="table">
              <thead><tr><th>ID</th><th>{t('common.status')}</th><th className="num">{t('common.amount')}</th><th className="num">{t('admin.refunded_total')}</th><th>{t('common.time')}</th></tr></thead>
              <tbody>
                {(o.payments ?? []).map((p) => (
                  <tr key={p.id} data-testid="payment-row">
                    <td className="mono small">{p.id}</td>
                    <td><StatusBadge status={p.status} group="payment_status" /></td>
                    <td className="num">{yuan(p.amount)}</td>
                    <td className="num">{yuan(p.refunded_amount)}</td>
                    <td className="small">{fmt(p.succeeded_at ?? p.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card">
        <h2 className="section-title">{t('admin.refunds')}</h2>
        {(o.refunds ?? []).length === 0 ? <p className="muted" data-testid="no-refunds">{t('admin.none')}</p> : (
          <div className="table-wrap">
            <table className="table" data-testid="refunds-table">
              <thead><tr><th>ID</th><th>{t('common.status')}</th><th className="num">{t('common.amount')}</th><th>{t('admin.reason')}</th><th>{t('admin.restocked')}</th><th>{t('common.time')}</th></tr></thead>
              <tbody>
                {(o.refunds ?? []).map((r) => (
                  <tr key={r.id} data-testid="refund-row" data-status={r.status}>
                    <td className="mono small">{r.id}</td>
                    <td><StatusBadge status={r.status} group="refund_status" /></td>
                    <td className="num" data-testid="refund-amount">{yuan(r.amount)}</td>
                    <td>{r.reason || '—'}</td>
                    <td>{r.restocked ? t('admin.yes') : t('admin.no')}</td>
                    <td className="small">{fmt(r.settled_at ?? r.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </article>
  );
}
