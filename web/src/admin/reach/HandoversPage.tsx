import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { ErrorNote, Loading, formatTime } from '../../ui.js';
import { adminApi } from '../auth.js';
import { MemberPicker, type PickedMember } from './Pickers.js';

type Handover = components['schemas']['Handover'];
type HandoverDetail = components['schemas']['HandoverDetail'];
type CustomerList = components['schemas']['CrmCustomerList'];
type GroupRow = components['schemas']['CustomerGroupRow'];

/** Hand a member's customers and groups to another member: pick the member, see what they have, transfer. */
export function HandoversPage() {
  const { t, i18n } = useTranslation();
  const [member, setMember] = useState<PickedMember[]>([]);
  const list = useQuery({ queryKey: ['admin', 'reach', 'handovers'], queryFn: ({ signal }) => adminApi<{ items: Handover[] }>('/handovers', { signal }) });
  const from = member[0];
  return (
    <section data-testid="handovers">
      <h1 className="page-title">{t('outreach.handovers')}</h1>
      <p className="muted small">{t('outreach.handovers_hint')}</p>
      <MemberPicker label={t('outreach.handover_member')} testId="handover-member" value={member} onChange={setMember} includeLeft />
      {from && <MemberHoldings key={from.userid} from={from} />}
      {list.isPending ? <Loading /> : list.error ? <ErrorNote error={list.error} /> : (
        <ul className="crm-cards" data-testid="handover-list">
          {list.data.items.map((h) => (
            <li key={h.id} className="card crm-card small" data-testid="handover">
              <Link to={`/admin/handovers/${h.id}`}>{h.handover_userid} → {h.takeover_userid}</Link> <span className="badge">{t(`outreach.kind_${h.kind}`)}</span>
              <div className="muted">{formatTime(h.created_at, i18n.language)}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function MemberHoldings({ from }: { from: PickedMember }) {
  const { t } = useTranslation();
  const userid = from.userid;
  const [takeover, setTakeover] = useState<PickedMember[]>([]);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const customers = useQuery({ queryKey: ['admin', 'crm', 'customers', { owner: userid }, 'handover'], queryFn: ({ signal }) => adminApi<CustomerList>('/customers', { query: { owner: userid, limit: 100 }, signal }) });
  const groups = useQuery({ queryKey: ['admin', 'crm', 'groups', 'active'], queryFn: ({ signal }) => adminApi<{ items: GroupRow[] }>('/customer-groups', { signal }) });
  const theirGroups = groups.data?.items.filter((g) => g.owner_userid === userid) ?? [];
  const transfer = useMutation({
    mutationFn: (body: Record<string, unknown>) => adminApi<HandoverDetail>('/handovers', { body }),
    onSuccess: async (h) => {
      await queryClient.invalidateQueries({ queryKey: ['admin', 'reach', 'handovers'] });
      navigate(`/admin/handovers/${h.id}`);
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    transfer.mutate({
      kind: String(form.get('kind')), handover_userid: userid, takeover_userid: takeover[0]?.userid ?? '',
      customer_ids: form.getAll('customer_ids').map(String), group_ids: form.getAll('group_ids').map(String),
    });
  };
  if (customers.isPending || groups.isPending) return <Loading />;
  if (customers.error) return <ErrorNote error={customers.error} />;
  return (
    <form className="card form-grid" onSubmit={submit} data-testid="handover-form">
      <fieldset data-testid="handover-customers"><legend>{t('outreach.their_customers')} ({customers.data.items.length})</legend>
        {customers.data.items.length === 0 && <span className="muted">{t('outreach.none')}</span>}
        {customers.data.items.map((c) => <label key={c.id} className="small"><input type="checkbox" name="customer_ids" value={c.id} defaultChecked /> {c.name}</label>)}
      </fieldset>
      <fieldset data-testid="handover-groups"><legend>{t('outreach.their_groups')} ({theirGroups.length})</legend>
        {theirGroups.length === 0 && <span className="muted">{t('outreach.none')}</span>}
        {theirGroups.map((g) => <label key={g.id} className="small"><input type="checkbox" name="group_ids" value={g.id} defaultChecked /> {g.name || g.chat_id}</label>)}
      </fieldset>
      <label>{t('outreach.kind')} <select name="kind" defaultValue={from.status === 'left' ? 'resigned' : 'onjob'} data-testid="handover-kind">
        <option value="onjob">{t('outreach.kind_onjob')}</option>
        <option value="resigned">{t('outreach.kind_resigned')}</option>
      </select></label>
      <MemberPicker label={t('outreach.takeover_member')} testId="handover-takeover" value={takeover} onChange={setTakeover} exclude={[userid]} />
      <button type="submit" disabled={transfer.isPending || !takeover[0] || takeover[0].userid === userid} data-testid="handover-transfer">{t('outreach.transfer')}</button>
      {transfer.error && <ErrorNote error={transfer.error} />}
    </form>
  );
}

/** A handover's outcome per customer and group. */
export function HandoverPage() {
  const { t, i18n } = useTranslation();
  const { handoverId } = useParams();
  const h = useQuery({ queryKey: ['admin', 'reach', 'handover', handoverId], queryFn: ({ signal }) => adminApi<HandoverDetail>(`/handovers/${handoverId}`, { signal }) });
  if (h.isPending) return <Loading />;
  if (h.error) return <ErrorNote error={h.error} />;
  return (
    <section data-testid="handover-detail">
      <p><Link to="/admin/handovers">← {t('outreach.handovers')}</Link></p>
      <h1 className="page-title">{h.data.handover_userid} → {h.data.takeover_userid}</h1>
      <p className="small muted">{t(`outreach.kind_${h.data.kind}`)} · {formatTime(h.data.created_at, i18n.language)}</p>
      <h2>{t('outreach.results')}</h2>
      <ul className="crm-cards" data-testid="handover-items">
        {h.data.items.map((i) => (
          <li key={i.item_key} className="card crm-card small" data-testid="handover-item">
            {i.customer_id ? <Link to={`/admin/customers/${i.customer_id}`}>{i.external_userid ?? i.customer_id}</Link> : <span>{i.chat_id ?? i.group_id}</span>}
            {' '}<span className="badge">{t(`outreach.i_${i.status}`)}</span>
            {i.reason && <span className="muted"> {i.reason}</span>}
            {i.errcode !== null && <span className="muted"> · {i.errcode}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
