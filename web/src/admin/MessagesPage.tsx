import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SmsMessage, SmsProviderName, SmsSettings } from '../types.js';
import { ErrorNote, Field, Loading, formatTime } from '../ui.js';
import { adminApi } from './auth.js';

/** Text messages sent to customers, newest first; the sandbox provider's show their text (and so the code). */
export function MessagesPage() {
  const { t, i18n } = useTranslation();
  const list = useQuery({
    queryKey: ['admin', 'messages'],
    queryFn: ({ signal }) => adminApi<{ items: SmsMessage[] }>('/messages', { query: { limit: 50 }, signal }),
    refetchInterval: 3000,
  });
  return (
    <section>
      <h1 className="page-title">{t('messages.title')}</h1>
      <p className="muted small">{t('messages.hint')}</p>
      {list.isPending ? <Loading /> : list.error ? <ErrorNote error={list.error} /> : list.data.items.length === 0 ? (
        <p className="muted" data-testid="messages-empty">{t('messages.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="messages-table">
            <thead>
              <tr>
                <th>{t('common.time')}</th>
                <th>{t('messages.col_phone')}</th>
                <th>{t('messages.col_provider')}</th>
                <th>{t('messages.col_text')}</th>
                <th>{t('common.status')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((m) => (
                <tr key={m.id} data-testid="message" data-phone={m.phone} data-status={m.status}>
                  <td>{formatTime(String(m.created_at), i18n.language)}</td>
                  <td data-testid="message-phone">{m.phone}</td>
                  <td>{t(`messages.provider.${m.provider}`)}</td>
                  <td data-testid="message-body">{m.body ?? <span className="muted">{t('messages.text_hidden')}</span>}</td>
                  <td data-testid="message-status">{t(`messages.status.${m.status}`)}{m.error ? <span className="muted small"> · {m.error}</span> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <SmsSettingsForm />
    </section>
  );
}

/** The tenant's SMS provider; the stored secret is never shown, only whether there is one. */
function SmsSettingsForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const current = useQuery({ queryKey: ['admin', 'sms-settings'], queryFn: ({ signal }) => adminApi<SmsSettings>('/messaging/sms-settings', { signal }) });
  const [draft, setDraft] = useState({ provider: 'sandbox' as SmsProviderName, access_key_id: '', access_key_secret: '', sign_name: '', template_code: '', sdk_app_id: '', region: '' });
  useEffect(() => {
    const c = current.data;
    if (c) setDraft({ provider: c.provider ?? c.available[0] ?? 'aliyun', access_key_id: c.access_key_id, access_key_secret: '', sign_name: c.sign_name, template_code: c.template_code, sdk_app_id: c.sdk_app_id, region: c.region });
  }, [current.data]);
  const save = useMutation({
    mutationFn: () => {
      const { access_key_secret: secret, ...rest } = draft;
      return adminApi<SmsSettings>('/messaging/sms-settings', { method: 'PUT', body: { ...rest, ...(secret ? { access_key_secret: secret } : {}) } });
    },
    onSuccess: (saved) => { queryClient.setQueryData(['admin', 'sms-settings'], saved); },
  });
  if (!current.data) return current.error ? <ErrorNote error={current.error} /> : null;
  const edit = (patch: Partial<typeof draft>) => setDraft((d) => ({ ...d, ...patch }));
  const real = draft.provider !== 'sandbox';
  const submit = (e: FormEvent) => { e.preventDefault(); save.mutate(); };
  return (
    <form className="card form" onSubmit={submit} data-testid="sms-settings">
      <h2 className="section-title">{t('messages.settings_title')}</h2>
      <Field label={t('messages.col_provider')}>
        <select value={draft.provider} onChange={(e) => edit({ provider: e.target.value as SmsProviderName })} data-testid="sms-provider">
          {current.data.available.map((p) => <option key={p} value={p}>{t(`messages.provider.${p}`)}</option>)}
        </select>
      </Field>
      {real && (
        <>
          <Field label={t('messages.access_key_id')}><input value={draft.access_key_id} onChange={(e) => edit({ access_key_id: e.target.value })} /></Field>
          <Field label={t('messages.access_key_secret')}>
            <input type="password" value={draft.access_key_secret} onChange={(e) => edit({ access_key_secret: e.target.value })} placeholder={current.data.has_secret ? t('messages.secret_kept') : ''} autoComplete="off" />
          </Field>
          <Field label={t('messages.sign_name')}><input value={draft.sign_name} onChange={(e) => edit({ sign_name: e.target.value })} /></Field>
          <Field label={t('messages.template_code')}><input value={draft.template_code} onChange={(e) => edit({ template_code: e.target.value })} /></Field>
          {draft.provider === 'tencent' && <Field label={t('messages.sdk_app_id')}><input value={draft.sdk_app_id} onChange={(e) => edit({ sdk_app_id: e.target.value })} /></Field>}
          <Field label={t('messages.region')}><input value={draft.region} onChange={(e) => edit({ region: e.target.value })} placeholder={draft.provider === 'tencent' ? 'ap-guangzhou' : 'cn-hangzhou'} /></Field>
        </>
      )}
      <ErrorNote error={save.error} testId="sms-settings-error" />
      {save.isSuccess && <p className="notice small">{t('messages.saved')}</p>}
      <button type="submit" className="primary" disabled={save.isPending}>{t('messages.save')}</button>
    </form>
  );
}
