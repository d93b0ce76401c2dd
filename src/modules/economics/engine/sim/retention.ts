/**
 * M4, retention, lifetime value and blended acquisition cost.
 *
 * Monthly retention r(t) = r∞ + (1 − r∞)·e^{−t/τ} (t in months, r(0) = 1). An active user
 * orders `ordersPerMonth` times a month, spread evenly over the days.
 * LTV = Σ_{t<horizon} r(t)·orders·CM·(1 + d)^{−t}. Blended CAC(t) = CAC_paid·(1 − K_eff(t)) + s,
 * where s is what each new user costs besides ads (new-user subsidy, referral bonus).
 * The "bonus period" ends on the first day with LTV/CAC < 3, or, for a K > 1 scheme, on the
 * first day K_eff drops below 1 (the viral phase is over).
 */
export const DAYS_PER_MONTH = 30;

export interface RetentionParams {
  rInf: number;
  tauMonths: number;
  ordersPerMonth: number;
  discountPerMonth: number;
  ltvMonths: number;
}

export function retentionAt(months: number, rInf: number, tauMonths: number): number {
  return rInf + (1 - rInf) * Math.exp(-months / tauMonths);
}

/** Lifetime value in fen (rounded half-up from the exact float sum). */
export function lifetimeValue(p: RetentionParams, cmPerOrder: number): number {
  let sum = 0;
  for (let t = 0; t < p.ltvMonths; t++) {
    sum += retentionAt(t, p.rInf, p.tauMonths) * p.ordersPerMonth * cmPerOrder * (1 + p.discountPerMonth) ** -t;
  }
  return Math.round(sum);
}

/** r at each day of age 0…days−1: the probability a user who joined `a` days ago is active. */
export function activeByAge(days: number, p: RetentionParams): Float64Array {
  const out = new Float64Array(days);
  for (let a = 0; a < days; a++) out[a] = retentionAt(a / DAYS_PER_MONTH, p.rInf, p.tauMonths);
  return out;
}

/** Expected orders of one user within their first `a` days, for a = 0…days. */
export function expectedOrdersByAge(days: number, p: RetentionParams): Float64Array {
  const active = activeByAge(days, p);
  const out = new Float64Array(days + 1);
  const perDay = p.ordersPerMonth / DAYS_PER_MONTH;
  for (let a = 0; a < days; a++) out[a + 1] = (out[a] ?? 0) + (active[a] ?? 0) * perDay;
  return out;
}

/**
 * Expected monthly charges (required purchases, running costs) of one user within their first
 * `a` days, for a = 0…days: paid at the start of each month while still active, in whole fen.
 */
export function chargesByAge(days: number, p: RetentionParams, monthly: number): Float64Array {
  const out = new Float64Array(days + 1);
  if (monthly === 0) return out;
  let sum = 0;
  for (let a = 0; a < days; a++) {
    if (a % DAYS_PER_MONTH === 0) sum += retentionAt(a / DAYS_PER_MONTH, p.rInf, p.tauMonths) * monthly;
    out[a + 1] = Math.round(sum);
  }
  return out;
}

export function blendedCac(cacPaid: number, kEff: number, perNewUser: number): number {
  return cacPaid * (1 - Math.min(1, Math.max(0, kEff))) + perNewUser;
}

export interface BonusPeriod {
  /** First day with LTV/CAC < 3, or K_eff < 1 for a K > 1 scheme; null if none in the horizon. */
  endDay: number | null;
  /** First day with LTV/CAC < 1: each new user now loses money. */
  stopDay: number | null;
}

export function bonusPeriod(input: {
  k: number;
  kEff: Float64Array;
  ltv: number;
  cacPaid: number;
  perNewUser: (day: number) => number;
}): BonusPeriod {
  let endDay: number | null = null;
  let stopDay: number | null = null;
  for (let d = 0; d < input.kEff.length && stopDay === null; d++) {
    const kEff = input.kEff[d] ?? 0;
    const cac = blendedCac(input.cacPaid, kEff, input.perNewUser(d));
    const ratio = cac > 0 ? input.ltv / cac : Number.POSITIVE_INFINITY;
    if (endDay === null && (ratio < 3 || (input.k > 1 && kEff < 1))) endDay = d;
    if (ratio < 1) stopDay = d;
  }
  return { endDay, stopDay };
}

/** Expected active users on each day, from whole joiners per day and r by age. */
export function activeUsersByDay(joiners: Int32Array, active: Float64Array): Float64Array {
  const days = joiners.length;
  const out = new Float64Array(days);
  for (let c = 0; c < days; c++) {
    const n = joiners[c] ?? 0;
    if (n === 0) continue;
    for (let d = c; d < days; d++) out[d] = (out[d] ?? 0) + n * (active[d - c] ?? 0);
  }
  return out;
}
