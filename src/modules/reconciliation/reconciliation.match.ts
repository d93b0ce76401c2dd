import type { Fen } from '../../platform/money.js';

/**
 * Matching a provider's daily bill against our own payments and refunds: pure, no database, so
 * every kind of difference is checked in plain tests. Entries are neutral (the adapter turned the
 * provider's rows into them); a payment is keyed by our payment id (WeChat's out_trade_no), a
 * refund by our refund id (out_refund_no).
 */
export type EntryKind = 'payment' | 'refund';
/** Both sides' statuses in one small vocabulary: did the money move, is it still moving, or not. */
export type SettledStatus = 'succeeded' | 'pending' | 'failed';

export interface StatementEntry { entry: EntryKind; reference: string; providerRef: string | null; amount: Fen; status: SettledStatus; providerStatus: string }
export interface OurEntry { entry: EntryKind; reference: string; providerRef: string | null; amount: Fen; status: SettledStatus; ourStatus: string; inDay: boolean }

export type DifferenceKind = 'missing_here' | 'missing_there' | 'amount_mismatch' | 'status_mismatch';
export interface Difference {
  kind: DifferenceKind; entry: EntryKind; reference: string; provider_ref: string | null;
  bill_amount: Fen | null; our_amount: Fen | null; bill_status: string | null; our_status: string | null;
}

export interface MatchTotals {
  bill_payments: number; bill_payment_total: Fen; bill_refunds: number; bill_refund_total: Fen;
  our_payments: number; our_payment_total: Fen; our_refunds: number; our_refund_total: Fen;
}

/**
 * The bill's succeeded entries must each be ours with the same amount and a settled status; each
 * of ours that settled that day (`inDay`) must be in the bill. Ours that settled on another day but
 * appear in this bill (a payment at 23:59:59 recorded a second later) match by reference, not by day.
 */
export function matchStatement(bill: readonly StatementEntry[], ours: readonly OurEntry[]): { differences: Difference[]; totals: MatchTotals } {
  const key = (e: { entry: EntryKind; reference: string }) => `${e.entry}:${e.reference}`;
  const ourByKey = new Map(ours.map((o) => [key(o), o]));
  const seen = new Set<string>();
  const differences: Difference[] = [];
  const diff = (kind: DifferenceKind, b: StatementEntry | undefined, o: OurEntry | undefined): Difference => ({
    kind, entry: (b ?? o)!.entry, reference: (b ?? o)!.reference, provider_ref: b?.providerRef ?? o?.providerRef ?? null,
    bill_amount: b?.amount ?? null, our_amount: o?.amount ?? null, bill_status: b?.providerStatus ?? null, our_status: o?.ourStatus ?? null,
  });
  for (const b of bill) {
    const k = key(b);
    if (seen.has(k)) continue;
    seen.add(k);
    const o = ourByKey.get(k);
    if (!o) { if (b.status !== 'failed') differences.push(diff('missing_here', b, undefined)); continue; }
    if (o.amount !== b.amount) differences.push(diff('amount_mismatch', b, o));
    else if (o.status !== b.status) differences.push(diff('status_mismatch', b, o));
  }
  for (const o of ours) {
    if (!o.inDay || o.status !== 'succeeded' || seen.has(key(o))) continue;
    differences.push(diff('missing_there', undefined, o));
  }
  const settled = (e: { status: SettledStatus }) => e.status === 'succeeded';
  const count = (list: readonly { entry: EntryKind; status: SettledStatus }[], entry: EntryKind) => list.filter((e) => e.entry === entry && settled(e));
  const sum = (list: readonly { amount: Fen }[]) => list.reduce((a, e) => a + e.amount, 0);
  const oursInDay = ours.filter((o) => o.inDay);
  const billPayments = count(bill, 'payment') as StatementEntry[];
  const billRefunds = count(bill, 'refund') as StatementEntry[];
  const ourPayments = count(oursInDay, 'payment') as OurEntry[];
  const ourRefunds = count(oursInDay, 'refund') as OurEntry[];
  return {
    differences,
    totals: {
      bill_payments: billPayments.length, bill_payment_total: sum(billPayments), bill_refunds: billRefunds.length, bill_refund_total: sum(billRefunds),
      our_payments: ourPayments.length, our_payment_total: sum(ourPayments), our_refunds: ourRefunds.length, our_refund_total: sum(ourRefunds),
    },
  };
}
