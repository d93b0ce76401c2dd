import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ApiToken } from '../types.js';
import { ErrorNote, Field, Loading, formatTime } from '../ui.js';
import { adminApi, clearAdminSession, useAdminSession } from './auth.js';

/** The signed-in user's account: password change, sign-out everywhere, and for admins the tenant's API tokens. */
export function AccountPage() {
  const { t } = useTranslation();
  const session = useAdminSession();
  const isAdmin = session?.user.role === 'tenant_admin' || session?.user.role === 'platform_operator';
  return (
    <section>
      <h1 className="page-title">{t('account.title')}</h1>
      <PasswordForm />
      <SignOutEverywhere />
      {isAdmin ? <ApiTokens /> : null}
    </section>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const change = useMutation({
    mutationFn: () => adminApi<void>('/auth/password', { body: { current_password: current, new_password: next } }),
    onSuccess: () => { setCurrent(''); setNext(''); setConfirm(''); },
  });
  const mismatch = confirm !== '' && confirm !== next;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!mismatch) change.mutate();
  };
  return (
    <form className="card form" onSubmit={submit} data-testid="password-form">
      <h2 className="section-title">{t('account.password_title')}</h2>
      <p className="muted small">{t('account.password_hint')}</p>
      <Field label={t('account.current_password')}>
        <input type="password" value={current} onChange={(e) => { setCurrent(e.target.value); change.reset(); }} required autoComplete="current-password" data-testid="password-current" />
      </Field>
      <Field label={t('account.new_password')}>
        <input type="password" value={next} onChange={(e) => { setNext(e.target.value); change.reset(); }} required minLength={8} autoComplete="new-password" data-testid="password-new" />
      </Field>
      <Field label={t('account.confirm_password')}>
        <input type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} required minLength={8} autoComplete="new-password" data-testid="password-confirm" />
      </Field>
      {mismatch ? <p className="error small" data-testid="password-mismatch">{t('account.mismatch')}</p> : null}
      <ErrorNote error={change.error} testId="password-error" />
      {change.isSuccess ? <p className="notice" data-testid="password-changed">{t('account.password_changed')}</p> : null}
      <button type="submit" className="primary" disabled={change.isPending || mismatch} data-testid="password-submit">{t('account.change_password')}</button>
    </form>
  );
}

function SignOutEverywhere() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => adminApi<void>('/auth/logout-all', { method: 'POST' }),
    onSuccess: () => {
      clearAdminSession();
      queryClient.removeQueries({ queryKey: ['admin'] });
    },
  });
  return (
    <div className="card">
      <h2 className="section-title">{t('account.everywhere_title')}</h2>
      <p className="muted small">{t('account.everywhere_hint')}</p>
      <ErrorNote error={signOut.error} testId="everywhere-error" />
      <button type="button" className="danger" disabled={signOut.isPending} onClick={() => { if (window.confirm(t('account.everywhere_confirm'))) signOut.mutate(); }} data-testid="sign-out-everywhere">
        {t('account.everywhere')}
      </button>
    </div>
  );
}

function ApiTokens() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ['admin', 'api-tokens'],
    queryFn: ({ signal }) => adminApi<{ items: ApiToken[] }>('/api-tokens', { signal }),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => adminApi<void>(`/api-tokens/${id}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'api-tokens'] }),
  });
  return (
    <div className="card">
      <h2 className="section-title">{t('account.tokens_title')}</h2>
      <p className="muted small">{t('account.tokens_hint')}</p>
      <IssueTokenForm />
      <ErrorNote error={revoke.error} testId="token-revoke-error" />
      {list.isPending ? <Loading /> : list.error ? <ErrorNote error={list.error} /> : list.data.items.length === 0 ? (
        <p className="muted" data-testid="tokens-empty">{t('account.tokens_none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="tokens-table">
            <thead>
              <tr>
                <th>{t('account.col_name')}</th>
                <th>{t('account.col_user')}</th>
                <th>{t('account.col_created')}</th>
                <th>{t('account.col_expires')}</th>
                <th>{t('account.col_status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((token) => (
                <tr key={token.id} data-testid={`token-${token.id}`} data-status={token.status}>
                  <td>{token.name}</td>
                  <td>{token.user_login}</td>
                  <td>{formatTime(token.created_at, i18n.language)}</td>
                  <td>{token.expires_at ? formatTime(token.expires_at, i18n.language) : t('account.never')}</td>
                  <td data-testid="token-status">{t(`account.status.${token.status}`)}</td>
                  <td>
                    {token.status === 'active' ? (
                      <button type="button" disabled={revoke.isPending} onClick={() => revoke.mutate(token.id)} data-testid={`token-revoke-${token.id}`}>{t('account.revoke')}</button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Issues an API token; the token is shown here once and never again (only its hash is kept). */
function IssueTokenForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const issue = useMutation({
    mutationFn: () => adminApi<{ id: string; token: string; expires_at: string | null }>('/api-tokens', {
      body: { name: name.trim(), ...(days.trim() ? { expires_in_days: Number(days) } : {}) },
    }),
    onSuccess: () => {
      setName('');
      setDays('');
      void queryClient.invalidateQueries({ queryKey: ['admin', 'api-tokens'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    issue.mutate();
  };
  return (
    <form className="form" onSubmit={submit} data-testid="token-issue-form">
      <Field label={t('account.token_name')}>
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} data-testid="token-name" />
      </Field>
      <Field label={t('account.token_days')}>
        <input value={days} onChange={(e) => setDays(e.target.value)} inputMode="numeric" pattern="[0-9]*" data-testid="token-days" />
      </Field>
      <ErrorNote error={issue.error} testId="token-issue-error" />
      <button type="submit" className="primary" disabled={issue.isPending || !name.trim()} data-testid="token-issue">{t('account.issue_token')}</button>
      {issue.data ? (
        <p className="notice" data-testid="token-issued">
          {t('account.token_once')} <code data-testid="token-value">{issue.data.token}</code>
        </p>
      ) : null}
    </form>
  );
}
