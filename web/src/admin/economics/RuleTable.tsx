import { useTranslation } from 'react-i18next';
import { RuleStatusBadge } from './EconomicsNav.js';
import { ruleMessage } from './format.js';
import type { GuardRule } from './types.js';

/** Guard rules with their status and explanation in the current language. */
export function RuleTable({ rules, testId = 'rule-table', showOverride = false }: { rules: GuardRule[]; testId?: string; showOverride?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th>{t('economics.rule')}</th>
            <th>{t('common.status')}</th>
            <th>{t('economics.message')}</th>
            {showOverride && <th>{t('economics.override_col')}</th>}
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id} data-testid="rule-row" data-rule={r.id} data-status={r.status} data-overridable={String(!!r.overridable)}>
              <td className="mono strong">{r.id}</td>
              <td>
                <RuleStatusBadge status={r.status} />
                {r.overridden && <span className="tag" title={t('economics.overridden_hint')}>{t('economics.overridden')}</span>}
              </td>
              <td className="wide">{ruleMessage(r, i18n.language)}</td>
              {showOverride && (
                <td className="small nowrap" data-testid="rule-override">
                  {r.status !== 'fail' ? '—' : r.overridable
                    ? <span className="muted">{t('economics.can_override')}</span>
                    : <strong className="error">{t('economics.cannot_override')}</strong>}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
