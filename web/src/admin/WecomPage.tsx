import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { WecomEventReceived, WecomSettings } from '../types.js';
import { ErrorNote, Field, Loading, formatTime } from '../ui.js';
import { adminApi } from './auth.js';

/**
 * The tenant's WeCom (企业微信) corp: its id, where the server calls, the callback URL to paste
 * into WeCom's admin console, and whether WeCom verified it and sends events. Token,
 * EncodingAESKey and secret are write-only: stored encrypted, never shown again.
 */
export function WecomPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['admin', 'wecom-settings'], queryFn: ({ signal }) => adminApi<WecomSettings>('/wecom/settings', { signal }) });
  const events = useQuery({ queryKey: ['admin', 'wecom-events'], queryFn: ({ signal }) => adminApi<{ items: WecomEventReceived[] }>('/wecom/events', { signal }) });
  const [draft, setDraft] = useState({ corp_id: '', token: '', encoding_aes_key: '', secret: '', api_base: '' });
  const save = useMutation({
    mutationFn: () => adminApi<WecomSettings>('/wecom/settings', {
      method: 'PUT',
      body: { corp_id: draft.corp_id.trim(), token: draft.token.trim(), encoding_aes_key: draft.encoding_aes_key.trim(), secret: draft.secret, ...(draft.api_base.trim() ? { api_base: draft.api_base.trim() } : {}) },
    }),
    onSuccess: (data) => {
      queryClient.setQueryData(['admin', 'wecom-settings'], data);
      setDraft((d) => ({ ...d, token: '', encoding_aes_key: '', secret: '' }));
    },
  });
  const submit = (e: FormEvent) => { e.preventDefault(); save.mutate(); };
  const edit = (patch: Partial<typeof draft>) => setDraft((d) => ({ ...d, ...patch }));
  if (settings.isPending) return <Loading />;
  if (settings.error) return <ErrorNote error={settings.error} />;
  const s = settings.data;
  return (
    <section>
      <h1 className="page-title">{t('wecom.title')}</h1>
      <p className="muted small">{t('wecom.hint')}</p>
      <div className="card" data-testid="wecom-status">
        <dl className="facts">
          <dt>{t('wecom.status')}</dt>
          <dd data-testid="wecom-connected">{s.connected ? t('wecom.connected', { corp: s.corp_id }) : t('wecom.not_connected')}</dd>
          <dt>{t('wecom.callback_url')}</dt>
          <dd><code data-testid="wecom-callback-url">{s.callback_url}</code></dd>
          {s.connected && (<>
            <dt>{t('wecom.api_base')}</dt><dd className="small" data-testid="wecom-api-base">{s.api_base}</dd>
            <dt>{t('wecom.secrets')}</dt>
            <dd data-testid="wecom-secrets">{[s.has_token ? 'Token' : null, s.has_encoding_aes_key ? 'EncodingAESKey' : null, s.has_secret ? 'Secret' : null].filter(Boolean).join(' · ')} {t('wecom.secrets_hidden')}</dd>
            <dt>{t('wecom.verified_at')}</dt><dd>{s.verified_at ? formatTime(s.verified_at, i18n.language) : t('wecom.never')}</dd>
            <dt>{t('wecom.last_event_at')}</dt><dd data-testid="wecom-last-event">{s.last_event_at ? formatTime(s.last_event_at, i18n.language) : t('wecom.never')}</dd>
          </>)}
        </dl>
        {s.simulator_url && <p className="small"><a href={s.simulator_url} target="_blank" rel="noreferrer" data-testid="wecom-simulator-link">{t('wecom.simulator')}</a></p>}
      </div>
      <form className="card form" onSubmit={submit} data-testid="wecom-form">
        <h2 className="section-title">{s.connected ? t('wecom.reconnect') : t('wecom.connect')}</h2>
        <Field label={t('wecom.corp_id')}><input required value={draft.corp_id} onChange={(e) => edit({ corp_id: e.target.value })} placeholder={s.corp_id ?? 'ww…'} data-testid="wecom-corp-id" /></Field>
        <Field label="Token"><input required autoComplete="off" value={draft.token} onChange={(e) => edit({ token: e.target.value })} data-testid="wecom-token" /></Field>
        <Field label="EncodingAESKey"><input required autoComplete="off" minLength={43} maxLength={43} value={draft.encoding_aes_key} onChange={(e) => edit({ encoding_aes_key: e.target.value })} data-testid="wecom-aes-key" /></Field>
        <Field label={t('wecom.secret')}><input required type="password" autoComplete="new-password" value={draft.secret} onChange={(e) => edit({ secret: e.target.value })} data-testid="wecom-secret" /></Field>
        <Field label={t('wecom.api_base_optional')}><input value={draft.api_base} onChange={(e) => edit({ api_base: e.target.value })} placeholder={s.api_base ?? ''} /></Field>
        <button type="submit" className="button" disabled={save.isPending} data-testid="wecom-save">{t('wecom.save')}</button>
        {save.error && <ErrorNote error={save.error} />}
      </form>
      <h2 className="section-title">{t('wecom.events')}</h2>
      {events.isPending ? <Loading /> : events.error ? <ErrorNote error={events.error} /> : events.data.items.length === 0 ? (
        <p className="muted" data-testid="wecom-events-empty">{t('wecom.no_events')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="wecom-events">
            <thead><tr><th>{t('wecom.col_event')}</th><th>{t('wecom.col_subject')}</th><th>{t('wecom.col_member')}</th><th>{t('wecom.col_received')}</th><th>{t('wecom.col_applied')}</th></tr></thead>
            <tbody>
              {events.data.items.map((e) => (
                <tr key={e.id} data-testid="wecom-event">
                  <td><code>{e.change_type}</code> <span className="muted small">{e.event}</span></td>
                  <td className="small">{e.subject ?? '–'}</td>
                  <td className="small">{e.userid ?? '–'}</td>
                  <td className="small">{formatTime(e.received_at, i18n.language)}</td>
                  <td className="small">{e.applied_at ? formatTime(e.applied_at, i18n.language) : t('wecom.pending')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
