import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { ErrorNote, Loading, formatTime } from '../../ui.js';
import { adminApi } from '../auth.js';
import { useCan } from '../access.js';

type Broadcast = components['schemas']['Broadcast'];
type Recipient = components['schemas']['BroadcastRecipient'];
type RecipientStatus = components['schemas']['BroadcastRecipientStatus'];
type CapPeriod = components['schemas']['BroadcastCapPeriod'];
type TagGroup = components['schemas']['CustomerTagGroup'];

const PAGE = 50;
const STATUSES: RecipientStatus[] = ['planned', 'skipped', 'pending', 'sent', 'failed', 'not_contact', 'refused_by_wecom', 'cancelled'];

/** The mass-message planner: choose customers and write the message, plan, then open the plan. */
export function BroadcastsPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const list = useQuery({ queryKey: ['admin', 'reach', 'broadcasts'], queryFn: ({ signal }) => adminApi<{ items: Broadcast[] }>('/broadcasts', { signal }) });
  return (
    <section data-testid="broadcasts">
      <h1 className="page-title">{t('outreach.broadcasts')}</h1>
      <p className="muted small">{t('outreach.broadcasts_hint')}</p>
      {can('reach.manage') && <Planner />}
      {can('reach.settings') && <CapSetting />}
      {list.isPending ? <Loading /> : list.error ? <ErrorNote error={list.error} /> : list.data.items.length === 0 ? <p className="muted">{t('outreach.none')}</p> : (
        <ul className="crm-cards" data-testid="broadcast-list">
          {list.data.items.map((b) => (
            <li key={b.id} className="card crm-card" data-testid="broadcast">
              <Link to={`/admin/broadcasts/${b.id}`}>{String(b.content.text ?? b.id).slice(0, 40)}</Link>
              <div className="small"><span className="badge">{t(`outreach.b_${b.status}`)}</span> {t('outreach.will_receive', { count: b.counts.will_receive })} · {t('outreach.skipped', { count: b.counts.skipped })}</div>
              <div className="small muted">{formatTime(b.send_at, i18n.language)}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Planner() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const tags = useQuery({ queryKey: ['admin', 'crm', 'tags'], queryFn: ({ signal }) => adminApi<{ items: TagGroup[] }>('/customer-tags', { signal }) });
  const plan = useMutation({
    mutationFn: (body: Record<string, unknown>) => adminApi<Broadcast>('/broadcasts', { body }),
    onSuccess: async (b) => {
      await queryClient.invalidateQueries({ queryKey: ['admin', 'reach', 'broadcasts'] });
      navigate(`/admin/broadcasts/${b.id}`);
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const tag = String(form.get('tag') ?? '');
    const owner = String(form.get('owner') ?? '').trim();
    const sendAt = String(form.get('send_at') ?? '');
    plan.mutate({
      chat_type: 'single',
      audience: { ...(tag ? { tags_any: [tag] } : {}), ...(owner ? { owner } : {}) },
      content: { text: String(form.get('text') ?? '').trim() },
      ...(sendAt ? { send_at: new Date(sendAt).toISOString() } : {}),
    });
  };
  return (
    <form className="card form-grid" onSubmit={submit} data-testid="broadcast-form">
      <label>{t('outreach.audience_tag')} <select name="tag" data-testid="broadcast-tag">
        <option value="">{t('outreach.any')}</option>
        {tags.data?.items.map((g) => <optgroup key={g.id} label={g.name}>{g.tags.map((tag) => <option key={tag.id} value={tag.id}>{tag.name}</option>)}</optgroup>)}
      </select></label>
      <label>{t('outreach.audience_owner')} <input name="owner" data-testid="broadcast-owner" /></label>
      <label>{t('outreach.text')} <textarea name="text" required maxLength={4000} data-testid="broadcast-text" /></label>
      <label>{t('outreach.send_at')} <input type="datetime-local" name="send_at" data-testid="broadcast-send-at" /></label>
      <button type="submit" disabled={plan.isPending} data-testid="broadcast-plan">{t('outreach.plan')}</button>
      {plan.error && <ErrorNote error={plan.error} />}
    </form>
  );
}

function CapSetting() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['admin', 'reach', 'broadcast-settings'], queryFn: ({ signal }) => adminApi<{ cap_period: CapPeriod }>('/broadcasts/settings', { signal }) });
  const save = useMutation({
    mutationFn: (cap_period: CapPeriod) => adminApi<{ cap_period: CapPeriod }>('/broadcasts/settings', { method: 'PUT', body: { cap_period } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'reach', 'broadcast-settings'] }),
  });
  if (!settings.data) return settings.error ? <ErrorNote error={settings.error} /> : null;
  return (
    <label className="card small" data-testid="broadcast-cap">{t('outreach.cap_setting')}{' '}
      <select value={settings.data.cap_period} onChange={(e) => save.mutate(e.target.value as CapPeriod)} disabled={save.isPending} data-testid="broadcast-cap-period">
        {(['month', 'week', 'day'] as const).map((p) => <option key={p} value={p}>{t(`outreach.cap_${p}`)}</option>)}
      </select>
      {save.isSuccess && <span className="muted"> {t('outreach.saved')}</span>}
      {save.error && <ErrorNote error={save.error} />}
    </label>
  );
}

/** One mass message: the plan's counts by reason, confirm or cancel, and who receives, who is skipped and each result. */
export function BroadcastPage() {
  const { t, i18n } = useTranslation();
  const { broadcastId } = useParams();
  const can = useCan();
  const queryClient = useQueryClient();
  const key = ['admin', 'reach', 'broadcast', broadcastId];
  const b = useQuery({
    queryKey: key, queryFn: ({ signal }) => adminApi<Broadcast>(`/broadcasts/${broadcastId}`, { signal }),
    // Results come back from WeCom after sending: keep looking while it is under way.
    refetchInterval: (q) => (q.state.data?.status === 'sending' || q.state.data?.status === 'scheduled' ? 2000 : false),
  });
  const act = useMutation({
    mutationFn: (what: 'confirm' | 'cancel') => adminApi<Broadcast>(`/broadcasts/${broadcastId}/${what}`, { body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'reach'] }),
  });
  if (b.isPending) return <Loading />;
  if (b.error) return <ErrorNote error={b.error} />;
  const d = b.data;
  const open = d.status === 'planned' || d.status === 'scheduled';
  return (
    <section data-testid="broadcast-detail">
      <p><Link to="/admin/broadcasts">← {t('outreach.broadcasts')}</Link></p>
      <h1 className="page-title">{String(d.content.text ?? '').slice(0, 40)}</h1>
      <p><span className="badge" data-testid="broadcast-status">{t(`outreach.b_${d.status}`)}</span> <span className="small muted">{formatTime(d.send_at, i18n.language)}</span></p>
      <p className="small muted" data-testid="broadcast-cap-info">{t('outreach.cap', { limit: d.cap.limit, period: t(`outreach.period_${d.cap.period}`) })}</p>
      <p data-testid="broadcast-counts">
        {t('outreach.total', { count: d.counts.total })} · {t('outreach.will_receive', { count: d.counts.will_receive })} · {t('outreach.skipped', { count: d.counts.skipped })}
      </p>
      {Object.keys(d.counts.by_skip_reason).length > 0 && (
        <ul className="small" data-testid="broadcast-reasons">
          {Object.entries(d.counts.by_skip_reason).map(([reason, n]) => <li key={reason}>{t(`outreach.r_${reason}`)}: {n}</li>)}
        </ul>
      )}
      {d.status !== 'planned' && Object.keys(d.counts.by_status).length > 0 && (
        <p className="small" data-testid="broadcast-results">{Object.entries(d.counts.by_status).map(([s, n]) => `${t(`outreach.s_${s}`)} ${n}`).join(' · ')}</p>
      )}
      {can('reach.manage') && open && (
        <p>
          {d.status === 'planned' && <button type="button" onClick={() => act.mutate('confirm')} disabled={act.isPending} data-testid="broadcast-confirm">{t('outreach.confirm')}</button>}{' '}
          <button type="button" onClick={() => act.mutate('cancel')} disabled={act.isPending} data-testid="broadcast-cancel">{t('outreach.cancel')}</button>
        </p>
      )}
      {act.error && <ErrorNote error={act.error} />}
      <Recipients id={d.id} version={`${d.status}-${d.results_at ?? ''}`} />
    </section>
  );
}

function Recipients({ id, version }: { id: string; version: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<RecipientStatus | ''>('');
  const [pages, setPages] = useState<string[]>(['']);
  const after = pages.at(-1)!;
  const list = useQuery({
    queryKey: ['admin', 'reach', 'broadcast', id, 'recipients', version, status, after],
    queryFn: ({ signal }) => adminApi<{ items: Recipient[] }>(`/broadcasts/${id}/recipients`, { query: { limit: PAGE, ...(status ? { status } : {}), ...(after ? { after } : {}) }, signal }),
  });
  return (
    <>
      <h2>{t('outreach.recipients')}</h2>
      <select value={status} onChange={(e) => { setStatus(e.target.value as RecipientStatus | ''); setPages(['']); }} data-testid="recipients-status">
        <option value="">{t('outreach.filter_all')}</option>
        {STATUSES.map((s) => <option key={s} value={s}>{t(`outreach.s_${s}`)}</option>)}
      </select>
      {list.isPending ? <Loading /> : list.error ? <ErrorNote error={list.error} /> : (
        <>
          <ul className="crm-cards" data-testid="recipient-list">
            {list.data.items.map((r) => (
              <li key={r.recipient_key} className="card crm-card small" data-testid="recipient">
                <div className="crm-card-head">
                  {r.customer_id ? <Link to={`/admin/customers/${r.customer_id}`}>{r.customer_name || r.external_userid}</Link> : <span>{r.chat_id ?? r.recipient_key}</span>}
                  <span className="badge" data-testid="recipient-status">{t(`outreach.s_${r.status}`)}</span>
                </div>
                {r.skip_reason && <span className="muted" data-testid="recipient-reason">{t(`outreach.r_${r.skip_reason}`)}</span>}
                {r.sender_userid && <span className="muted">{r.sender_userid}</span>}
              </li>
            ))}
          </ul>
          <p>
            {pages.length > 1 && <button type="button" onClick={() => setPages(pages.slice(0, -1))}>←</button>}
            {list.data.items.length === PAGE && <button type="button" onClick={() => setPages([...pages, list.data.items.at(-1)!.recipient_key])} data-testid="recipients-more">{t('outreach.more')}</button>}
          </p>
        </>
      )}
    </>
  );
}
