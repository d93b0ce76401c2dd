import { Link, useParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { yuan } from '../../money.js';
import { ErrorNote, Loading, StatusBadge, formatTime } from '../../ui.js';
import { adminApi } from '../auth.js';

type GroupRow = components['schemas']['CustomerGroupRow'];
type Group = components['schemas']['CustomerGroup'];

/** The WeCom customer groups (a node's for its owner and staff), with member counts. */
export function CustomerGroupsPage() {
  const { t, i18n } = useTranslation();
  const groups = useQuery({ queryKey: ['admin', 'crm', 'groups', 'active'], queryFn: ({ signal }) => adminApi<{ items: GroupRow[] }>('/customer-groups', { signal }) });
  if (groups.isPending) return <Loading />;
  if (groups.error) return <ErrorNote error={groups.error} />;
  return (
    <section data-testid="crm-groups">
      <h1 className="page-title">{t('crm.groups_title')}</h1>
      {groups.data.items.length === 0 ? <p className="muted">{t('crm.groups_none')}</p> : (
        <ul className="crm-cards">
          {groups.data.items.map((g) => (
            <li key={g.id} className="card crm-card" data-testid="crm-group">
              <Link to={`/admin/customer-groups/${g.id}`} className="crm-name">{g.name || g.chat_id}</Link>
              <div className="small">{t('crm.members', { count: g.member_count })} · {t('crm.customers_in_group', { count: g.customers })}</div>
              <div className="small muted">{t('crm.owner')} {g.owner_name || g.owner_userid || '—'} · {formatTime(g.updated_at, i18n.language)}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One group: its members (customers with their orders and spend) and the orders of its customers. */
export function CustomerGroupPage() {
  const { groupId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const group = useQuery({ queryKey: ['admin', 'crm', 'group', groupId], queryFn: ({ signal }) => adminApi<Group>(`/customer-groups/${groupId}`, { signal }) });
  if (group.isPending) return <Loading />;
  if (group.error) return <ErrorNote error={group.error} />;
  const g = group.data;
  return (
    <section data-testid="crm-group-page">
      <p><Link to="/admin/customer-groups">{t('common.back')}</Link></p>
      <h1 className="page-title">{g.name || g.chat_id}</h1>
      <p className="small">{t('crm.members', { count: g.member_count })} · {t('crm.customers_in_group', { count: g.customers })} · {t('crm.owner')} {g.owner_name || g.owner_userid}</p>
      {g.notice && <p className="muted small">{g.notice}</p>}
      <div className="card">
        <h2>{t('crm.group_members')}</h2>
        <ul className="plain" data-testid="crm-group-members">
          {g.members.map((m) => (
            <li key={m.member_key}>
              {m.customer_id ? <Link to={`/admin/customers/${m.customer_id}`}>{m.name || m.member_key}</Link> : <span>{m.name || m.member_key} <span className="badge">{t('crm.member_staff')}</span></span>}
              <span className="muted small"> {t(`crm.scene_${m.join_scene ?? 0}`)}</span>
              {m.customer_id && <span className="small"> · {t('crm.orders_count', { count: m.orders })} · {yuan(m.spend)}</span>}
            </li>
          ))}
        </ul>
      </div>
      <div className="card">
        <h2>{t('crm.group_orders')}</h2>
        <ul className="plain" data-testid="crm-group-orders">
          {g.orders.map((o) => <li key={o.id}><Link to={`/admin/orders/${o.id}`}>{o.number}</Link> {o.customer_name} <StatusBadge status={o.status} /> {yuan(o.total)} <span className="muted small">{formatTime(o.created_at, i18n.language)}</span></li>)}
        </ul>
      </div>
    </section>
  );
}
