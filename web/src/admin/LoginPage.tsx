import { useState, type FormEvent } from 'react';
import { Navigate } from 'react-router-dom';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { readStored, writeStored } from '../storage.js';
import { ErrorNote, Field, LangSwitch } from '../ui.js';
import { SandboxBanner } from '../SandboxBanner.js';
import { saveAdminSession, useAdminSession, useSessionExpired, type AdminSession } from './auth.js';

const TENANT_KEY = 'siyu.admin.tenant';

export function LoginPage() {
  const { t } = useTranslation();
  const session = useAdminSession();
  const expired = useSessionExpired();
  const [tenant, setTenant] = useState(() => readStored<string>(TENANT_KEY) ?? '');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () => api<AdminSession>('/auth/login', { body: { tenant: tenant.trim(), login: login.trim(), password } }),
    onSuccess: (s) => {
      // Staff sign in to the same tenant day after day; remembering the slug saves typing.
      writeStored(TENANT_KEY, tenant.trim());
      saveAdminSession({ token: s.token, user: s.user, tenant: s.tenant });
    },
  });
  if (session) return <Navigate to="/admin" replace />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };
  return (
    <div className="login-page">
      <SandboxBanner text="admin" />
      <div className="login-top"><LangSwitch /></div>
      <form className="card form login-card" onSubmit={submit} data-testid="login-form">
        <h1 className="page-title">{t('admin.login_title')}</h1>
        {expired && <p className="notice">{t('admin.session_expired')}</p>}
        <Field label={t('admin.tenant')}>
          <input value={tenant} onChange={(e) => setTenant(e.target.value)} required autoComplete="organization" data-testid="login-tenant" />
        </Field>
        <Field label={t('admin.login')}>
          <input value={login} onChange={(e) => setLogin(e.target.value)} required autoComplete="username" data-testid="login-user" />
        </Field>
        <Field label={t('admin.password')}>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" data-testid="login-password" />
        </Field>
        <ErrorNote error={signIn.error} testId="login-error" />
        <button type="submit" className="primary block" disabled={signIn.isPending} data-testid="login-submit">
          {signIn.isPending ? t('admin.signing_in') : t('admin.sign_in')}
        </button>
      </form>
    </div>
  );
}
