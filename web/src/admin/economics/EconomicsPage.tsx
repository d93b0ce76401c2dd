import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../money.js';
import { ErrorNote, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import { CHART_COLORS, EChart, yuanAxis, type ChartOption } from './EChart.js';
import { EconomicsNav } from './EconomicsNav.js';
import { daysBetween, localDate, ratio } from './format.js';
import { PnlTable } from './PnlTable.js';
import type { Pnl, PnlRow } from './types.js';

export function EconomicsPage() {
  const { t } = useTranslation();
  // A link may name the period (the break-even screen links to its own days); the last 30 days otherwise.
  const [params] = useSearchParams();
  const [from, setFrom] = useState(() => dateParam(params.get('from')) ?? localDate(-29));
  const [to, setTo] = useState(() => dateParam(params.get('to')) ?? localDate());
  const valid = from !== '' && to !== '' && from <= to;
  const daily = useQuery({
    queryKey: ['admin', 'economics', 'pnl', 'day', from, to],
    queryFn: ({ signal }) => adminApi<Pnl>('/economics/pnl', { query: { by: 'day', from, to }, signal }),
    enabled: valid,
    placeholderData: keepPreviousData,
  });
  return (
    <section data-testid="economics-page">
      <h1 className="page-title">{t('economics.title')}</h1>
      <EconomicsNav />
      <div className="filters">
        <label className="inline small">{t('economics.from')}
          <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} data-testid="pnl-from" />
        </label>
        <label className="inline small">{t('economics.to')}
          <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} data-testid="pnl-to" />
        </label>
      </div>
      {!valid && <p className="error">{t('economics.bad_range')}</p>}
      {daily.isPending ? <Loading /> : daily.error ? <ErrorNote error={daily.error} /> : (
        <>
          <Totals rows={daily.data.rows} />
          <section className="card">
            <h2 className="section-title">{t('economics.chart_title')}</h2>
            <DailyChart rows={daily.data.rows} from={from} to={to} />
          </section>
        </>
      )}
      {valid && <PnlTable from={from} to={to} />}
    </section>
  );
}

const dateParam = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);

function Totals({ rows }: { rows: PnlRow[] }) {
  const { t } = useTranslation();
  const sum = (f: (r: PnlRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  const paid = sum((r) => r.paid);
  const cm = sum((r) => r.contribution_margin);
  const items = [
    { key: 'gmv', label: t('economics.gmv'), value: yuan(paid) },
    { key: 'cm', label: t('economics.cm'), value: yuan(cm), negative: cm < 0 },
    { key: 'margin', label: t('economics.margin_pct'), value: ratio(cm, paid), negative: cm < 0 },
    { key: 'orders', label: t('economics.orders'), value: sum((r) => r.orders).toLocaleString() },
  ];
  return (
    <div className="kpis" data-testid="pnl-totals">
      {items.map((k) => (
        <div key={k.key} className="kpi card" data-testid={`kpi-${k.key}`}>
          <span className="muted small">{k.label}</span>
          <strong className={k.negative ? 'error' : ''}>{k.value}</strong>
        </div>
      ))}
    </div>
  );
}

function DailyChart({ rows, from, to }: { rows: PnlRow[]; from: string; to: string }) {
  const { t } = useTranslation();
  const option = useMemo<ChartOption>(() => {
    const byDay = new Map(rows.map((r) => [r.key ?? '', r]));
    const days = daysBetween(from, to);
    const paidName = t('economics.paid');
    const cmName = t('economics.cm');
    return {
      color: CHART_COLORS,
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? yuan(v) : String(v)) },
      legend: { data: [paidName, cmName], top: 0 },
      grid: { left: 64, right: 20, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: days.map((d) => d.slice(5)) },
      yAxis: { type: 'value', axisLabel: { formatter: yuanAxis } },
      series: [
        { name: paidName, type: 'bar', data: days.map((d) => byDay.get(d)?.paid ?? 0), barMaxWidth: 18 },
        { name: cmName, type: 'line', data: days.map((d) => byDay.get(d)?.contribution_margin ?? 0), smooth: true, symbolSize: 4 },
      ],
    };
  }, [rows, from, to, t]);
  return <EChart option={option} height={300} testId="pnl-chart" label={t('economics.chart_title')} />;
}
