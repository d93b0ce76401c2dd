import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SubscribeMessage, SubscribeTemplate } from '../types.js';
import { ErrorNote, Field, Loading, formatTime } from '../ui.js';
import { adminApi } from './auth.js';
import { Can } from './access.js';

const EVENTS = ['order_paid', 'ready_for_pickup', 'refund_done'] as const;
const STATUSES = ['', 'sent', 'failed', 'skipped', 'queued', 'sending'] as const;

/** WeChat subscribe messages asked for by order events: what was sent, failed (with WeChat's code) or skipped (no opt-in). */
export function SubscribeMessagesPage() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('');
  const list = useQuery({
    queryKey: ['admin', 'subscribe-messages', status],
    queryFn: ({ signal }) => adminApi<{ items: SubscribeMessage[] }>('/subscribe-messages', { query: { limit: 100, status }, signal }),
    refetchInterval: 3000,
  });
  return (
    <section>
      <h1 className="page-title">{t('subscribe.title')}</h1>
      <p className="muted small">{t('subscribe.hint')}</p>
      <Field label={t('common.status')}>
        <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)} data-testid="subscribe-status-filter">
          {STATUSES.map((s) => <option key={s} value={s}>{s ? t(`subscribe.status.${s}`) : t('subscribe.all')}</option>)}
        </select>
      </Field>
      {list.isPending ? <Loading /> : list.error ? <ErrorNote error={list.error} /> : list.data.items.length === 0 ? (
        <p className="muted" data-testid="subscribe-empty">{t('subscribe.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="subscribe-table">
            <thead>
              <tr><th>{t('common.time')}</th><th>{t('subscribe.col_event')}</th><th>{t('subscribe.col_order')}</th><th>{t('subscribe.col_template')}</th><th>{t('common.status')}</th></tr>
            </thead>
            <tbody>
              {list.data.items.map((m) => (
                <tr key={m.id} data-testid="subscribe-message" data-status={m.status} data-event={m.event}>
                  <td>{formatTime(String(m.created_at), i18n.language)}</td>
                  <td>{t(`subscribe.event.${m.event}`)}</td>
                  <td>{m.order_number ?? m.order_id}</td>
                  <td className="small">{m.template_id}</td>
                  <td data-testid="subscribe-message-status">
                    {t(`subscribe.status.${m.status}`)}
                    {m.errcode !== null && <span className="muted small"> · {m.errcode}</span>}
                    {m.error && <span className="muted small"> · {m.error}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Can permission="subscribe_messages.write"><TemplatesForm /></Can>
    </section>
  );
}

const DEFAULT_FIELDS = 'character_string1=order_number\namount2=amount\nthing3=event_text\ntime4=time';

/** The template for each order event: its id in WeChat's console, the page it opens, and which key shows what. */
function TemplatesForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const templates = useQuery({ queryKey: ['admin', 'subscribe-templates'], queryFn: ({ signal }) => adminApi<{ items: SubscribeTemplate[] }>('/subscribe-messages/templates', { signal }) });
  const [drafts, setDrafts] = useState<Record<string, { template_id: string; page: string; fields: string }>>({});
  useEffect(() => {
    if (!templates.data) return;
    setDrafts(Object.fromEntries(EVENTS.map((e) => {
      const tpl = templates.data.items.find((x) => x.event === e);
      return [e, { template_id: tpl?.template_id ?? '', page: tpl?.page ?? 'pages/order/order', fields: tpl ? Object.entries(tpl.fields).map(([k, v]) => `${k}=${v}`).join('\n') : DEFAULT_FIELDS }];
    })));
  }, [templates.data]);
  const save = useMutation({
    mutationFn: (event: string) => {
      const d = drafts[event]!;
      const fields = Object.fromEntries(d.fields.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => l.split('=').map((x) => x.trim()) as [string, string]));
      return adminApi<SubscribeTemplate>(`/subscribe-messages/templates/${event}`, { method: 'PUT', body: { template_id: d.template_id.trim(), page: d.page.trim(), fields } });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'subscribe-templates'] }),
  });
  if (!templates.data) return templates.error ? <ErrorNote error={templates.error} /> : null;
  return (
    <div className="card form" data-testid="subscribe-templates">
      <h2 className="section-title">{t('subscribe.templates')}</h2>
      {EVENTS.map((event) => {
        const d = drafts[event];
        if (!d) return null;
        const edit = (patch: Partial<typeof d>) => setDrafts((all) => ({ ...all, [event]: { ...d, ...patch } }));
        const submit = (e: FormEvent) => { e.preventDefault(); save.mutate(event); };
        return (
          <form key={event} onSubmit={submit} data-testid={`template-${event}`}>
            <h3>{t(`subscribe.event.${event}`)}</h3>
            <Field label={t('subscribe.template_id')}><input value={d.template_id} onChange={(e) => edit({ template_id: e.target.value })} data-testid={`template-id-${event}`} /></Field>
            <Field label={t('subscribe.page')}><input value={d.page} onChange={(e) => edit({ page: e.target.value })} /></Field>
            <Field label={t('subscribe.fields')}><textarea rows={4} value={d.fields} onChange={(e) => edit({ fields: e.target.value })} /></Field>
            <button type="submit" className="button" disabled={save.isPending} data-testid={`template-save-${event}`}>{t('subscribe.save')}</button>
          </form>
        );
      })}
      {save.error && <ErrorNote error={save.error} />}
    </div>
  );
}
