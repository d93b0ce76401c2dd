/**
 * M6, the operator's daily cash flow:
 *   orders·CM (subsidised orders at their lower CM) + entry fees − recruit payouts
 *   − CAC·paid joiners − fixed cost per day,
 * where the coupon subsidy runs until its budget or its end day, whichever comes first.
 * All amounts are whole fen and every daily figure is an integer, so the running balance is exact.
 */

export interface OrderEconomics {
  paid: number;
  cm: number;
}

export interface CashFlowInput {
  /** Whole orders per day. */
  orders: Int32Array;
  newJoiners: Int32Array;
  newPaid: Int32Array;
  newRecruited: Int32Array;
  full: OrderEconomics;
  subsidised: OrderEconomics;
  coupon: number;
  subsidyBudget: number;
  /** Last day (exclusive) the subsidy may run; null = only the budget limits it. */
  subsidyEndDay: number | null;
  cac: number;
  fixedPerDay: number;
  cash: number;
  entryFee: number;
  /** Paid to the upline for each recruited joiner: recruit reward + fee commissions. */
  payoutPerRecruit: number;
}

export interface CashFlow {
  gmv: Float64Array;
  /** Balance at the end of each day, starting from the initial cash. */
  balance: Float64Array;
  subsidySpent: number;
  /** First day without subsidy (budget or date), null if it never stopped. */
  subsidyStopDay: number | null;
  /** First day from which the cumulative flow since launch stays ≥ 0; null if it ends negative. */
  breakEvenDay: number | null;
  /** First day the balance is negative; null if never. */
  cashOutDay: number | null;
}

export function cashFlow(input: CashFlowInput): CashFlow {
  const days = input.orders.length;
  const gmv = new Float64Array(days);
  const balance = new Float64Array(days);
  const cumulative = new Float64Array(days);
  let budgetLeft = input.subsidyBudget;
  let spent = 0;
  let stop: number | null = null;
  let flowSum = 0;
  let cashOutDay: number | null = null;

  for (let d = 0; d < days; d++) {
    const orders = input.orders[d] ?? 0;
    const open = input.coupon > 0 && (input.subsidyEndDay === null || d < input.subsidyEndDay);
    const subsidised = open ? Math.min(orders, Math.floor(budgetLeft / input.coupon)) : 0;
    if (stop === null && input.coupon > 0 && (!open || subsidised < orders)) stop = d;
    budgetLeft -= subsidised * input.coupon;
    spent += subsidised * input.coupon;
    const regular = orders - subsidised;

    gmv[d] = subsidised * input.subsidised.paid + regular * input.full.paid;
    const flow =
      subsidised * input.subsidised.cm + regular * input.full.cm +
      (input.newJoiners[d] ?? 0) * input.entryFee - (input.newRecruited[d] ?? 0) * input.payoutPerRecruit -
      (input.newPaid[d] ?? 0) * input.cac - input.fixedPerDay;
    flowSum += flow;
    cumulative[d] = flowSum;
    balance[d] = input.cash + flowSum;
    if (cashOutDay === null && (balance[d] ?? 0) < 0) cashOutDay = d;
  }

  let breakEvenDay: number | null = null;
  if (days > 0 && (cumulative[days - 1] ?? 0) >= 0) {
    let d = days - 1;
    while (d > 0 && (cumulative[d - 1] ?? 0) >= 0) d--;
    breakEvenDay = d;
  }
  return { gmv, balance, subsidySpent: spent, subsidyStopDay: stop, breakEvenDay, cashOutDay };
}
