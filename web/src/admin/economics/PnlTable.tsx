import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../money.js';
import { ErrorNote, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import { commissions, otherCosts, ratio } from './format.js';
import { useDimensionNames } from './queries.js';
import type { Pnl, PnlDimension, PnlRow } from './types.js';

const DIMENSIONS = ['b_node', 'sku', 'supplier', 'policy'] as const satisfies readonly PnlDimension[];

const COLUMNS = {
  orders: (r: PnlRow) => r.orders,
  paid: (r: PnlRow) => r.paid,
  refunds: (r: PnlRow) => r.refunds,
  supply_cost: (r: PnlRow) => r.supply_cost,
  commissions,
  other_costs: otherCosts,
  cm: (r: PnlRow) => r.contribution_margin,
  margin: (r: PnlRow) => (r.paid ? r.contribution_margin / r.paid : Number.NEGATIVE_INFINITY),
} as const;
type Column = keyof typeof COLUMNS;

/** The period's P&L by one dimension; paid − refunds − supply − commissions − other = margin, row by row. */
export function PnlTable({ from, to }: { from: string; to: string }) {
  const { t } = useTranslation();
  const [by, setBy] = useState<(typeof DIMENSIONS)[number]>('b_node');
  const [sort, setSort] = useState<{ col: Column; desc: boolean }>({ col: 'cm', desc: true });
  const pnl = useQuery({
    queryKey: ['admin', 'economics', 'pnl', by, from, to],
    queryFn: ({ signal }) => adminApi<Pnl>('/economics/pnl', { query: { by, from, to }, signal }),
    placeholderData: keepPreviousData,
  });
  const names = useDimensionNames(by);
  const rows = [...(pnl.data?.rows ?? [])].sort((a, b) => {
    const d = COLUMNS[sort.col](a) - COLUMNS[sort.col](b);
    return sort.desc ? -d : d;
  });
  const header = (col: Column) => {
    const active = sort.col === col;
    return (
      <th className="num" aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
        <button type="button" className="sort" onClick={() => setSort({ col, desc: active ? !sort.desc : true })} data-testid={`pnl-sort-${col}`}>
          {t(`economics.col_${col}`)}{active ? (sort.desc ? ' ↓' : ' ↑') : ''}
        </button>
      </th>
    );
  };
  const label = (key: string | null) => (key === null ? t('economics.unassigned') : names.name(key));
  return (
    <section className="card" data-testid="pnl-table-card">
      <div className="card-head">
        <h2 className="section-title">{t('economics.breakdown')}</h2>
        <div className="segmented" role="group" aria-label={t('economics.breakdown')}>
          {DIMENSIONS.map((d) => (
            <button key={d} type="button" className={by === d ? 'active' : ''} aria-pressed={by === d} onClick={() => setBy(d)} data-testid={`pnl-by-${d}`}>
              {t(`economics.by_${d}`)}
            </button>
          ))}
        </div>
      </div>
      {pnl.isPending || names.loading ? <Loading /> : pnl.error ? <ErrorNote error={pnl.error} /> : (
        <div className="table-wrap">
          <table className="table" data-testid="pnl-table" data-by={by} aria-busy={pnl.isPlaceholderData}>
            <thead>
              <tr>
                <th>{t(`economics.by_${by}`)}</th>
                {header('orders')}{header('paid')}{header('refunds')}{header('supply_cost')}
                {header('commissions')}{header('other_costs')}{header('cm')}{header('margin')}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key ?? ''} data-testid="pnl-row" data-key={r.key ?? ''}>
                  <td className="wide" data-testid="pnl-name">{label(r.key)}</td>
                  <td className="num">{r.orders.toLocaleString()}</td>
                  <td className="num">{yuan(r.paid)}</td>
                  <td className="num">{yuan(r.refunds)}</td>
                  <td className="num">{yuan(r.supply_cost)}</td>
                  <td className="num" title={`${t('economics.leader')} ${yuan(r.leader)} · L1 ${yuan(r.commission_l1)} · L2 ${yuan(r.commission_l2)}`}>{yuan(commissions(r))}</td>
                  <td className="num">{yuan(otherCosts(r))}</td>
                  <td className={`num strong${r.contribution_margin < 0 ? ' error' : ''}`} data-testid="pnl-cm">{yuan(r.contribution_margin)}</td>
                  <td className="num">{ratio(r.contribution_margin, r.paid)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p className="empty" data-testid="pnl-empty">{t('economics.no_data')}</p>}
        </div>
      )}
      <p className="muted small">{t('economics.other_costs_hint')}</p>
    </section>
  );
}
