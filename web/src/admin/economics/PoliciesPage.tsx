import { useTranslation } from 'react-i18next';
import { ErrorNote, formatTime, Loading } from '../../ui.js';
import { AssignPolicy } from './AssignPolicy.js';
import { Can } from '../access.js';
import { EconomicsNav, RuleStatusBadge, VerdictBadge } from './EconomicsNav.js';
import { pct, ruleMessage } from './format.js';
import { PolicyForm } from './PolicyForm.js';
import { usePolicies } from './queries.js';
import { RuleTable } from './RuleTable.js';
import type { Policy } from './types.js';

export function PoliciesPage() {
  const { t } = useTranslation();
  const policies = usePolicies();
  return (
    <section data-testid="policies-page">
      <h1 className="page-title">{t('economics.title')}</h1>
      <EconomicsNav />
      <section className="card">
        <h2 className="section-title">{t('economics.policies')}</h2>
        {policies.isPending ? <Loading /> : policies.error ? <ErrorNote error={policies.error} /> : (
          <div className="table-wrap">
            <table className="table" data-testid="policies-table">
              <thead>
                <tr>
                  <th>{t('economics.policy_name')}</th>
                  <th className="num">{t('economics.leader_pct')}</th>
                  <th className="num">{t('economics.levels')}</th>
                  <th>{t('economics.base')}</th>
                  <th className="num">{t('economics.hold_days')}</th>
                  <th>{t('economics.verdict')}</th>
                  <th>{t('economics.guard_notes')}</th>
                </tr>
              </thead>
              <tbody>
                {policies.data.map((p) => <PolicyRow key={p.id} policy={p} />)}
              </tbody>
            </table>
            {policies.data.length === 0 && <p className="empty">{t('economics.no_policies')}</p>}
          </div>
        )}
      </section>
      <Can permission="policies.write">
        <div className="two-col">
          <PolicyForm />
          <AssignPolicy />
        </div>
      </Can>
    </section>
  );
}

function PolicyRow({ policy: p }: { policy: Policy }) {
  const { t, i18n } = useTranslation();
  const rules = p.guard?.rules ?? [];
  const notable = rules.filter((r) => r.status !== 'pass');
  return (
    <tr data-testid="policy-row" data-name={p.name} data-verdict={p.verdict}>
      <td className="name-cell">
        <span className="strong">{p.name}</span><br />
        <span className="muted small">{formatTime(p.created_at, i18n.language)}</span>
      </td>
      <td className="num">{pct(p.leader_bps)}</td>
      <td className="num">{p.levels_bps.length ? p.levels_bps.map(pct).join(' / ') : '—'}</td>
      <td className="nowrap">{t(`economics.base_${p.commission_base}`)}</td>
      <td className="num">{p.hold_days}</td>
      <td><VerdictBadge verdict={p.verdict} /></td>
      <td className="notes">
        {notable.length === 0 ? <span className="muted small">{t('economics.all_pass', { count: rules.length })}</span> : (
          <ul className="rule-notes">
            {notable.map((r) => (
              <li key={r.id}><span className="mono strong">{r.id}</span> <RuleStatusBadge status={r.status} />{r.overridden && <span className="tag">{t('economics.overridden')}</span>} {ruleMessage(r, i18n.language)}</li>
            ))}
          </ul>
        )}
        {p.override_reason && <p className="small" data-testid="policy-override-reason">{t('economics.override_reason_was', { reason: p.override_reason })}</p>}
        {rules.length > 0 && (
          <details className="small">
            <summary>{t('economics.all_rules', { count: rules.length })}</summary>
            <RuleTable rules={rules} testId="policy-rules" />
          </details>
        )}
      </td>
    </tr>
  );
}
