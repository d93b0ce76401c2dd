import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { ErrorNote, Loading, formatTime } from '../../ui.js';
import { adminApi } from '../auth.js';
import { useCan, useMe } from '../access.js';
import { GroupPicker, MemberPicker, StorePicker, type PickedGroup, type PickedMember, type PickedStore } from './Pickers.js';

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

type Audience = 'customers' | 'groups';
type AttachmentKind = '' | 'image' | 'link' | 'miniprogram';
/** WeCom takes at most 2,000 groups in one mass-message task. */
const GROUP_TASK_LIMIT = 2_000;
const DAY_MS = 86_400_000;

function attachmentOf(kind: AttachmentKind, form: FormData): Record<string, unknown>[] {
  const v = (name: string) => String(form.get(name) ?? '').trim();
  const some = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).filter(([, x]) => x));
  if (kind === 'image') return [{ msgtype: 'image', image: { pic_url: v('image_url') } }];
  if (kind === 'link') return [{ msgtype: 'link', link: some({ title: v('link_title'), url: v('link_url'), desc: v('link_desc'), picurl: v('link_pic') }) }];
  if (kind === 'miniprogram') return [{ msgtype: 'miniprogram', miniprogram: { title: v('mp_title'), appid: v('mp_appid'), page: v('mp_page'), pic_media_id: v('mp_pic_media_id') } }];
  return [];
}

/**
 * The planner: customers by a segment (tags any or all, store, owner, customer group, last order
 * within N days, spend at least X) or a mass message to customer groups (picked, or all of a store's
 * or an owner's, up to 2,000 a task); text and one attachment. Planning decides every recipient.
 */
function Planner() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const isNodeRole = me?.role === 'b_owner' || me?.role === 'staff';
  const [audience, setAudience] = useState<Audience>('customers');
  const [tagMatch, setTagMatch] = useState<'any' | 'all'>('any');
  const [store, setStore] = useState<PickedStore[]>([]);
  const [owner, setOwner] = useState<PickedMember[]>([]);
  const [inGroup, setInGroup] = useState<PickedGroup[]>([]);
  const [groups, setGroups] = useState<PickedGroup[]>([]);
  const [attachment, setAttachment] = useState<AttachmentKind>('');
  const tags = useQuery({ queryKey: ['admin', 'crm', 'tags'], queryFn: ({ signal }) => adminApi<{ items: TagGroup[] }>('/customer-tags', { signal }) });
  const plan = useMutation({
    mutationFn: (body: Record<string, unknown>) => adminApi<Broadcast>('/broadcasts', { body }),
    onSuccess: async (b) => {
      await queryClient.invalidateQueries({ queryKey: ['admin', 'reach', 'broadcasts'] });
      navigate(`/admin/broadcasts/${b.id}`);
    },
  });
  const storeId = store[0]?.id;
  const ownerId = owner[0]?.userid;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const sendAt = String(form.get('send_at') ?? '');
    const text = String(form.get('text') ?? '').trim();
    const content = { ...(text ? { text } : {}), attachments: attachmentOf(attachment, form) };
    const common = { content, ...(sendAt ? { send_at: new Date(sendAt).toISOString() } : {}) };
    if (audience === 'groups') {
      plan.mutate({
        chat_type: 'group', ...common,
        audience: { ...(storeId ? { b_node_id: storeId } : {}), ...(ownerId ? { owner_userid: ownerId } : {}), ...(groups.length ? { group_ids: groups.map((g) => g.id) } : {}) },
      });
      return;
    }
    const tagIds = form.getAll('tag').map(String);
    const days = Number(form.get('last_order_days') || 0);
    const spend = Number(form.get('min_spend') || 0);
    plan.mutate({
      chat_type: 'single', ...common,
      audience: {
        ...(tagIds.length ? { [tagMatch === 'all' ? 'tags_all' : 'tags_any']: tagIds } : {}),
        ...(storeId ? { b_node_id: storeId } : {}), ...(ownerId ? { owner: ownerId } : {}), ...(inGroup[0] ? { group_id: inGroup[0].id } : {}),
        ...(days > 0 ? { last_order_after: new Date(Date.now() - days * DAY_MS).toISOString() } : {}),
        ...(spend > 0 ? { min_spend: Math.round(spend * 100) } : {}),
      },
    });
  };
  return (
    <form className="card form-grid" onSubmit={submit} data-testid="broadcast-form">
      <fieldset className="choices" data-testid="broadcast-audience">
        <legend>{t('outreach.audience')}</legend>
        {(['customers', 'groups'] as const).map((a) => (
          <label key={a} className="inline"><input type="radio" name="audience" value={a} checked={audience === a} onChange={() => setAudience(a)} data-testid={`broadcast-audience-${a}`} /> {t(`outreach.audience_${a}`)}</label>
        ))}
      </fieldset>
      {!isNodeRole && <StorePicker label={t('outreach.audience_store')} testId="broadcast-store" value={store} onChange={(next) => { setStore(next); setOwner([]); setInGroup([]); setGroups([]); }} />}
      <MemberPicker label={audience === 'groups' ? t('outreach.audience_group_owner') : t('outreach.audience_owner')} testId="broadcast-owner" value={owner} onChange={(next) => { setOwner(next); setGroups([]); }} bNodeId={storeId} />
      {audience === 'customers' ? (
        <>
          <fieldset className="choices" data-testid="broadcast-tags">
            <legend>{t('outreach.audience_tag')}{' '}
              <select value={tagMatch} onChange={(e) => setTagMatch(e.target.value as 'any' | 'all')} aria-label={t('outreach.tag_match')} data-testid="broadcast-tag-match">
                <option value="any">{t('outreach.tags_any')}</option>
                <option value="all">{t('outreach.tags_all')}</option>
              </select>
            </legend>
            {tags.data?.items.flatMap((g) => g.tags.map((tag) => (
              <label key={tag.id} className="inline small"><input type="checkbox" name="tag" value={tag.id} /> {tag.name}</label>
            )))}
          </fieldset>
          <GroupPicker label={t('outreach.audience_in_group')} testId="broadcast-in-group" value={inGroup} onChange={setInGroup} max={1} bNodeId={storeId} />
          <label>{t('outreach.audience_last_order_days')} <input type="number" name="last_order_days" min={1} max={3650} step={1} data-testid="broadcast-last-order-days" /></label>
          <label>{t('outreach.audience_min_spend')} <input type="number" name="min_spend" min={0} step="0.01" data-testid="broadcast-min-spend" /></label>
        </>
      ) : (
        <>
          <GroupPicker label={t('outreach.audience_pick_groups')} testId="broadcast-groups" value={groups} onChange={setGroups} max={GROUP_TASK_LIMIT} bNodeId={storeId} ownerUserid={ownerId} />
          <p className="small muted" data-testid="broadcast-groups-hint">{groups.length ? t('outreach.groups_picked', { count: groups.length }) : t('outreach.groups_all_hint')}</p>
        </>
      )}
      <label>{t('outreach.text')} <textarea name="text" required={attachment === ''} maxLength={4000} data-testid="broadcast-text" /></label>
      <label>{t('outreach.attachment')} <select value={attachment} onChange={(e) => setAttachment(e.target.value as AttachmentKind)} data-testid="broadcast-attachment">
        {(['', 'image', 'link', 'miniprogram'] as const).map((k) => <option key={k} value={k}>{t(`outreach.att_${k || 'none'}`)}</option>)}
      </select></label>
      {attachment === 'image' && <label>{t('outreach.att_image_url')} <input type="url" name="image_url" required data-testid="broadcast-image-url" /></label>}
      {attachment === 'link' && (
        <>
          <label>{t('outreach.att_title')} <input name="link_title" required maxLength={128} data-testid="broadcast-link-title" /></label>
          <label>{t('outreach.att_url')} <input type="url" name="link_url" required data-testid="broadcast-link-url" /></label>
          <label>{t('outreach.att_desc')} <input name="link_desc" maxLength={512} /></label>
          <label>{t('outreach.att_pic')} <input type="url" name="link_pic" /></label>
        </>
      )}
      {attachment === 'miniprogram' && (
        <>
          <label>{t('outreach.att_title')} <input name="mp_title" required maxLength={64} data-testid="broadcast-mp-title" /></label>
          <label>AppID <input name="mp_appid" required maxLength={64} data-testid="broadcast-mp-appid" /></label>
          <label>{t('outreach.att_page')} <input name="mp_page" required maxLength={512} placeholder="pages/index/index" data-testid="broadcast-mp-page" /></label>
          <label>{t('outreach.att_media')} <input name="mp_pic_media_id" required maxLength={256} data-testid="broadcast-mp-media" /></label>
        </>
      )}
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
  const attachments = ((d.content.attachments ?? []) as { msgtype: 'image' | 'link' | 'miniprogram'; link?: { title?: string }; miniprogram?: { title?: string } }[])
    .map((a) => ({ msgtype: a.msgtype, title: a.link?.title ?? a.miniprogram?.title ?? '' }));
  return (
    <section data-testid="broadcast-detail">
      <p><Link to="/admin/broadcasts">← {t('outreach.broadcasts')}</Link></p>
      <h1 className="page-title">{String(d.content.text ?? '').slice(0, 40)}</h1>
      <p><span className="badge" data-testid="broadcast-status">{t(`outreach.b_${d.status}`)}</span> <span className="small muted">{formatTime(d.send_at, i18n.language)}</span></p>
      <p className="small muted" data-testid="broadcast-cap-info">{t('outreach.cap', { limit: d.cap.limit, period: t(`outreach.period_${d.cap.period}`) })}</p>
      <p className="small" data-testid="broadcast-content-kind">
        {t(d.chat_type === 'group' ? 'outreach.audience_groups' : 'outreach.audience_customers')}
        {attachments.map((a, i) => <span key={i}> · {t('outreach.content_attachment', { kind: t(`outreach.att_${a.msgtype}`) })}{a.title ? `「${a.title}」` : ''}</span>)}
      </p>
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
                  {r.customer_id ? (
                    <span><Link to={`/admin/customers/${r.customer_id}`} data-testid="recipient-name">{r.customer_name || r.external_userid}</Link>{r.customer_phone && <span className="muted"> {r.customer_phone}</span>}</span>
                  ) : r.group_id ? (
                    <span data-testid="recipient-name">{r.group_name || r.chat_id}</span>
                  ) : <span>{r.chat_id ?? r.recipient_key}</span>}
                  <span className="badge" data-testid="recipient-status">{t(`outreach.s_${r.status}`)}</span>
                </div>
                {r.group_id && (
                  <span className="muted note-text" data-testid="recipient-group-owner">
                    {t('outreach.audience_group_owner')} {r.group_owner_name ?? r.group_owner_userid ?? '—'} · {r.chat_id}
                  </span>
                )}
                {r.skip_reason && <span className="muted" data-testid="recipient-reason">{t(`outreach.r_${r.skip_reason}`)}</span>}
                {r.sender_userid && r.sender_userid !== r.group_owner_userid && <span className="muted">{r.sender_userid}</span>}
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
