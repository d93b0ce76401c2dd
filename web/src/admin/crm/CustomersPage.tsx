import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { yuan } from '../../money.js';
import { ErrorNote, Loading, formatTime } from '../../ui.js';
import { adminApi } from '../auth.js';
import { useMe } from '../access.js';
import { ReachLinks } from '../reach/ReachGate.js';
import { MemberPicker, StorePicker, type PickedMember, type PickedStore } from '../reach/Pickers.js';

type CustomerList = components['schemas']['CrmCustomerList'];
type TagGroup = components['schemas']['CustomerTagGroup'];
type GroupRow = components['schemas']['CustomerGroupRow'];

const FILTERS = ['tags_any', 'owner', 'group_id', 'b_node_id', 'last_order_before', 'last_order_after', 'min_spend', 'q'] as const;

/**
 * The customer list: filters kept in the address (so a filtered list can be shared and reloaded),
 * cards that read on a phone as on a desk. Owners and staff get their node's customers and those
 * following them from the server; the same screen serves them.
 */
export function CustomersPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const tags = useQuery({ queryKey: ['admin', 'crm', 'tags'], queryFn: ({ signal }) => adminApi<{ items: TagGroup[] }>('/customer-tags', { signal }) });
  const groups = useQuery({ queryKey: ['admin', 'crm', 'groups', 'active'], queryFn: ({ signal }) => adminApi<{ items: GroupRow[] }>('/customer-groups', { signal }) });
  // The owner and store are picked by name; the address keeps their ids (a reload shows the id until picked again).
  const [owner, setOwner] = useState<PickedMember[]>(() => {
    const id = params.get('owner');
    return id ? [{ userid: id, name: id, b_node_id: null, b_node_name: null, status: 'active' }] : [];
  });
  const [store, setStore] = useState<PickedStore[]>(() => {
    const id = params.get('b_node_id');
    return id ? [{ id, name: id }] : [];
  });
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      let v = String(form.get(f) ?? '').trim();
      if (f === 'min_spend' && v) v = String(Math.round(Number(v) * 100));
      if (f === 'owner') v = owner[0]?.userid ?? '';
      if (f === 'b_node_id') v = store[0]?.id ?? '';
      if (v) next.set(f, v);
    }
    setParams(next);
  };
  const value = (f: (typeof FILTERS)[number]) => (f === 'min_spend' && params.get(f) ? String(Number(params.get(f)) / 100) : params.get(f) ?? '');
  const isNodeRole = me?.role === 'b_owner' || me?.role === 'staff';
  return (
    <section data-testid="crm-customers">
      <h1 className="page-title">{t('crm.customers_title')}</h1>
      <p className="muted small">{t('crm.customers_hint')}</p>
      <ReachLinks />
      <form className="filters crm-filters" onSubmit={apply} key={`filters?${params.toString()}`}>
        <select name="tags_any" defaultValue={value('tags_any')} aria-label={t('crm.filter_tag')} data-testid="crm-filter-tag">
          <option value="">{t('crm.filter_tag')}: {t('crm.any')}</option>
          {tags.data?.items.map((g) => <optgroup key={g.id} label={g.name}>{g.tags.map((tag) => <option key={tag.id} value={tag.id}>{tag.name}</option>)}</optgroup>)}
        </select>
        <select name="group_id" defaultValue={value('group_id')} aria-label={t('crm.filter_group')} data-testid="crm-filter-group">
          <option value="">{t('crm.filter_group')}: {t('crm.any')}</option>
          {groups.data?.items.map((g) => <option key={g.id} value={g.id}>{g.name || g.chat_id}</option>)}
        </select>
        <MemberPicker label={t('crm.filter_owner')} testId="crm-filter-owner" value={owner} onChange={setOwner} bNodeId={store[0]?.id} />
        {!isNodeRole && <StorePicker label={t('crm.filter_node')} testId="crm-filter-node" value={store} onChange={(next) => { setStore(next); setOwner([]); }} />}
        <label className="small">{t('crm.filter_last_after')} <input type="date" name="last_order_after" defaultValue={value('last_order_after')} /></label>
        <label className="small">{t('crm.filter_last_before')} <input type="date" name="last_order_before" defaultValue={value('last_order_before')} /></label>
        <input name="min_spend" type="number" min="0" step="0.01" defaultValue={value('min_spend')} placeholder={t('crm.filter_min_spend')} aria-label={t('crm.filter_min_spend')} data-testid="crm-filter-spend" />
        <input name="q" defaultValue={value('q')} placeholder={t('crm.filter_q')} aria-label={t('crm.filter_q')} data-testid="crm-filter-q" />
        <button type="submit" data-testid="crm-filter-apply">{t('crm.apply')}</button>
      </form>
      <CustomerCards key={`cards?${params.toString()}`} query={Object.fromEntries(params)} />
    </section>
  );
}

function CustomerCards({ query }: { query: Record<string, string> }) {
  const { t, i18n } = useTranslation();
  const [offset, setOffset] = useState(0);
  const list = useQuery({
    queryKey: ['admin', 'crm', 'customers', query, offset],
    queryFn: ({ signal }) => adminApi<CustomerList>('/customers', { query: { ...query, offset, limit: 50 }, signal }),
    placeholderData: keepPreviousData,
  });
  if (list.isPending) return <Loading />;
  if (list.error) return <ErrorNote error={list.error} />;
  if (list.data.items.length === 0) return <p className="muted" data-testid="crm-customers-empty">{t('crm.none')}</p>;
  return (
    <>
      <ul className="crm-cards" data-testid="crm-customer-list">
        {list.data.items.map((c) => (
          <li key={c.id} className="card crm-card" data-testid="crm-customer">
            <div className="crm-card-head">
              <Link to={`/admin/customers/${c.id}`} className="crm-name">{c.name}</Link>
              {c.phone && <span className="muted small">{c.phone}</span>}
            </div>
            <div className="small">
              {c.owners.length ? c.owners.map((o) => o.name || o.userid).join('、') : <span className="muted">{t('crm.no_owner')}</span>}
              {c.b_node_name && <span className="muted"> · {c.b_node_name}</span>}
            </div>
            {c.tags.length > 0 && <div className="crm-tags">{c.tags.map((tag) => <span key={tag.id} className="badge">{tag.name}</span>)}</div>}
            <div className="small muted">
              {t('crm.orders_count', { count: c.orders })} · {t('crm.spend')} {yuan(c.spend)}
              {c.last_order_at && <> · {t('crm.last_order')} {formatTime(c.last_order_at, i18n.language)}</>}
            </div>
          </li>
        ))}
      </ul>
      <p>
        {offset > 0 && <button type="button" onClick={() => setOffset(Math.max(0, offset - 50))}>←</button>}
        {list.data.next_offset !== null && <button type="button" onClick={() => setOffset(list.data.next_offset!)} data-testid="crm-more">{t('crm.more')}</button>}
      </p>
    </>
  );
}
