import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { ErrorNote, formatTime, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import { DocumentActions } from './documents.js';

type PickList = components['schemas']['PickList'];
type PickListDetail = components['schemas']['PickListDetail'];

/** Pick lists: every pickup point's for the tenant, a leader's or store's own for them. Cards, as a leader reads them on a phone. */
export function PickListsPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const windowId = params.get('window_id') ?? undefined;
  const lists = useQuery({
    queryKey: ['admin', 'pick-lists', windowId],
    queryFn: ({ signal }) => adminApi<{ items: PickList[] }>('/pick-lists', { query: { window_id: windowId }, signal }).then((r) => r.items),
  });
  return (
    <section data-testid="pick-lists-page">
      <h1 className="page-title">{t('fulfilment.nav_pick_lists')}</h1>
      <Link to="/admin/pickup-day" className="button primary block" data-testid="open-pickup-day">{t('pickup_day.open')}</Link>
      {lists.isPending ? <Loading /> : lists.error ? <ErrorNote error={lists.error} /> : lists.data.length === 0 ? <p className="empty card">{t('fulfilment.no_pick_lists')}</p> : (
        <ul className="plain-list">
          {lists.data.map((l) => (
            <li key={l.id}>
              <Link to={`/admin/pick-lists/${l.id}`} className="card block-link" data-testid="pick-list-card" data-node={l.b_node_id}>
                <div className="row"><strong>{l.b_node_name}</strong><span className="tag">{l.window_name}</span></div>
                <div className="muted small">{t('fulfilment.cutoff')} {formatTime(l.cutoff_at, i18n.language)}</div>
                <div className="small">{t('fulfilment.orders')} {l.order_count} · {t('fulfilment.units')} <span data-testid="pick-list-units">{l.units}</span></div>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function PickListDetailPage() {
  const { t, i18n } = useTranslation();
  const { pickListId } = useParams();
  const list = useQuery({
    queryKey: ['admin', 'pick-list', pickListId],
    queryFn: ({ signal }) => adminApi<PickListDetail>(`/pick-lists/${pickListId}`, { signal }),
  });
  if (list.isPending) return <Loading />;
  if (list.error) return <ErrorNote error={list.error} />;
  const pl = list.data;
  return (
    <section data-testid="pick-list-detail">
      <Link to="/admin/pick-lists" className="small">← {t('fulfilment.back_to_list')}</Link>
      <h1 className="page-title">{t('fulfilment.nav_pick_lists')} · {pl.b_node_name}</h1>
      <section className="card">
        <p><strong>{t('fulfilment.pickup_point')}</strong> {pl.pickup_address || '—'}</p>
        {pl.pickup_hours && <p><strong>{t('fulfilment.hours')}</strong> {pl.pickup_hours}</p>}
        <p className="muted small">{pl.window_name} · {t('fulfilment.cutoff')} {formatTime(pl.cutoff_at, i18n.language)}</p>
        <DocumentActions base={`/pick-lists/${pl.id}`} name={`pick-list-${pl.b_node_name}`} receiptFirst />
      </section>
      <section className="card">
        <h2 className="section-title">{t('fulfilment.items_title')}</h2>
        <ul className="plain-list" data-testid="pick-items">
          {pl.items.map((i) => (
            <li key={i.sku_id} className="row" data-testid="pick-item" data-sku={i.sku_code}>
              <span>{i.title}<br /><span className="muted small mono">{i.sku_code}</span></span>
              <strong className="num" data-testid="pick-item-qty">× {i.quantity}</strong>
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2 className="section-title">{t('fulfilment.buyers_title')} ({pl.orders.length})</h2>
        <ul className="plain-list">
          {pl.orders.map((o) => (
            <li key={o.order_id} className="pick-order" data-testid="pick-order">
              <div className="row"><strong>{o.customer_name}{o.phone_tail ? ` · ${o.phone_tail}` : ''}</strong><span className="muted small mono">{o.number}</span></div>
              <ul className="plain-list small">
                {o.lines.map((l) => <li key={l.line_no} className="row"><span>{l.title}</span><span className="num">× {l.quantity}</span></li>)}
              </ul>
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
