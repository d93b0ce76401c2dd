import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import { ORDER_STATUSES, type OrderList } from '../types.js';
import { ErrorNote, Loading, StatusBadge, formatTime } from '../ui.js';
import { adminApi } from './auth.js';
import { useCan } from './access.js';

const PAGE_SIZE = 50;

export function OrdersPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const q = params.get('q') ?? '';
  const [draft, setDraft] = useState(q);

  // Cursors of the pages before this one, oldest first: the API pages forward only, so the way
  // back is kept, and kept in the address, so a reload or a shared link stays on the same page.
  const trail = (params.get('after') ?? '').split('.').filter(Boolean);

  /** A new filter starts again from the first page; paging keeps the filter. */
  const update = (next: { status?: string; q?: string; trail?: string[] }) => {
    const merged = { status, q, ...next };
    const p = new URLSearchParams();
    if (merged.status) p.set('status', merged.status);
    if (merged.q) p.set('q', merged.q);
    if (next.trail?.length) p.set('after', next.trail.join('.'));
    setParams(p);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update({ q: draft.trim() });
  };
  return (
    <section>
      <h1 className="page-title">{t('admin.orders')}</h1>
      <form className="filters" onSubmit={submit}>
        <select value={status} onChange={(e) => update({ status: e.target.value })} data-testid="orders-status-filter" aria-label={t('common.status')}>
          <option value="">{t('admin.all_statuses')}</option>
          {ORDER_STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
        </select>
        <input
          type="search"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder={t('admin.search_placeholder')}
          maxLength={64}
          data-testid="orders-search"
        />
        <button type="submit" className="primary" data-testid="orders-search-submit">{t('admin.search')}</button>
        {(status || q) && <button type="button" className="link" onClick={() => { setDraft(''); setParams(new URLSearchParams()); }}>{t('admin.reset')}</button>}
      </form>
      <OrderPages status={status} q={q} trail={trail} onPage={(next) => update({ trail: next })} />
    </section>
  );
}

function OrderPages({ status, q, trail, onPage }: { status: string; q: string; trail: string[]; onPage: (trail: string[]) => void }) {
  const { t, i18n } = useTranslation();
  // A node role sees its own node's orders only: a node column would say the same on every row.
  const allNodes = useCan()('b_nodes.all');
  const cursor = trail[trail.length - 1];
  const page = trail.length + 1;
  const list = useQuery({
    queryKey: ['admin', 'orders', status, q, cursor],
    queryFn: ({ signal }) => adminApi<OrderList>('/orders', { query: { status, q, limit: PAGE_SIZE, cursor }, signal }),
    placeholderData: keepPreviousData,
  });
  if (list.isPending) return <Loading />;
  if (list.error) return <ErrorNote error={list.error} />;
  const { items, next_cursor, total } = list.data;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const first = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
  return (
    <>
      <p className="muted small" data-testid="orders-total" data-total={total}>
        {t(total === 0 ? 'admin.orders_total_none' : 'admin.orders_total', { total: total.toLocaleString(), from: first.toLocaleString(), to: (first === 0 ? 0 : first + items.length - 1).toLocaleString() })}
      </p>
      <div className="table-wrap">
        <table className="table" data-testid="orders-table" aria-busy={list.isPlaceholderData}>
          <thead>
            <tr>
              <th>{t('admin.col_number')}</th>
              <th>{t('common.status')}</th>
              <th>{t('admin.col_customer')}</th>
              {allNodes && <th>{t('admin.col_node')}</th>}
              <th className="num">{t('admin.col_total')}</th>
              <th className="num">{t('admin.col_refunded')}</th>
              <th>{t('admin.col_created')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.id} data-testid="order-row" data-number={o.number}>
                <td><Link to={`/admin/orders/${o.id}`} className="mono" data-testid="order-link">{o.number}</Link></td>
                <td><StatusBadge status={o.status} /></td>
                <td>{o.customer_name}<br /><span className="muted small">{o.customer_phone}</span></td>
                {allNodes && <td>{o.b_node_name}</td>}
                <td className="num">{yuan(o.total)}</td>
                <td className="num">{o.refunded_total > 0 ? yuan(o.refunded_total) : '—'}</td>
                <td className="small">{formatTime(o.created_at, i18n.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && <p className="empty" data-testid="orders-empty">{t('admin.no_orders')}</p>}
      </div>
      <div className="pager">
        <button type="button" disabled={page <= 1} onClick={() => onPage(trail.slice(0, -1))} data-testid="orders-prev">{t('admin.prev')}</button>
        <span className="muted small" data-testid="orders-page">{t('admin.page_of', { page, pages })}</span>
        <button type="button" disabled={!next_cursor || list.isPlaceholderData} onClick={() => next_cursor && onPage([...trail, next_cursor])} data-testid="orders-next">{t('admin.next')}</button>
      </div>
    </>
  );
}
