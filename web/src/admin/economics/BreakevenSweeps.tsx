import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../money.js';
import { CHART_COLORS, EChart, type ChartOption } from './EChart.js';
import { pct } from './format.js';
import type { LeaderSweepRow, SubsidySweepRow } from './types.js';

/** Orders a day needed at each leader rate, against the orders the node actually makes. */
export function LeaderSweep({ rows, actual }: { rows: LeaderSweepRow[]; actual: number }) {
  const { t } = useTranslation();
  const option = useMemo<ChartOption>(() => {
    const needName = t('economics.needed_per_day');
    const cmName = t('economics.cm_order');
    return {
      color: CHART_COLORS,
      tooltip: { trigger: 'axis' },
      legend: { data: [needName, cmName], top: 0 },
      grid: { left: 48, right: 56, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: rows.map((r) => pct(r.leader_bps)), name: t('economics.leader_pct'), nameLocation: 'middle', nameGap: 28 },
      yAxis: [
        { type: 'value', name: t('economics.orders_axis') },
        { type: 'value', axisLabel: { formatter: (v: number) => yuan(v, { whole: true }) }, splitLine: { show: false } },
      ],
      series: [
        {
          name: needName, type: 'line', data: rows.map((r) => r.orders_per_day), connectNulls: false, symbolSize: 6,
          markLine: { symbol: 'none', data: [{ yAxis: actual, name: t('economics.actual_per_day') }], label: { formatter: t('economics.actual_short', { value: actual }), position: 'insideEndTop' }, lineStyle: { type: 'dashed', color: '#2e7d32' } },
        },
        {
          name: cmName, type: 'line', yAxisIndex: 1, data: rows.map((r) => r.contribution_margin), symbolSize: 4, lineStyle: { type: 'dotted' },
          tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? yuan(v) : String(v)) },
        },
      ],
    };
  }, [rows, actual, t]);
  return (
    <section className="card" data-testid="leader-sweep">
      <h2 className="section-title">{t('economics.leader_sweep')}</h2>
      <EChart option={option} height={240} testId="leader-chart" label={t('economics.leader_sweep')} />
      <div className="table-wrap">
        <table className="table wrap-head" data-testid="leader-table">
          <thead>
            <tr><th>{t('economics.leader_pct')}</th><th className="num">{t('economics.cm_order')}</th><th className="num">{t('economics.needed_per_day')}</th><th /></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.leader_bps} data-testid="leader-row">
                <td>{pct(r.leader_bps)}</td>
                <td className={`num${r.contribution_margin < 0 ? ' error' : ''}`}>{yuan(r.contribution_margin)}</td>
                <td className="num">{r.orders_per_day === null ? t('economics.never') : r.orders_per_day.toLocaleString()}</td>
                <td className="small">{r.orders_per_day !== null && actual >= r.orders_per_day ? <span className="ok">✓ {t('economics.covered')}</span> : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * What a coupon does to the margin, and the daily result and cash runway while it runs: at the
 * node's actual volume (a node's own orders), or at the unsubsidised break-even volume (a plan).
 */
export function SubsidySweep({ rows, volume, atActual }: { rows: SubsidySweepRow[]; volume: number | null; atActual: boolean }) {
  const { t } = useTranslation();
  const volumeText = volume === null ? '—' : volume.toLocaleString();
  return (
    <section className="card" data-testid="subsidy-sweep">
      <h2 className="section-title">{t('economics.subsidy_sweep')}</h2>
      <div className="table-wrap">
        <table className="table wrap-head" data-testid="subsidy-table">
          <thead>
            <tr>
              <th>{t('economics.coupon_pct')}</th><th className="num">{t('economics.line_coupon')}</th><th className="num">{t('economics.cm_order')}</th>
              <th className="num">{t('economics.needed_per_day')}</th><th className="num">{t('economics.daily_result_at', { volume: volumeText })}</th><th className="num">{t('economics.runway')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.subsidy_bps} data-testid="subsidy-row" data-bps={r.subsidy_bps}>
                <td>{pct(r.subsidy_bps)}</td>
                <td className="num">{yuan(r.coupon)}</td>
                <td className={`num${r.contribution_margin < 0 ? ' error' : ''}`}>{yuan(r.contribution_margin)}</td>
                <td className="num">{r.orders_per_day === null ? t('economics.never') : r.orders_per_day.toLocaleString()}</td>
                <td className={`num${(r.daily_result ?? 0) < 0 ? ' error' : ''}`} data-testid="subsidy-daily">{r.daily_result === null ? '—' : yuan(r.daily_result)}</td>
                <td className="num">{r.daily_result === null ? '—' : r.runway_days === null ? '∞' : t('economics.days', { count: r.runway_days })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small" data-testid="subsidy-hint">{atActual ? t('economics.subsidy_hint_actual', { volume: volumeText }) : t('economics.subsidy_hint')}</p>
    </section>
  );
}
