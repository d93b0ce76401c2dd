import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../ui.js';
import { RuleTable } from './RuleTable.js';
import type { GuardRule } from './types.js';

const MIN_REASON = 5;

/**
 * What the guard refused and why. An override is offered only when every failing rule may be
 * overridden and the user is a tenant admin; the server checks both again and audits the reason.
 */
export function RejectionPanel({ rules, canOverride, pending, error, onOverride }: {
  rules: GuardRule[]; canOverride: boolean; pending: boolean; error: unknown; onOverride: (reason: string) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const failing = rules.filter((r) => r.status === 'fail');
  const blocked = failing.filter((r) => !r.overridable);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length >= MIN_REASON) onOverride(reason.trim());
  };
  return (
    <div className="rejection" data-testid="policy-rejection">
      <p className="error" role="alert">{t('economics.rejected', { count: failing.length })}</p>
      <RuleTable rules={rules} testId="rejection-rules" showOverride />
      {blocked.length > 0 ? (
        <p className="error strong" data-testid="override-blocked">
          {t('economics.override_blocked', { rules: blocked.map((r) => r.id).join(', ') })}
        </p>
      ) : !canOverride ? (
        <p className="muted" data-testid="override-admin-only">{t('economics.override_admin_only')}</p>
      ) : (
        <form className="override" onSubmit={submit} data-testid="override-form">
          <label className="field">
            <span>{t('economics.override_reason', { rules: failing.map((r) => r.id).join(', ') })}</span>
            <textarea
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              rows={3}
              maxLength={1000}
              placeholder={t('economics.override_placeholder')}
              data-testid="override-reason"
            />
          </label>
          <button type="submit" className="danger" disabled={pending || reason.trim().length < MIN_REASON} data-testid="override-submit">
            {t('economics.override_submit')}
          </button>
          <span className="muted small"> {t('economics.override_audit', { min: MIN_REASON })}</span>
        </form>
      )}
      <ErrorNote error={error} testId="override-error" />
    </div>
  );
}
