import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import { AFTER_SALES_STATUSES, type AfterSalesAction, type AfterSalesList, type AfterSalesSettings } from '../types.js';
import { ErrorNote, Loading, StatusBadge, formatTime } from '../ui.js';
import { adminApi } from './auth.js';
import { useCan } from './access.js';

/** The after-sales queue: what needs action first (refunds that failed), then requests by status. */
export function AfterSalesPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'requested';
  const can = useCan();
  return (
    <section>
      <h1 className="page-title">{t('after_sales.title')}</h1>
      <NeedsAction />
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <select value={status} onChange={(e) => setParams(new URLSearchParams({ status: e.target.value }))} data-testid="after-sales-status-filter" aria-label={t('common.status')}>
          <option value="all">{t('admin.all_statuses')}</option>
          {AFTER_SALES_STATUSES.map((s) => <option key={s} value={s}>{t(`after_sales_status.${s}`)}</option>)}
        </select>
      </form>
      <Requests key={status} status={status === 'all' ? undefined : status} />
      {can('after_sales.settings.write') && <Rules />}
    </section>
  );
}

function Requests({ status }: { status: string | undefined }) {
  const { t, i18n } = useTranslation();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const list = useQuery({
    queryKey: ['admin', 'after-sales', status, cursor],
    queryFn: ({ signal }) => adminApi<AfterSalesList>('/after-sales', { query: { status, cursor, limit: 50 }, signal }),
    placeholderData: keepPreviousData,
  });
  if (list.isPending) return <Loading />;
  if (list.error) return <ErrorNote error={list.error} />;
  if (list.data.items.length === 0) return <p className="muted" data-testid="after-sales-empty">{t('after_sales.none')}</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="table" data-testid="after-sales-table">
          <thead>
            <tr>
              <th>{t('admin.col_number')}</th>
              <th>{t('admin.col_node')}</th>
              <th>{t('admin.col_customer')}</th>
              <th>{t('common.status')}</th>
              <th className="num">{t('common.amount')}</th>
              <th>{t('after_sales.reason')}</th>
              <th>{t('after_sales.asked_at')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((r) => (
              <tr key={r.id} data-testid="after-sales-row" data-request-id={r.id} data-status={r.status}>
                <td><Link to={`/admin/after-sales/${r.id}`} data-testid="after-sales-link">{r.order_number}</Link></td>
                <td>{r.b_node_name}</td>
                <td>{r.customer_name}</td>
                <td><StatusBadge status={r.status} group="after_sales_status" /></td>
                <td className="num">{yuan(r.amount)}</td>
                <td className="small">{r.reason}</td>
                <td>{formatTime(r.created_at, i18n.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>{t('admin.prev')}</button>
        <button type="button" disabled={!list.data.next_cursor} onClick={() => setCursors((c) => [...c, list.data.next_cursor ?? undefined])}>{t('admin.next')}</button>
      </div>
    </>
  );
}

/** Refunds the provider reported failed: the order was put back; someone must pay the buyer another way or retry. */
function NeedsAction() {
  const { t, i18n } = useTranslation();
  const actions = useQuery({
    queryKey: ['admin', 'after-sales', 'actions'],
    queryFn: ({ signal }) => adminApi<{ items: AfterSalesAction[] }>('/after-sales/actions', { signal }),
  });
  if (actions.isPending || actions.error || actions.data.items.length === 0) return null;
  return (
    <div className="card needs-action" data-testid="after-sales-actions">
      <h2 className="sub-title">{t('after_sales.needs_action')}</h2>
      <ul>
        {actions.data.items.map((a) => (
          <li key={a.id} data-testid="after-sales-action" data-refund-id={a.refund_id}>
            <span>
              <Link to={`/admin/orders/${a.order_id}`}>{a.order_number}</Link>{' · '}{a.b_node_name}{' · '}
              {t('after_sales.refund_failed', { amount: yuan(a.amount) })}{' · '}
              <span className="muted small">{t(`after_sales.stock.${String(a.details.stock ?? 'not_restocked')}`, { defaultValue: '' })} {formatTime(a.created_at, i18n.language)}</span>
              {a.request_id && <>{' · '}<Link to={`/admin/after-sales/${a.request_id}`}>{t('after_sales.open_request')}</Link></>}
            </span>
            <ResolveForm action={a} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function ResolveForm({ action }: { action: AfterSalesAction }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const resolve = useMutation({
    mutationFn: () => adminApi(`/after-sales/actions/${action.id}/resolve`, { body: { note: note.trim() } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'after-sales'] }),
  });
  const submit = (e: FormEvent) => { e.preventDefault(); if (note.trim()) resolve.mutate(); };
  return (
    <form className="inline" onSubmit={submit}>
      <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} placeholder={t('after_sales.resolution')} data-testid="action-note" />
      <button type="submit" disabled={resolve.isPending || !note.trim()} data-testid="action-resolve">{t('after_sales.resolve')}</button>
      <ErrorNote error={resolve.error} />
    </form>
  );
}

/** The tenant's rules, for admins: approve at once before the goods are ready; days to ask after pickup. */
function Rules() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const rules = useQuery({ queryKey: ['admin', 'after-sales', 'settings'], queryFn: ({ signal }) => adminApi<AfterSalesSettings>('/after-sales/settings', { signal }) });
  const save = useMutation({
    mutationFn: (patch: Partial<AfterSalesSettings>) => adminApi<AfterSalesSettings>('/after-sales/settings', { method: 'PATCH', body: patch }),
    onSuccess: (data) => queryClient.setQueryData(['admin', 'after-sales', 'settings'], data),
  });
  if (!rules.data) return null;
  return (
    <div className="card action" data-testid="after-sales-rules">
      <h2 className="sub-title">{t('after_sales.rules')}</h2>
      <label className="inline">
        <input type="checkbox" checked={rules.data.auto_approve_before_ready} disabled={save.isPending} onChange={(e) => save.mutate({ auto_approve_before_ready: e.target.checked })} data-testid="rule-auto-approve" />
        {t('after_sales.rule_auto_approve')}
      </label>
      <label className="inline">
        {t('after_sales.rule_window')}
        <input
          type="number" min={0} max={365} defaultValue={rules.data.return_window_days} key={rules.data.return_window_days}
          onBlur={(e) => { const days = Math.trunc(Number(e.target.value)); if (days >= 0 && days <= 365 && days !== rules.data.return_window_days) save.mutate({ return_window_days: days }); }}
          data-testid="rule-window"
        />
      </label>
      <p className="muted small">{t('after_sales.rule_window_hint')}</p>
      <ErrorNote error={save.error} />
    </div>
  );
}
