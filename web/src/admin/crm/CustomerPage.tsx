import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { yuan } from '../../money.js';
import { ErrorNote, Loading, StatusBadge, formatTime } from '../../ui.js';
import { adminApi } from '../auth.js';
import { useCan } from '../access.js';

type Customer = components['schemas']['CrmCustomer'];
type TagGroup = components['schemas']['CustomerTagGroup'];

/** A customer: who they are (phone masked), who follows them, their tags (editable), groups, timeline and orders. */
export function CustomerPage() {
  const { customerId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const can = useCan();
  const customer = useQuery({ queryKey: ['admin', 'crm', 'customer', customerId], queryFn: ({ signal }) => adminApi<Customer>(`/customers/${customerId}`, { signal }) });
  const [phone, setPhone] = useState<string | null>(null);
  const reveal = useMutation({ mutationFn: () => adminApi<{ phone: string | null }>(`/customers/${customerId}/phone`, { body: {} }), onSuccess: (r) => setPhone(r.phone) });
  if (customer.isPending) return <Loading />;
  if (customer.error) return <ErrorNote error={customer.error} />;
  const c = customer.data;
  const ended = (by: string | null) => t(`crm.ended_${by ?? 'member'}`);
  return (
    <section data-testid="crm-customer-page">
      <p><Link to="/admin/customers">{t('common.back')}</Link></p>
      <h1 className="page-title" data-testid="crm-customer-name">{c.name}</h1>
      <p className="small">
        <span data-testid="crm-customer-phone">{phone ?? c.phone ?? '—'}</span>
        {c.phone && !phone && can('customers.phone.reveal') && <> <button type="button" className="link" onClick={() => reveal.mutate()} data-testid="crm-reveal-phone">{t('crm.reveal_phone')}</button></>}
        {c.channel && <span className="muted"> · {t('crm.channel')} {c.channel}</span>}
        {c.b_node_name && <span className="muted"> · {c.b_node_name}</span>}
      </p>
      <p className="small muted">{t('crm.orders_count', { count: c.orders })} · {t('crm.spend')} {yuan(c.spend)}</p>
      <div className="card">
        <h2>{t('crm.follows')}</h2>
        <ul className="plain" data-testid="crm-follows">
          {c.follows.map((f) => (
            <li key={f.userid}>{f.member_name || f.userid}{f.remark && <span className="muted"> · {f.remark}</span>} <span className="muted small">{formatTime(f.added_at, i18n.language)}</span>
              {f.ended_at && <span className="badge badge-warn"> {t('crm.follow_ended', { by: ended(f.ended_by) })}</span>}</li>
          ))}
        </ul>
        <h2>{t('crm.identities')}</h2>
        <ul className="plain small">{c.identities.map((i) => <li key={`${i.provider}:${i.subject}`}><code>{i.provider}</code> {i.subject}</li>)}</ul>
      </div>
      <TagEditor customer={c} />
      {c.groups.length > 0 && (
        <div className="card"><h2>{t('crm.groups')}</h2>
          <ul className="plain">{c.groups.map((g) => <li key={g.id}><Link to={`/admin/customer-groups/${g.id}`}>{g.name}</Link> <span className="muted small">{t(`crm.scene_${g.join_scene ?? 0}`)}</span></li>)}</ul>
        </div>
      )}
      <div className="card">
        <h2>{t('crm.timeline')}</h2>
        <ol className="crm-timeline" data-testid="crm-timeline">
          {c.timeline.map((e) => (
            <li key={e.id} data-kind={e.kind}>
              <span className="muted small">{formatTime(e.occurred_at, i18n.language)}</span>{' '}
              {t(`crm.kind_${e.kind}`, { member: e.member_name || e.userid || '', number: String(e.data.number ?? '') })}
              {typeof e.data.total === 'number' && <span className="muted"> {yuan(e.data.total)}</span>}
              {typeof e.data.amount === 'number' && <span className="muted"> {yuan(e.data.amount)}</span>}
            </li>
          ))}
        </ol>
      </div>
      <div className="card">
        <h2>{t('crm.recent_orders')}</h2>
        <ul className="plain" data-testid="crm-orders">
          {c.recent_orders.map((o) => <li key={o.id}><Link to={`/admin/orders/${o.id}`}>{o.number}</Link> <StatusBadge status={o.status} /> {yuan(o.total)} <span className="muted small">{formatTime(o.created_at, i18n.language)}</span></li>)}
        </ul>
      </div>
    </section>
  );
}

function TagEditor({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const can = useCan();
  const queryClient = useQueryClient();
  const tags = useQuery({ queryKey: ['admin', 'crm', 'tags'], queryFn: ({ signal }) => adminApi<{ items: TagGroup[] }>('/customer-tags', { signal }) });
  const [chosen, setChosen] = useState(() => new Set(customer.tags.map((x) => x.id)));
  const save = useMutation({
    mutationFn: () => {
      const had = new Set(customer.tags.map((x) => x.id));
      return adminApi(`/customers/${customer.id}/tags`, { body: { add: [...chosen].filter((x) => !had.has(x)), remove: [...had].filter((x) => !chosen.has(x)) } });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'crm'] }),
  });
  return (
    <div className="card" data-testid="crm-tags">
      <h2>{t('crm.tags')}</h2>
      {tags.data?.items.map((g) => (
        <p key={g.id} className="crm-tag-group"><span className="muted small">{g.name}</span>{' '}
          {g.tags.map((tag) => (
            <label key={tag.id} className="crm-tag-choice">
              <input type="checkbox" disabled={!can('customers.tag')} checked={chosen.has(tag.id)}
                onChange={(e) => { const next = new Set(chosen); if (e.target.checked) next.add(tag.id); else next.delete(tag.id); setChosen(next); }} /> {tag.name}
            </label>
          ))}
        </p>
      ))}
      {can('customers.tag') && <button type="button" onClick={() => save.mutate()} disabled={save.isPending} data-testid="crm-save-tags">{t('crm.save_tags')}</button>}
      {save.error && <ErrorNote error={save.error} />}
    </div>
  );
}
