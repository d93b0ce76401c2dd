import type { GuardRule, PnlRow } from './types.js';

/** Basis points as a percentage: 1250 → "12.5%". Integer arithmetic, so no float noise. */
export function pct(bps: number): string {
  const sign = bps < 0 ? '-' : '';
  const abs = Math.abs(Math.round(bps));
  const whole = Math.floor(abs / 100);
  const frac = String(abs % 100).padStart(2, '0').replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}%`;
}

/** A share of a whole as a percentage with one decimal; "—" when the whole is zero. */
export function ratio(part: number, whole: number): string {
  if (!whole) return '—';
  return `${((part / whole) * 100).toFixed(1)}%`;
}

/** "12.5" (percent, as typed) → 1250 bps; null when it is not a number between 0 and 100. */
export function percentToBps(text: string): number | null {
  const s = text.trim();
  if (s === '') return 0;
  if (!/^\d{1,3}(\.\d{0,2})?$/.test(s)) return null;
  const bps = Math.round(Number(s) * 100);
  return bps <= 10_000 ? bps : null;
}

/** "300" or "299.5" yuan → fen; null when not a non-negative amount with at most two decimals. */
export function yuanToFen(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,9}(\.\d{0,2})?$/.test(s)) return null;
  const [whole = '0', frac = ''] = s.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

export const commissions = (r: PnlRow) => r.leader + r.commission_l1 + r.commission_l2;
/** Everything between paid and the margin that is neither goods, refunds nor commissions. */
export const otherCosts = (r: PnlRow) => r.payment_fee + r.platform_take + r.fulfillment + r.delivery + r.spoilage + r.expected_refunds + r.campaign_subsidy;

export function ruleMessage(rule: GuardRule, language: string): string {
  const zh = language.startsWith('zh');
  if (typeof rule.message === 'object') return zh ? rule.message.zh : rule.message.en;
  return zh ? rule.message_zh || rule.message : rule.message || rule.message_zh || '';
}

/** Local calendar date as YYYY-MM-DD, `offset` days from today. */
export function localDate(offset = 0, from = new Date()): string {
  const d = new Date(from.getFullYear(), from.getMonth(), from.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Every date from `from` to `to` inclusive, so days without orders still get a place on the axis. */
export function daysBetween(from: string, to: string, max = 731): string[] {
  const out: string[] = [];
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  const start = new Date(y, m - 1, d);
  for (let i = 0; i < max; i++) {
    const day = localDate(i, start);
    if (day > to) break;
    out.push(day);
  }
  return out;
}
