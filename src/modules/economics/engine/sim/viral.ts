/**
 * M3, viral growth with saturation, one step per day.
 *
 * Everyone who joins on day d sends their invites once, one viral cycle later (day d + cycle).
 * With K = invites·conversion, a cohort of n users converts
 *     S·(1 − e^{−K·n/M})
 * of the S people not yet reached out of the population M. For small n this is K·n·(1 − N/M),
 * i.e. M3's K_eff·n; the exponential form is the chain-binomial (Reed–Frost) limit, the one whose
 * final reach solves z = 1 − e^{−K·z} exactly (K = 1.5 → 58%, K = 2 → 80%).
 * Paid acquisition adds up to `paidPerDay` users a day from whoever is left.
 * The Bass alternative replaces the viral term by (p + q·N/M)·S per cycle: p adopters arrive on
 * their own (no recruiter), q adopters are recruited.
 */
export interface GrowthParams {
  population: number;
  seedUsers: number;
  model: 'k_factor' | 'bass';
  /** K = invites per user × conversion. */
  k: number;
  cycleDays: number;
  paidPerDay: number;
  bassP: number;
  bassQ: number;
}

export interface Growth {
  days: number;
  /** Joiners recruited by an existing participant, per day. */
  viral: Int32Array;
  /** Joiners bought with paid acquisition, per day (these cost CAC). */
  paid: Int32Array;
  /** Joiners with no recruiter: seed users and Bass innovators, per day. */
  direct: Int32Array;
  /** Participants at the end of each day. */
  cumulative: Int32Array;
  /** K·(1 − N/M) at the start of each day. */
  kEff: Float64Array;
}

export function growthFromPlanSimulation(s: {
  population: number; seed_users: number; growth_model: 'k_factor' | 'bass';
  invites_per_user: number; conversion_bps: number; cycle_days: number;
  paid_new_per_day: number; bass_p_bps: number; bass_q_bps: number;
}): GrowthParams {
  return {
    population: s.population,
    seedUsers: s.seed_users,
    model: s.growth_model,
    k: (s.invites_per_user * s.conversion_bps) / 10_000,
    cycleDays: s.cycle_days,
    paidPerDay: s.paid_new_per_day,
    bassP: s.bass_p_bps / 10_000,
    bassQ: s.bass_q_bps / 10_000,
  };
}

export function simulateGrowth(p: GrowthParams, days: number): Growth {
  const M = p.population;
  const expectedNew = new Float64Array(days);
  const out: Growth = {
    days,
    viral: new Int32Array(days),
    paid: new Int32Array(days),
    direct: new Int32Array(days),
    cumulative: new Int32Array(days),
    kEff: new Float64Array(days),
  };
  // Expected (fractional) totals are kept exact; whole joiners per day are the differences of
  // their rounded running sums, so rounding never accumulates.
  let reached = 0;
  const cum = { viral: 0, paid: 0, direct: 0 };
  const emitted = { viral: 0, paid: 0, direct: 0 };

  for (let d = 0; d < days; d++) {
    out.kEff[d] = p.k * (1 - reached / M);
    let left = M - reached;
    let direct = 0;
    let viral = 0;
    if (d === 0) {
      direct = Math.min(p.seedUsers, left);
      left -= direct;
    }
    if (p.model === 'k_factor') {
      const inviters = d >= p.cycleDays ? (expectedNew[d - p.cycleDays] ?? 0) : 0;
      viral = left * -Math.expm1((-p.k * inviters) / M);
    } else {
      const perDay = left / p.cycleDays;
      direct += Math.min(left, p.bassP * perDay);
      viral = Math.min(left - direct, p.bassQ * (reached / M) * perDay);
    }
    left -= viral;
    const paid = Math.min(p.paidPerDay, Math.max(0, left));
    const total = direct + viral + paid;
    expectedNew[d] = total;
    reached = Math.min(M, reached + total);

    cum.viral += viral;
    cum.paid += paid;
    cum.direct += direct;
    const before = emitted.viral + emitted.paid + emitted.direct;
    const room = M - before;
    const paidInt = Math.min(room, Math.round(cum.paid) - emitted.paid);
    const directInt = Math.min(room - paidInt, Math.round(cum.direct) - emitted.direct);
    const viralInt = Math.min(room - paidInt - directInt, Math.max(0, Math.round(cum.viral) - emitted.viral));
    emitted.paid += paidInt;
    emitted.direct += directInt;
    emitted.viral += viralInt;
    out.paid[d] = paidInt;
    out.direct[d] = directInt;
    out.viral[d] = viralInt;
    out.cumulative[d] = before + paidInt + directInt + viralInt;
  }
  return out;
}

/** The z in (0, 1] solving z = 1 − e^{−K·z}; 0 when K ≤ 1 (no epidemic without seeding). */
export function finalReach(k: number): number {
  if (k <= 1) return 0;
  let z = 1;
  for (let i = 0; i < 200; i++) z = 1 - Math.exp(-k * z);
  return z;
}
