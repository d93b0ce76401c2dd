import { describe, expect, it } from 'vitest';
import { matchStatement, type OurEntry, type StatementEntry } from './reconciliation.match.js';
import { billDayBounds, previousBillDay } from './reconciliation.service.js';

const bill = (reference: string, amount: number, extra: Partial<StatementEntry> = {}): StatementEntry =>
  ({ entry: 'payment', reference, providerRef: `t-${reference}`, amount, status: 'succeeded', providerStatus: 'SUCCESS', ...extra });
const ours = (reference: string, amount: number, extra: Partial<OurEntry> = {}): OurEntry =>
  ({ entry: 'payment', reference, providerRef: `t-${reference}`, amount, status: 'succeeded', ourStatus: 'succeeded', inDay: true, ...extra });

describe('matching a bill against our payments and refunds', () => {
  it('finds nothing when both sides agree', () => {
    const r = matchStatement([bill('p1', 100), bill('r1', 40, { entry: 'refund' })], [ours('p1', 100), ours('r1', 40, { entry: 'refund' })]);
    expect(r.differences).toEqual([]);
    expect(r.totals).toEqual({ bill_payments: 1, bill_payment_total: 100, bill_refunds: 1, bill_refund_total: 40, our_payments: 1, our_payment_total: 100, our_refunds: 1, our_refund_total: 40 });
  });

  it('names each kind of difference', () => {
    const r = matchStatement(
      [bill('here-only', 500), bill('p2', 199), bill('p3', 300), bill('r9', 50, { entry: 'refund', status: 'succeeded', providerStatus: 'SUCCESS' })],
      [ours('p2', 200), ours('p3', 300, { status: 'pending', ourStatus: 'pending', inDay: false }), ours('there-only', 700), ours('r9', 50, { entry: 'refund', status: 'pending', ourStatus: 'pending' })],
    );
    expect(r.differences.map((d) => [d.kind, d.reference])).toEqual([
      ['missing_here', 'here-only'], ['amount_mismatch', 'p2'], ['status_mismatch', 'p3'], ['status_mismatch', 'r9'], ['missing_there', 'there-only'],
    ]);
    expect(r.differences[1]).toMatchObject({ bill_amount: 199, our_amount: 200 });
  });

  it('matches by reference across the day boundary, and ignores ours that settled another day when the bill lacks them', () => {
    const r = matchStatement([bill('late', 100)], [ours('late', 100, { inDay: false }), ours('yesterday', 100, { inDay: false })]);
    expect(r.differences).toEqual([]);
  });

  it('bill days are Beijing days', () => {
    expect(billDayBounds('2026-11-30').from.toISOString()).toBe('2026-11-29T16:00:00.000Z');
    expect(previousBillDay(new Date('2026-12-01T02:00:00Z'))).toBe('2026-11-30'); // 10:00 Beijing
    expect(previousBillDay(new Date('2026-11-30T17:00:00Z'))).toBe('2026-11-30'); // 01:00 Beijing on 1 Dec
  });
});
