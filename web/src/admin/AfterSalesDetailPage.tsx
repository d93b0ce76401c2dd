import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import type { AfterSalesRequest } from '../types.js';
import { ErrorNote, Field, Loading, StatusBadge, formatTime } from '../ui.js';
import { adminApi } from './auth.js';

/** One refund request: what was asked and why, and the decision (approve starts the refund). */
export function AfterSalesDetailPage() {
  const { requestId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const request = useQuery({
    queryKey: ['admin', 'after-sales', 'request', requestId],
    queryFn: ({ signal }) => adminApi<AfterSalesRequest>(`/after-sales/${requestId}`, { signal }),
    // While the refund is with the provider, look again until it settles.
    refetchInterval: (q) => (q.state.data?.status === 'approved' ? 2000 : false),
  });
  if (request.isPending) return <Loading />;
  if (request.error) return <ErrorNote error={request.error} />;
  const r = request.data;
  return (
    <section data-testid="after-sales-detail">
      <p><Link to="/admin/after-sales">{t('common.back')}</Link></p>
      <h1 className="page-title">{t('after_sales.request_for', { number: r.order_number })}</h1>
      <div className="card">
        <p><StatusBadge status={r.status} group="after_sales_status" testId="after-sales-status" /> {r.auto_approved && <span className="muted small">{t('after_sales.auto_approved')}</span>}</p>
        <dl className="facts">
          <dt>{t('admin.col_number')}</dt><dd><Link to={`/admin/orders/${r.order_id}`} data-testid="after-sales-order">{r.order_number}</Link> <StatusBadge status={r.order_status} /></dd>
          <dt>{t('admin.shop')}</dt><dd>{r.b_node_name}</dd>
          <dt>{t('admin.customer')}</dt><dd>{r.customer_name}</dd>
          <dt>{t('after_sales.reason')}</dt><dd data-testid="after-sales-reason">{r.reason}</dd>
          <dt>{t('after_sales.asked_at')}</dt><dd>{formatTime(r.created_at, i18n.language)}</dd>
          {r.decided_at && <><dt>{t('after_sales.decided_at')}</dt><dd>{formatTime(r.decided_at, i18n.language)}</dd></>}
          {r.decision_note && <><dt>{t('after_sales.note')}</dt><dd data-testid="after-sales-note">{r.decision_note}</dd></>}
        </dl>
        <table className="table" data-testid="after-sales-lines">
          <thead><tr><th>{t('admin.product')}</th><th className="num">{t('common.quantity')}</th><th className="num">{t('common.amount')}</th></tr></thead>
          <tbody>
            {r.lines.map((l) => <tr key={l.line_no}><td>{l.line_no}. {l.title}</td><td className="num">{l.quantity}</td><td className="num">{yuan(l.amount)}</td></tr>)}
          </tbody>
          <tfoot><tr><td colSpan={2}>{t('common.total')}</td><td className="num" data-testid="after-sales-amount">{yuan(r.amount)}</td></tr></tfoot>
        </table>
      </div>
      {(r.status === 'requested' || r.status === 'failed') && <Decide request={r} />}
    </section>
  );
}

function Decide({ request }: { request: AfterSalesRequest }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const decide = useMutation({
    mutationFn: (what: 'approve' | 'reject') => adminApi<AfterSalesRequest>(`/after-sales/${request.id}/${what}`, { body: { note: note.trim() } }),
    onSuccess: (data) => {
      queryClient.setQueryData(['admin', 'after-sales', 'request', request.id], data);
      return queryClient.invalidateQueries({ queryKey: ['admin', 'after-sales'] });
    },
  });
  return (
    <div className="card action" data-testid="after-sales-decide">
      <Field label={t('after_sales.note_label')}>
        <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} data-testid="decision-note" />
      </Field>
      <span className="inline">
        <button type="button" className="primary" disabled={decide.isPending} onClick={() => decide.mutate('approve')} data-testid="approve-request">
          {request.status === 'failed' ? t('after_sales.retry') : t('after_sales.approve', { amount: yuan(request.amount) })}
        </button>
        {request.status === 'requested' && (
          <button type="button" className="danger" disabled={decide.isPending || !note.trim()} onClick={() => decide.mutate('reject')} data-testid="reject-request">{t('after_sales.reject')}</button>
        )}
      </span>
      {request.status === 'requested' && <p className="muted small">{t('after_sales.reject_needs_note')}</p>}
      <ErrorNote error={decide.error} testId="decide-error" />
    </div>
  );
}
