import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../money.js';
import { ApiError } from '../../api.js';
import { ErrorNote } from '../../ui.js';
import { adminApi } from '../auth.js';
import { EconomicsNav, VerdictBadge } from './EconomicsNav.js';
import { EXAMPLE_PLANS } from './examples.js';
import { RuleTable } from './RuleTable.js';
import type { CheckResult } from './types.js';
import { planLines, WaterfallTable } from './WaterfallTable.js';

interface Issue { path: string; message: string }

/** Local JSON errors and the server's plan errors share one list, each under the field it is about. */
function parse(text: string): { plan: Record<string, unknown> } | { issues: Issue[] } {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return { plan: value as Record<string, unknown> };
    return { issues: [{ path: '(root)', message: 'not_object' }] };
  } catch (err) {
    return { issues: [{ path: '(json)', message: (err as Error).message }] };
  }
}

export function CheckPage() {
  const { t } = useTranslation();
  const [example, setExample] = useState<string>(EXAMPLE_PLANS[0].key);
  const [text, setText] = useState<string>(EXAMPLE_PLANS[0].text);
  const [localIssues, setLocalIssues] = useState<Issue[]>([]);
  const check = useMutation({
    mutationFn: (plan: Record<string, unknown>) => adminApi<CheckResult>('/economics/check', { method: 'POST', body: plan }),
  });
  const run = () => {
    const parsed = parse(text);
    if ('issues' in parsed) {
      setLocalIssues(parsed.issues);
      check.reset();
      return;
    }
    setLocalIssues([]);
    check.mutate(parsed.plan);
  };
  const pick = (key: string) => {
    const found = EXAMPLE_PLANS.find((p) => p.key === key);
    if (!found) return;
    setExample(key);
    setText(found.text);
    setLocalIssues([]);
    check.reset();
  };
  const serverIssues = check.error instanceof ApiError && Array.isArray(check.error.problem.errors) ? (check.error.problem.errors as Issue[]) : [];
  const issues = localIssues.length ? localIssues : serverIssues;
  const result = check.data;
  return (
    <section data-testid="check-page">
      <h1 className="page-title">{t('economics.title')}</h1>
      <EconomicsNav />
      <div className="two-col editor">
        <section className="card">
          <div className="card-head">
            <h2 className="section-title">{t('economics.plan_json')}</h2>
            <select value={example} onChange={(e) => pick(e.target.value)} aria-label={t('economics.example')} className="auto" data-testid="check-example">
              {EXAMPLE_PLANS.map((p) => <option key={p.key} value={p.key}>{t(`economics.example_${p.key}`)}</option>)}
            </select>
          </div>
          <textarea className="mono plan-editor" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} rows={22} aria-label={t('economics.plan_json')} data-testid="check-plan" />
          <div className="form-actions">
            <button type="button" className="primary" onClick={run} disabled={check.isPending} data-testid="check-submit">{t('economics.check')}</button>
            <span className="muted small">{t('economics.check_hint')}</span>
          </div>
          {issues.length > 0 && (
            <div data-testid="check-issues">
              <p className="error">{localIssues.length ? t('economics.invalid_json') : t('economics.invalid_plan')}</p>
              <ul className="issues">
                {issues.map((i, n) => (
                  <li key={n} data-testid="check-issue"><code>{i.path || '(root)'}</code> {i.message === 'not_object' ? t('economics.not_object') : i.message}</li>
                ))}
              </ul>
            </div>
          )}
          {issues.length === 0 && <ErrorNote error={check.error} testId="check-error" />}
        </section>
        <section className="card" data-testid="check-result">
          <h2 className="section-title">{t('economics.result')}</h2>
          {!result ? <p className="muted">{t('economics.check_first')}</p> : (
            <>
              <p className="verdict-line">
                <VerdictBadge verdict={result.verdict} testId="check-verdict" />
                <span>{t('economics.cm_per_order', { amount: yuan(result.waterfall.contribution_margin) })}</span>
              </p>
              <WaterfallTable lines={planLines(result.waterfall, t)} paid={result.waterfall.paid} testId="check-waterfall" />
              <p className="muted small">
                {t('economics.payout_settled', { amount: yuan(result.waterfall.payout_settled ?? result.waterfall.payouts) })}
                {result.waterfall.margin_budget !== undefined && ` · ${t('economics.margin_budget', { amount: yuan(result.waterfall.margin_budget) })}`}
              </p>
            </>
          )}
        </section>
      </div>
      {result && (
        <section className="card">
          <h2 className="section-title">{t('economics.rules')}</h2>
          <RuleTable rules={result.rules} testId="check-rules" showOverride />
        </section>
      )}
    </section>
  );
}
