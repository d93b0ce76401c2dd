import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { yuan } from '../../money.js';
import { ErrorNote, formatTime, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import { Can } from '../access.js';
import { DocumentActions } from '../fulfilment/documents.js';

type PurchaseOrder = components['schemas']['PurchaseOrder'];
type PurchaseOrderDetail = components['schemas']['PurchaseOrderDetail'];

/** Purchase orders: the tenant's every one, or a supplier's own in its portal (the server decides which). */
export function PurchaseOrdersPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const windowId = params.get('window_id') ?? undefined;
  const pos = useQuery({
    queryKey: ['admin', 'purchase-orders', windowId],
    queryFn: ({ signal }) => adminApi<{ items: PurchaseOrder[] }>('/purchase-orders', { query: { window_id: windowId }, signal }).then((r) => r.items),
  });
  return (
    <section data-testid="purchase-orders-page">
      <h1 className="page-title">{t('fulfilment.nav_purchase_orders')}</h1>
      <section className="card">
        {pos.isPending ? <Loading /> : pos.error ? <ErrorNote error={pos.error} /> : pos.data.length === 0 ? <p className="empty">{t('fulfilment.no_purchase_orders')}</p> : (
          <div className="table-wrap">
            <table className="table" data-testid="purchase-orders-table">
              <thead>
                <tr>
                  <th>{t('fulfilment.number')}</th><th>{t('fulfilment.supplier')}</th><th>{t('fulfilment.warehouse')}</th><th>{t('fulfilment.window')}</th>
                  <th className="num">{t('fulfilment.ordered')}</th><th className="num">{t('fulfilment.ordered_cost')}</th><th>{t('common.status')}</th>
                </tr>
              </thead>
              <tbody>
                {pos.data.map((p) => (
                  <tr key={p.id} data-testid="purchase-order-row" data-status={p.status} data-supplier={p.supplier_id}>
                    <td className="mono"><Link to={`/admin/purchase-orders/${p.id}`} data-testid="purchase-order-link">{p.number}</Link></td>
                    <td>{p.supplier_name}</td>
                    <td>{p.warehouse_name}</td>
                    <td className="small">{p.window_name}<br /><span className="muted">{formatTime(p.cutoff_at, i18n.language)}</span></td>
                    <td className="num">{p.ordered_units}</td>
                    <td className="num">{yuan(p.ordered_cost)}</td>
                    <td><PoStatus status={p.status} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}

function PoStatus({ status }: { status: PurchaseOrder['status'] }) {
  const { t } = useTranslation();
  return <span className={status === 'open' ? 'badge badge-pending' : 'badge badge-accept'} data-testid="po-status" data-status={status}>{t(`fulfilment.po_status.${status}`)}</span>;
}

/** One purchase order: its lines and, while open, the confirmation of what will ship. */
export function PurchaseOrderDetailPage() {
  const { t, i18n } = useTranslation();
  const { purchaseOrderId } = useParams();
  const key = ['admin', 'purchase-order', purchaseOrderId];
  const po = useQuery({ queryKey: key, queryFn: ({ signal }) => adminApi<PurchaseOrderDetail>(`/purchase-orders/${purchaseOrderId}`, { signal }) });
  if (po.isPending) return <Loading />;
  if (po.error) return <ErrorNote error={po.error} />;
  const p = po.data;
  return (
    <section data-testid="purchase-order-detail" data-status={p.status}>
      <Link to="/admin/purchase-orders" className="small">← {t('fulfilment.back_to_list')}</Link>
      <h1 className="page-title">{t('fulfilment.nav_purchase_orders')} <span className="mono">{p.number}</span></h1>
      <section className="card">
        <div className="row"><span><strong>{t('fulfilment.supplier')}</strong> {p.supplier_name}</span><PoStatus status={p.status} /></div>
        <p><strong>{t('fulfilment.warehouse')}</strong> {p.warehouse_name}</p>
        <p className="muted small">{p.window_name} · {t('fulfilment.cutoff')} {formatTime(p.cutoff_at, i18n.language)}</p>
        {p.status === 'confirmed' && <p data-testid="po-short">{t('fulfilment.short_summary', { units: p.short_units, amount: yuan(p.short_amount) })}</p>}
        <DocumentActions base={`/purchase-orders/${p.id}`} name={p.number} />
      </section>
      {p.status === 'open' ? <Can permission="purchase_orders.confirm"><ConfirmForm po={p} queryKey={key} /></Can> : <LinesTable po={p} />}
      {p.refunds && p.refunds.length > 0 && (
        <section className="card">
          <h2 className="section-title">{t('fulfilment.refunds_title')}</h2>
          <div className="table-wrap">
            <table className="table" data-testid="short-refunds">
              <thead><tr><th>{t('fulfilment.order')}</th><th>{t('fulfilment.sku')}</th><th className="num">{t('common.quantity')}</th><th className="num">{t('common.amount')}</th><th>{t('fulfilment.paid_at')}</th></tr></thead>
              <tbody>
                {p.refunds.map((r) => (
                  <tr key={`${r.order_id}-${r.line_no}`} data-testid="short-refund-row">
                    <td className="mono"><Link to={`/admin/orders/${r.order_id}`}>{r.order_number}</Link></td><td className="mono">{r.sku_code}</td>
                    <td className="num">{r.quantity}</td><td className="num">{yuan(r.amount)}</td><td className="small">{formatTime(r.paid_at, i18n.language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </section>
  );
}

function LinesTable({ po }: { po: PurchaseOrderDetail }) {
  const { t } = useTranslation();
  return (
    <section className="card">
      <div className="table-wrap">
        <table className="table" data-testid="po-lines">
          <thead>
            <tr><th>{t('fulfilment.item')}</th><th className="num">{t('fulfilment.demand')}</th><th className="num">{t('fulfilment.case_pack')}</th><th className="num">{t('fulfilment.ordered')}</th><th className="num">{t('fulfilment.confirmed')}</th><th className="num">{t('fulfilment.unit_cost')}</th></tr>
          </thead>
          <tbody>
            {po.lines.map((l) => (
              <tr key={l.sku_id} data-testid="po-line" data-sku={l.sku_code}>
                <td>{l.title}<br /><span className="muted small mono">{l.sku_code}</span></td>
                <td className="num">{l.demand_qty}</td><td className="num">{l.case_pack}</td><td className="num">{l.ordered_qty}</td>
                <td className="num" data-testid="po-line-confirmed">{l.confirmed_qty ?? '—'}</td><td className="num">{yuan(l.unit_supply_cost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ConfirmForm({ po, queryKey }: { po: PurchaseOrderDetail; queryKey: unknown[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [qty, setQty] = useState<Record<string, string>>(() => Object.fromEntries(po.lines.map((l) => [l.sku_id, String(l.ordered_qty)])));
  const confirm = useMutation({
    mutationFn: () => adminApi<PurchaseOrderDetail>(`/purchase-orders/${po.id}/confirm`, {
      body: { lines: po.lines.map((l) => ({ sku_id: l.sku_id, confirmed_qty: Number(qty[l.sku_id] ?? l.ordered_qty) })) },
    }),
    onSuccess: (data) => { queryClient.setQueryData(queryKey, data); void queryClient.invalidateQueries({ queryKey: ['admin', 'purchase-orders'] }); },
  });
  const valid = po.lines.every((l) => { const n = Number(qty[l.sku_id]); return Number.isInteger(n) && n >= 0 && n <= l.ordered_qty; });
  return (
    <form className="card" data-testid="confirm-form" onSubmit={(e) => { e.preventDefault(); confirm.mutate(); }}>
      <h2 className="section-title">{t('fulfilment.confirm_title')}</h2>
      <p className="muted small">{t('fulfilment.confirm_hint')}</p>
      <div className="table-wrap">
        <table className="table">
          <thead><tr><th>{t('fulfilment.item')}</th><th className="num">{t('fulfilment.demand')}</th><th className="num">{t('fulfilment.ordered')}</th><th className="num">{t('fulfilment.confirmed')}</th></tr></thead>
          <tbody>
            {po.lines.map((l) => (
              <tr key={l.sku_id} data-testid="confirm-line" data-sku={l.sku_code}>
                <td>{l.title}<br /><span className="muted small mono">{l.sku_code} · {t('fulfilment.case_pack')} {l.case_pack}</span></td>
                <td className="num">{l.demand_qty}</td>
                <td className="num">{l.ordered_qty}</td>
                <td className="num">
                  <input type="number" min={0} max={l.ordered_qty} step={1} inputMode="numeric" style={{ width: 90 }} value={qty[l.sku_id] ?? ''}
                    onChange={(e) => setQty({ ...qty, [l.sku_id]: e.target.value })} data-testid="confirm-qty" aria-label={`${t('fulfilment.confirmed')} ${l.sku_code}`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button type="submit" className="primary" disabled={!valid || confirm.isPending} data-testid="confirm-po">{t('fulfilment.confirm')}</button>
      <ErrorNote error={confirm.error} />
    </form>
  );
}
