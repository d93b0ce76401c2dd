import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Field } from '../../ui.js';
import { percentToBps } from './format.js';
import { POLICIES_KEY } from './queries.js';
import { GuardOutcome, useGuardedCreate } from './useGuardedCreate.js';
import type { Policy, PolicyBody } from './types.js';

const EMPTY = { name: '', leader: '', l1: '', l2: '', l3: '', base: 'paid' as 'paid' | 'margin', hold: '8' };
type Draft = typeof EMPTY;

function toBody(d: Draft): PolicyBody | null {
  const leader = percentToBps(d.leader);
  const levels = [d.l1, d.l2, d.l3].map(percentToBps);
  const hold = /^\d{1,3}$/.test(d.hold.trim()) ? Number(d.hold) : null;
  if (!d.name.trim() || leader === null || levels.some((l) => l === null) || hold === null || hold > 365) return null;
  const levels_bps = levels as number[];
  // Trailing empty levels are not levels; an empty level 1 under a level 2 stays, so depth is what was typed.
  while (levels_bps.length > 0 && levels_bps[levels_bps.length - 1] === 0) levels_bps.pop();
  return { name: d.name.trim(), commission_base: d.base, leader_bps: leader, levels_bps, hold_days: hold };
}

export function PolicyForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { draft, edit, body, submit, save, rejected, created } = useGuardedCreate<Draft, PolicyBody, Policy>({
    empty: EMPTY, toBody, path: '/economics/policies',
    onCreated: () => queryClient.invalidateQueries({ queryKey: POLICIES_KEY }),
  });
  const pct = (key: 'leader' | 'l1' | 'l2' | 'l3', label: string) => (
    <Field label={label}>
      <input value={draft[key]} onChange={(e) => edit({ [key]: e.target.value })} inputMode="decimal" placeholder="0" className={percentToBps(draft[key]) === null ? 'invalid' : ''} data-testid={`policy-${key}`} />
    </Field>
  );
  return (
    <section className="card" data-testid="policy-form-card">
      <h2 className="section-title">{t('economics.new_policy')}</h2>
      <form className="policy-form" onSubmit={submit} data-testid="policy-form">
        <Field label={t('economics.policy_name')}>
          <input value={draft.name} onChange={(e) => edit({ name: e.target.value })} maxLength={128} data-testid="policy-name" />
        </Field>
        {pct('leader', t('economics.leader_pct'))}
        {pct('l1', t('economics.level_pct', { level: 1 }))}
        {pct('l2', t('economics.level_pct', { level: 2 }))}
        {pct('l3', t('economics.level_pct', { level: 3 }))}
        <Field label={t('economics.base')}>
          <select value={draft.base} onChange={(e) => edit({ base: e.target.value as Draft['base'] })} data-testid="policy-base">
            <option value="paid">{t('economics.base_paid')}</option>
            <option value="margin">{t('economics.base_margin')}</option>
          </select>
        </Field>
        <Field label={t('economics.hold_days')}>
          <input value={draft.hold} onChange={(e) => edit({ hold: e.target.value })} inputMode="numeric" data-testid="policy-hold" />
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={!body || save.isPending} data-testid="policy-submit">{t('economics.create_policy')}</button>
          <span className="muted small">{t('economics.policy_hint')}</span>
        </div>
      </form>
      {/* A rejection has its own panel; anything else (403, validation) is a plain note. */}
      <GuardOutcome save={save} rejected={rejected} errorTestId="policy-error" />
      {created && <p className="notice" data-testid="policy-created">{t('economics.policy_created', { name: created.name, verdict: t(`economics.verdict_${created.verdict}`) })}</p>}
    </section>
  );
}
