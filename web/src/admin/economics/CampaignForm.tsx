import { useTranslation } from 'react-i18next';
import { Field } from '../../ui.js';
import { localDate, yuanToFen } from './format.js';
import { GuardOutcome, useGuardedCreate } from './useGuardedCreate.js';
import type { BNode, Campaign, CampaignBody, FundedBy } from './types.js';

export type { Campaign, CampaignBody, FundedBy };

const EMPTY = { name: '', node: '', funded: 'platform' as FundedBy, discount: '', min: '', budget: '', ends: '' };
type Draft = typeof EMPTY;
// The API's ceiling for a per-order amount (¥1,000,000).
const MAX_ORDER_FEN = 100_000_000;

/**
 * The chosen date is the last day the discount applies, so the campaign runs to the end of it in
 * the browser's time zone; the server keeps the instant, not the date.
 */
function endOfDay(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m || date < localDate(0)) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59).toISOString();
}

/** The same checks the API makes, so the button only enables on a body the server will judge on its merits. */
function toBody(d: Draft): CampaignBody | null {
  const discount = yuanToFen(d.discount);
  const min = yuanToFen(d.min);
  const budget = yuanToFen(d.budget);
  const ends = endOfDay(d.ends);
  if (!d.name.trim() || discount === null || min === null || budget === null || ends === null) return null;
  if (discount < 1 || min <= discount || budget < 1 || min > MAX_ORDER_FEN) return null;
  return { name: d.name.trim(), b_node_id: d.node || null, funded_by: d.funded, discount_per_order: discount, min_order_total: min, budget, ends_at: ends };
}

export function CampaignForm({ nodes, onCreated }: { nodes: BNode[]; onCreated: () => Promise<void> }) {
  const { t } = useTranslation();
  const { draft, edit, body, submit, save, rejected, created } = useGuardedCreate<Draft, CampaignBody, Campaign>({
    empty: EMPTY, toBody, path: '/campaigns', onCreated: () => onCreated(),
  });
  const discount = yuanToFen(draft.discount);
  const min = yuanToFen(draft.min);
  const minTooLow = discount !== null && min !== null && min <= discount;
  const money = (key: 'discount' | 'min' | 'budget', label: string) => (
    <Field label={label}>
      <input
        value={draft[key]}
        onChange={(e) => edit({ [key]: e.target.value })}
        inputMode="decimal"
        placeholder="0.00"
        className={(draft[key].trim() !== '' && yuanToFen(draft[key]) === null) || (key === 'min' && minTooLow) ? 'invalid' : ''}
        data-testid={`campaign-${key}`}
      />
    </Field>
  );
  return (
    <section className="card" data-testid="campaign-form-card">
      <h2 className="section-title">{t('economics.new_campaign')}</h2>
      <form onSubmit={submit} data-testid="campaign-form" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', gap: '0 12px' }}>
        <Field label={t('economics.campaign_name')}>
          <input value={draft.name} onChange={(e) => edit({ name: e.target.value })} maxLength={128} data-testid="campaign-name" />
        </Field>
        <Field label={t('economics.shop')}>
          <select value={draft.node} onChange={(e) => edit({ node: e.target.value })} data-testid="campaign-node">
            <option value="">{t('economics.all_shops')}</option>
            {nodes.map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
          </select>
        </Field>
        <Field label={t('economics.funded_by')}>
          <select value={draft.funded} onChange={(e) => edit({ funded: e.target.value as FundedBy })} data-testid="campaign-funded">
            {(['platform', 'supplier', 'b_node'] as const).map((f) => <option key={f} value={f}>{t(`economics.funded_${f}`)}</option>)}
          </select>
        </Field>
        <Field label={t('economics.ends_on')}>
          <input type="date" value={draft.ends} min={localDate(0)} required onChange={(e) => edit({ ends: e.target.value })} data-testid="campaign-ends" />
        </Field>
        {money('discount', t('economics.discount_yuan'))}
        {money('min', t('economics.min_order_yuan'))}
        {money('budget', t('economics.budget_yuan'))}
        <div className="form-actions" style={{ gridColumn: '1 / -1' }}>
          <button type="submit" className="primary" disabled={!body || save.isPending} data-testid="campaign-submit">{t('economics.create_campaign')}</button>
          <span className="muted small">{t('economics.campaign_hint')}</span>
        </div>
      </form>
      {minTooLow && <p className="error small" data-testid="campaign-min-too-low">{t('economics.min_over_discount')}</p>}
      {/* A rejection has its own panel; anything else (403, validation) is a plain note. */}
      <GuardOutcome save={save} rejected={rejected} errorTestId="campaign-error" />
      {created && <p className="notice" data-testid="campaign-created">{t('economics.campaign_created', { name: created.name, verdict: t(`economics.verdict_${created.verdict}`) })}</p>}
    </section>
  );
}
