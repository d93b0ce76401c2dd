import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api.js';
import { LANGUAGES, setLanguage, type Language } from './i18n.js';

const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', en: 'EN' };

export function LangSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="lang-switch" role="group" aria-label={t('common.language')} data-testid="lang-switch">
      {LANGUAGES.map((lang) => (
        <button
          key={lang}
          type="button"
          className={i18n.language === lang ? 'active' : ''}
          aria-pressed={i18n.language === lang}
          data-testid={`lang-${lang}`}
          onClick={() => setLanguage(lang)}
        >
          {LANGUAGE_NAMES[lang]}
        </button>
      ))}
    </div>
  );
}

/** Shows the server's own explanation in the current language, so codes never reach the user raw. */
export function ErrorNote({ error, testId = 'error' }: { error: unknown; testId?: string }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  const text = error instanceof ApiError ? error.localized(i18n.language) : t('common.error_generic');
  return <p className="error" role="alert" data-testid={testId} data-code={error instanceof ApiError ? error.code : undefined}>{text}</p>;
}

export function StatusBadge({ status, group = 'status', testId }: { status: string; group?: 'status' | 'payment_status' | 'refund_status' | 'after_sales_status'; testId?: string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${status}`} data-testid={testId} data-status={status}>{t(`${group}.${status}`, { defaultValue: status })}</span>;
}

export function Loading() {
  const { t } = useTranslation();
  return <p className="muted loading">{t('common.loading')}</p>;
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

export function formatTime(iso: string | null | undefined, language: string): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(language, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}
