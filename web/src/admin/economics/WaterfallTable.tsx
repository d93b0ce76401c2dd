import { useTranslation } from 'react-i18next';
import { yuan } from '../../money.js';
import { ratio } from './format.js';
import type { PlanWaterfall, PnlRow } from './types.js';

/** One line of a money waterfall: `minus` lines are taken off, `sum` lines are results. */
export interface WaterfallLine { key: string; label: string; amount: number; kind: 'plain' | 'minus' | 'sum' }

const MINUS_ORDER = ['supply_cost', 'payment_fee', 'platform_take', 'fulfillment', 'delivery', 'spoilage'] as const;

export function planLines(w: PlanWaterfall, t: (key: string, o?: Record<string, unknown>) => string): WaterfallLine[] {
  const line = (key: string, amount: number, kind: WaterfallLine['kind'] = 'minus'): WaterfallLine => ({ key, label: t(`economics.line_${key}`), amount, kind });
  return [
    line('list_price', w.list_price, 'plain'),
    line('coupon', w.coupon),
    line('paid', w.paid, 'sum'),
    line('refunds', w.refunds),
    line('net_sales', w.net_sales, 'sum'),
    ...MINUS_ORDER.map((k) => line(k, w[k])),
    line('reserve', w.reserve),
    ...w.commissions.map((c, i) => ({ key: `commission_${i + 1}`, label: t('economics.line_commission', { level: i + 1 }), amount: c, kind: 'minus' as const })),
    line('leader', w.leader),
    ...(w.other_payouts ? [line('other_payouts', w.other_payouts)] : []),
    line('contribution_margin', w.contribution_margin, 'sum'),
  ];
}

/** A stored order's waterfall: actual refunds, and a provision for refunds still possible while it is open. */
export function orderLines(w: Omit<PnlRow, 'key' | 'orders'>, t: (key: string, o?: Record<string, unknown>) => string): WaterfallLine[] {
  const line = (key: string, amount: number, kind: WaterfallLine['kind'] = 'minus'): WaterfallLine => ({ key, label: t(`economics.line_${key}`), amount, kind });
  return [
    line('list_price', w.list_price, 'plain'),
    line('coupon', w.coupon),
    line('paid', w.paid, 'sum'),
    line('refunds_actual', w.refunds),
    ...MINUS_ORDER.map((k) => line(k, w[k])),
    line('commission_l1', w.commission_l1),
    line('commission_l2', w.commission_l2),
    line('leader', w.leader),
    line('expected_refunds', w.expected_refunds),
    line('campaign_subsidy', w.campaign_subsidy),
    line('contribution_margin', w.contribution_margin, 'sum'),
  ];
}

export function WaterfallTable({ lines, paid, testId = 'waterfall', hideZero = false }: { lines: WaterfallLine[]; paid: number; testId?: string; hideZero?: boolean }) {
  const { t } = useTranslation();
  const shown = hideZero ? lines.filter((l) => l.amount !== 0 || l.kind === 'sum') : lines;
  return (
    <div className="table-wrap">
      <table className="table waterfall" data-testid={testId}>
        <thead>
          <tr><th>{t('economics.line')}</th><th className="num">{t('common.amount')}</th><th className="num">{t('economics.of_paid')}</th></tr>
        </thead>
        <tbody>
          {shown.map((l) => (
            <tr key={l.key} className={`wf-${l.kind}`} data-testid="waterfall-line" data-line={l.key} data-amount={l.amount}>
              <td>{l.kind === 'minus' ? `− ${l.label}` : l.label}</td>
              <td className={`num${l.kind === 'sum' && l.amount < 0 ? ' error' : ''}`}>{l.kind === 'minus' && l.amount !== 0 ? `−${yuan(l.amount)}` : yuan(l.amount)}</td>
              <td className="num muted">{l.key === 'list_price' || l.key === 'coupon' ? '' : ratio(l.amount, paid)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
