import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../money.js';
import { ErrorNote, formatTime, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import { CampaignForm, type Campaign } from './CampaignForm.js';
import { EconomicsNav, RuleStatusBadge, VerdictBadge } from './EconomicsNav.js';
import { ruleMessage } from './format.js';
import { useBNodes } from './queries.js';
import { Can } from '../access.js';
import { RuleTable } from './RuleTable.js';

const CAMPAIGNS_KEY = ['admin', 'economics', 'campaigns'] as const;

export function CampaignsPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const nodes = useBNodes();
  const campaigns = useQuery({
    queryKey: CAMPAIGNS_KEY,
    queryFn: ({ signal }) => adminApi<{ items: Campaign[] }>('/campaigns', { signal }).then((r) => r.items),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: CAMPAIGNS_KEY });
  // A shop the list does not know (not loaded yet, or deleted) shows as its id rather than a blank.
  const shopName = (id: string | null) => (id ? nodes.data?.find((n) => n.id === id)?.name ?? id : t('economics.all_shops'));
  return (
    <section data-testid="campaigns-page">
      <h1 className="page-title">{t('economics.title')}</h1>
      <EconomicsNav />
      {/* Flash sales and group buys live on their own page under the same tab. */}
      <p><Link className="link" to="/admin/economics/campaigns/sales" data-testid="sales-campaigns-link">{t('promo.nav')} →</Link></p>
      <section className="card">
        <h2 className="section-title">{t('economics.campaigns')}</h2>
        {campaigns.isPending ? <Loading /> : campaigns.error ? <ErrorNote error={campaigns.error} /> : (
          <div className="table-wrap">
            <table className="table wrap-head" data-testid="campaigns-table">
              <thead>
                <tr>
                  <th>{t('economics.campaign_name')}</th>
                  <th>{t('economics.shop')}</th>
                  <th className="num">{t('economics.discount')}</th>
                  <th className="num">{t('economics.min_order')}</th>
                  <th>{t('economics.budget_spent')}</th>
                  <th>{t('economics.campaign_window')}</th>
                  <th>{t('common.status')}</th>
                  <th>{t('economics.verdict')}</th>
                </tr>
              </thead>
              <tbody>
                {campaigns.data.map((c) => <CampaignRow key={c.id} campaign={c} shop={shopName(c.b_node_id)} onEnded={refresh} />)}
              </tbody>
            </table>
            {campaigns.data.length === 0 && <p className="empty">{t('economics.no_campaigns')}</p>}
          </div>
        )}
        <p className="muted small">{t('economics.campaigns_hint')}</p>
      </section>
      <Can permission="campaigns.write"><CampaignForm nodes={nodes.data ?? []} onCreated={refresh} /></Can>
    </section>
  );
}

function CampaignRow({ campaign: c, shop, onEnded }: { campaign: Campaign; shop: string; onEnded: () => Promise<void> }) {
  const { t, i18n } = useTranslation();
  const rules = c.guard?.rules ?? [];
  const notable = rules.filter((r) => r.status !== 'pass');
  return (
    <tr data-testid="campaign-row" data-name={c.name} data-status={c.status} data-verdict={c.verdict}>
      <td>
        <span className="strong">{c.name}</span><br />
        <span className="muted small nowrap">{t('economics.funded_by_who', { who: t(`economics.funded_${c.funded_by}`) })}</span>
      </td>
      <td className="nowrap" data-testid="cell-shop">{shop}</td>
      <td className="num" data-testid="cell-discount">{yuan(c.discount_per_order)}</td>
      <td className="num" data-testid="cell-min">{yuan(c.min_order_total)}</td>
      <td data-testid="cell-budget"><BudgetBar spent={c.spent} budget={c.budget} /></td>
      <td className="small nowrap">
        {formatTime(c.starts_at, i18n.language)}<br />
        <span className="muted">{t('economics.until', { time: formatTime(c.ends_at, i18n.language) })}</span>
      </td>
      {/* The action sits under the status it changes, not in a last column that a narrow screen scrolls out of view. */}
      <td>
        <div className="campaign-state">
          <span className={c.status === 'active' ? 'badge badge-accept' : 'badge'} data-testid="campaign-status" data-status={c.status}>
            {t(`economics.campaign_${c.status}`)}
          </span>
          {c.status === 'active' && <Can permission="campaigns.write"><EndButton id={c.id} onEnded={onEnded} /></Can>}
        </div>
      </td>
      <td className="notes" style={{ minWidth: 160 }}>
        <VerdictBadge verdict={c.verdict} testId="campaign-verdict" />
        {notable.length > 0 && (
          <ul className="rule-notes">
            {notable.map((r) => (
              <li key={r.id}><span className="mono strong">{r.id}</span> <RuleStatusBadge status={r.status} />{r.overridden && <span className="tag">{t('economics.overridden')}</span>} {ruleMessage(r, i18n.language)}</li>
            ))}
          </ul>
        )}
        {c.override_reason && <p className="small" data-testid="campaign-override-reason">{t('economics.override_reason_was', { reason: c.override_reason })}</p>}
        {rules.length > 0 && (
          <details className="small">
            <summary>{t('economics.all_rules', { count: rules.length })}</summary>
            <RuleTable rules={rules} testId="campaign-rules" />
          </details>
        )}
      </td>
    </tr>
  );
}

/** Spent against budget; red from 90% on, as a budget that runs out ends the discount before the end date. */
function BudgetBar({ spent, budget }: { spent: number; budget: number }) {
  const { t } = useTranslation();
  const share = budget > 0 ? Math.min(1, spent / budget) : 1;
  return (
    <div style={{ minWidth: 140 }}>
      <div className="small nowrap">{t('economics.spent_of', { spent: yuan(spent), budget: yuan(budget) })}</div>
      <div
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={budget}
        aria-valuenow={spent}
        data-testid="campaign-progress"
        style={{ height: 6, borderRadius: 3, background: 'var(--line)', marginTop: 4, overflow: 'hidden' }}
      >
        <div style={{ width: `${(share * 100).toFixed(1)}%`, height: '100%', background: share >= 0.9 ? 'var(--accent)' : 'var(--ok)' }} />
      </div>
    </div>
  );
}

/** Ending cannot be undone, so it takes a second click. */
function EndButton({ id, onEnded }: { id: string; onEnded: () => Promise<void> }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const end = useMutation({
    mutationFn: () => adminApi<Campaign>(`/campaigns/${id}/end`, { method: 'POST', body: {} }),
    onSuccess: onEnded,
  });
  return (
    <>
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)} data-testid="campaign-end">{t('economics.end_campaign')}</button>
      ) : (
        <span className="end-confirm">
          <button type="button" className="danger solid" disabled={end.isPending} onClick={() => end.mutate()} data-testid="campaign-end-confirm">{t('economics.confirm_end')}</button>
          <button type="button" className="link" onClick={() => { setConfirming(false); end.reset(); }} data-testid="campaign-end-cancel">{t('economics.keep_running')}</button>
        </span>
      )}
      <ErrorNote error={end.error} testId="campaign-end-error" />
    </>
  );
}
