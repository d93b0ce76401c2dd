import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { ErrorNote, Loading, formatTime } from '../../ui.js';
import { adminApi } from '../auth.js';
import { useCan, useMe } from '../access.js';
import { GroupPicker, MemberPicker, StorePicker, useOwnStore, type PickedGroup, type PickedMember, type PickedStore } from './Pickers.js';

type LiveCode = components['schemas']['LiveCode'];
type LiveCodeKind = components['schemas']['LiveCodeKind'];
type Welcome = components['schemas']['WelcomeMessage'];
type TagGroup = components['schemas']['CustomerTagGroup'];

const KINDS: LiveCodeKind[] = ['store', 'member', 'campaign', 'group'];

/** Live codes with their adds per day and QR, a form to make one, and the welcome messages sent. */
export function LiveCodesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const codes = useQuery({ queryKey: ['admin', 'reach', 'live-codes'], queryFn: ({ signal }) => adminApi<{ items: LiveCode[] }>('/live-codes', { signal }) });
  return (
    <section data-testid="live-codes">
      <h1 className="page-title">{t('outreach.live_codes')}</h1>
      <p className="muted small">{t('outreach.live_codes_hint')}</p>
      {can('reach.manage') && <CreateLiveCode />}
      {codes.isPending ? <Loading /> : codes.error ? <ErrorNote error={codes.error} /> : codes.data.items.length === 0 ? <p className="muted">{t('outreach.none')}</p> : (
        <ul className="crm-cards">{codes.data.items.map((c) => <LiveCodeCard key={c.id} code={c} />)}</ul>
      )}
      <Welcomes />
    </section>
  );
}

function LiveCodeCard({ code }: { code: LiveCode }) {
  const { t } = useTranslation();
  const days = code.days;
  const today = days.at(-1)?.adds ?? 0;
  const recent = days.filter((d) => d.adds > 0 || d.requests > 0).slice(-7).reverse();
  return (
    <li className="card crm-card" data-testid="live-code">
      <div className="crm-card-head">
        <strong data-testid="live-code-name">{code.name}</strong>
        <span className="badge">{t(`outreach.kind_${code.kind}`)}</span>
      </div>
      <div className="small muted">state <code data-testid="live-code-state">{code.state}</code>{code.userids.length > 0 && <> · {code.userids.join('、')}</>}</div>
      <div className="small" data-testid="live-code-adds">{t('outreach.adds_today', { count: today })} · {t('outreach.total_adds', { count: code.total_adds })}</div>
      {recent.length > 0 && (
        <table className="small live-code-days" data-testid="live-code-days"><caption className="muted">{t('outreach.per_day')}</caption>
          <thead><tr><th>{t('outreach.day')}</th><th>{t('outreach.requests')}</th><th>{t('outreach.adds')}</th></tr></thead>
          <tbody>{recent.map((d) => (
            <tr key={d.day} data-testid="live-code-day">
              <td>{d.day}</td><td data-testid="live-code-day-requests">{d.requests}</td><td data-testid="live-code-day-adds">{d.adds}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {code.qr_code
        ? <a href={code.qr_code} target="_blank" rel="noreferrer" data-testid="live-code-qr"><img src={code.qr_code} alt={`QR ${code.name}`} width={120} height={120} style={{ maxWidth: '100%', height: 'auto' }} /></a>
        : <span className="muted small">{t('outreach.no_qr')}</span>}
    </li>
  );
}

function CreateLiveCode() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<LiveCodeKind>('store');
  const isNodeRole = me?.role === 'b_owner' || me?.role === 'staff';
  const ownStore = useOwnStore(isNodeRole);
  const [store, setStore] = useState<PickedStore[]>([]);
  const [members, setMembers] = useState<PickedMember[]>([]);
  const [groups, setGroups] = useState<PickedGroup[]>([]);
  const chosenStore = store[0] ?? ownStore;
  const tags = useQuery({ queryKey: ['admin', 'crm', 'tags'], queryFn: ({ signal }) => adminApi<{ items: TagGroup[] }>('/customer-tags', { signal }) });
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => adminApi<LiveCode>('/live-codes', { body }),
    onSuccess: async () => {
      setMembers([]);
      setGroups([]);
      await queryClient.invalidateQueries({ queryKey: ['admin', 'reach', 'live-codes'] });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = String(form.get('welcome') ?? '').trim();
    const state = String(form.get('state') ?? '').trim();
    const bNode = kind === 'store' ? chosenStore?.id : undefined;
    const campaign = String(form.get('campaign_id') ?? '').trim();
    create.mutate({
      kind, name: String(form.get('name') ?? '').trim(),
      ...(state ? { state } : {}), ...(bNode ? { b_node_id: bNode } : {}), ...(campaign ? { campaign_id: campaign } : {}),
      userids: kind === 'group' ? [] : members.map((m) => m.userid),
      group_ids: kind === 'group' ? groups.map((g) => g.id) : [],
      tag_ids: form.getAll('tag_ids').map(String),
      ...(text ? { welcome: { text } } : {}),
    });
  };
  return (
    <form className="card form-grid" onSubmit={submit} data-testid="live-code-form">
      <label>{t('outreach.kind')} <select value={kind} onChange={(e) => setKind(e.target.value as LiveCodeKind)} data-testid="live-code-kind">
        {KINDS.map((k) => <option key={k} value={k}>{t(`outreach.kind_${k}`)}</option>)}
      </select></label>
      <label>{t('outreach.name')} <input name="name" required maxLength={64} data-testid="live-code-name-input" /></label>
      <label>{t('outreach.state')} <input name="state" pattern="[A-Za-z0-9_\-]{1,30}" data-testid="live-code-state-input" /></label>
      {kind === 'store' && (isNodeRole
        ? <p className="small">{t('outreach.b_node')}: <strong data-testid="live-code-own-store">{ownStore?.name ?? ''}</strong></p>
        : <StorePicker label={t('outreach.b_node')} testId="live-code-node" value={store} onChange={(next) => { setStore(next); setMembers([]); }} />)}
      {kind === 'campaign' && <label>{t('outreach.campaign')} <input name="campaign_id" data-testid="live-code-campaign" /></label>}
      {kind === 'group'
        ? <GroupPicker label={t('outreach.group_ids')} testId="live-code-groups" value={groups} onChange={setGroups} max={50} bNodeId={chosenStore?.id} />
        : <MemberPicker label={t('outreach.userids')} testId="live-code-userids" value={members} onChange={(next) => setMembers(kind === 'member' ? next.slice(-1) : next)}
            multiple={kind !== 'member'} bNodeId={kind === 'store' ? chosenStore?.id : undefined} />}
      <fieldset data-testid="live-code-tags"><legend>{t('outreach.tags')}</legend>
        {tags.data?.items.flatMap((g) => g.tags.map((tag) => <label key={tag.id} className="small"><input type="checkbox" name="tag_ids" value={tag.id} /> {tag.name}</label>))}
      </fieldset>
      <label>{t('outreach.welcome')} <textarea name="welcome" maxLength={4000} data-testid="live-code-welcome" /></label>
      <button type="submit" disabled={create.isPending || (kind === 'group' ? groups.length === 0 : members.length === 0) || (kind === 'store' && !chosenStore)} data-testid="live-code-create">{t('outreach.create')}</button>
      {create.error && <ErrorNote error={create.error} />}
    </form>
  );
}

function Welcomes() {
  const { t, i18n } = useTranslation();
  const welcomes = useQuery({ queryKey: ['admin', 'reach', 'welcomes'], queryFn: ({ signal }) => adminApi<{ items: Welcome[] }>('/welcome-messages', { signal }) });
  return (
    <>
      <h2>{t('outreach.welcomes')}</h2>
      {welcomes.isPending ? <Loading /> : welcomes.error ? <ErrorNote error={welcomes.error} /> : welcomes.data.items.length === 0 ? <p className="muted">{t('outreach.none')}</p> : (
        <ul className="crm-cards" data-testid="welcome-list">
          {welcomes.data.items.map((w) => (
            <li key={w.welcome_code} className="card crm-card small" data-testid="welcome">
              <div>{w.external_userid} ← {w.userid} · <span className="badge" data-testid="welcome-status">{t(`outreach.w_${w.status}`)}</span>{w.errcode !== null && <> · {w.errcode}</>}</div>
              <div className="muted">{formatTime(w.event_at, i18n.language)}{w.delay_ms !== null && <> · {t('outreach.delay')} {(w.delay_ms / 1000).toFixed(1)} s</>}</div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
