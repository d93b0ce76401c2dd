import { useState } from 'react';
import { Link } from 'react-router-dom';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../money.js';
import { ErrorNote, Field, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import { EconomicsNav } from './EconomicsNav.js';
import { yuanToFen } from './format.js';
import { useBNodes } from './queries.js';
import { useCan, useMe } from '../access.js';
import { LeaderSweep, SubsidySweep } from './BreakevenSweeps.js';
import type { NodeBreakeven } from './types.js';

const WINDOWS = [7, 30, 90] as const;

export function BreakevenPage() {
  const { t } = useTranslation();
  const nodes = useBNodes();
  const me = useMe();
  // A leader or staff member works on their own node; only those who see every node pick one.
  const picks = useCan()('b_nodes.all');
  const [picked, setPicked] = useState('');
  const [fixedText, setFixedText] = useState('300');
  const [days, setDays] = useState<number>(30);
  const nodeId = (picks ? picked || nodes.data?.[0]?.id : me?.b_node_id) ?? '';
  const fixed = yuanToFen(fixedText);
  const be = useQuery({
    queryKey: ['admin', 'economics', 'breakeven', nodeId, fixed, days],
    queryFn: ({ signal }) => adminApi<NodeBreakeven>(`/economics/b-nodes/${nodeId}/breakeven`, { query: { fixed_cost_per_day: fixed, days }, signal }),
    enabled: nodeId !== '' && fixed !== null && fixed <= 1_000_000_000,
    placeholderData: keepPreviousData,
  });
  return (
    <section data-testid="breakeven-page">
      <h1 className="page-title">{t('economics.title')}</h1>
      <EconomicsNav />
      <div className="card be-inputs">
        {picks ? (
          <Field label={t('economics.b_node')}>
            <select value={nodeId} onChange={(e) => setPicked(e.target.value)} data-testid="be-node">
              {(nodes.data ?? []).map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
            </select>
          </Field>
        ) : (
          <Field label={t('economics.b_node')}>
            <span className="strong" data-testid="be-own-node">{nodes.data?.find((n) => n.id === nodeId)?.name ?? ''}</span>
          </Field>
        )}
        <Field label={t('economics.fixed_cost_yuan')}>
          <input value={fixedText} onChange={(e) => setFixedText(e.target.value)} inputMode="decimal" className={fixed === null ? 'invalid' : ''} data-testid="be-fixed" />
        </Field>
        <Field label={t('economics.window')}>
          <select value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="be-days">
            {WINDOWS.map((d) => <option key={d} value={d}>{t('economics.last_days', { count: d })}</option>)}
          </select>
        </Field>
      </div>
      {fixed === null && <p className="error">{t('economics.bad_amount')}</p>}
      {nodes.error ? <ErrorNote error={nodes.error} /> : be.isPending ? <Loading /> : be.error ? <ErrorNote error={be.error} /> : <Result data={be.data} />}
    </section>
  );
}

function Result({ data }: { data: NodeBreakeven }) {
  const { t } = useTranslation();
  const need = data.orders_per_day;
  const actual = data.actual_orders_per_day;
  const avgPaid = data.actual && data.orders ? Math.round(data.actual.paid / data.orders) : 0;
  const covered = need !== null && actual >= need;
  if (data.orders === 0) return <p className="warning" data-testid="be-summary">{t('economics.be_no_orders', { days: data.window_days })}</p>;
  const kpis = [
    { key: 'actual', label: t('economics.actual_per_day'), value: actual.toLocaleString() },
    { key: 'needed', label: t('economics.needed_per_day'), value: need === null ? t('economics.never') : need.toLocaleString() },
    { key: 'cm', label: t('economics.cm_order'), value: yuan(data.contribution_margin), negative: data.contribution_margin < 0 },
    { key: 'aov', label: t('economics.avg_paid'), value: yuan(avgPaid) },
  ];
  return (
    <>
      <div className="kpis" data-testid="be-kpis">
        {kpis.map((k) => (
          <div key={k.key} className="kpi card" data-testid={`be-${k.key}`}>
            <span className="muted small">{k.label}</span>
            <strong className={k.negative ? 'error' : ''}>{k.value}</strong>
          </div>
        ))}
      </div>
      <p className="muted small" data-testid="be-period">
        {t('economics.be_period', { from: data.from, to: data.to, orders: data.orders.toLocaleString(), cm: yuan(data.actual?.contribution_margin ?? 0) })}{' '}
        <Link to={`/admin/economics?from=${data.from}&to=${data.to}`} data-testid="be-pnl-link">{t('economics.be_pnl_link')}</Link>
      </p>
      <p className={covered ? 'notice' : 'warning'} data-testid="be-summary" data-covered={String(covered)}>
        {need === null ? t('economics.be_never')
          : covered ? t('economics.be_covered', { actual, need })
          : t('economics.be_short', { actual, need, gap: Math.round((need - actual) * 100) / 100 })}
      </p>
      <div className="two-col">
        <LeaderSweep rows={data.leader_sweep} actual={actual} />
        <SubsidySweep rows={data.subsidy_sweep} volume={data.subsidy_volume === 'actual' ? data.actual_orders_per_day : data.subsidy_volume_per_day} atActual={data.subsidy_volume === 'actual'} />
      </div>
    </>
  );
}
