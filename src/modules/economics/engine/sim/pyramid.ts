/**
 * M5, payoffs on a random recruitment tree (Gastwirth's uniform-recruitment model, i.e. a random
 * recursive tree): every recruited newcomer is attached to a uniformly random earlier member.
 * In the finished tree P(≥ k direct recruits) → 2^−k, and the member at rank fraction x expects
 * ln(1/x) recruits, so only the first ≈ 1/e ≈ 37% expect at least one.
 *
 * Payoff of participant i over the horizon:
 *   net_i = commissions on own sales (level 1) + commissions from the subtree by level
 *           + recruit rewards + shares of recruits' entry fees
 *           − entry fee − required purchases − running costs.
 * Node 0 is the organizer; it earns the remainder and is not counted as a participant.
 * Everything lives in typed arrays indexed by join order; no object per participant.
 */
import type { Rng } from './rng.js';

/** parent[0] = −1; parent[i] uniform in [0, i). Node 0 is a participant here (pure model). */
export function randomRecursiveTree(n: number, rng: Rng): Int32Array {
  const parent = new Int32Array(n);
  parent[0] = -1;
  for (let i = 1; i < n; i++) parent[i] = rng.below(i);
  return parent;
}

export function childCounts(parent: Int32Array): Int32Array {
  const counts = new Int32Array(parent.length);
  for (let i = 0; i < parent.length; i++) {
    const p = parent[i] ?? -1;
    if (p >= 0) counts[p] = (counts[p] ?? 0) + 1;
  }
  return counts;
}

export interface RecruitmentTree {
  /** parent[i] for i ≥ 1; 0 means no recruiter (joined via the organizer). parent[0] = −1. */
  parent: Int32Array;
  /** Day each node joined (node 0: day 0). */
  joinDay: Int32Array;
  /** Participants = nodes − 1. */
  participants: number;
}

/**
 * Builds the tree for a growth run: each day the direct and paid joiners hang under the
 * organizer, the recruited ones under a uniformly random earlier participant.
 */
export function buildTree(
  daily: { viral: Int32Array; paid: Int32Array; direct: Int32Array },
  rng: Rng,
  onDay?: (day: number) => void,
): RecruitmentTree {
  let total = 0;
  for (let d = 0; d < daily.viral.length; d++) {
    total += (daily.viral[d] ?? 0) + (daily.paid[d] ?? 0) + (daily.direct[d] ?? 0);
  }
  const parent = new Int32Array(total + 1);
  const joinDay = new Int32Array(total + 1);
  parent[0] = -1;
  let i = 1;
  for (let d = 0; d < daily.viral.length; d++) {
    const unrecruited = (daily.paid[d] ?? 0) + (daily.direct[d] ?? 0);
    for (let j = 0; j < unrecruited; j++, i++) joinDay[i] = d;
    const recruited = daily.viral[d] ?? 0;
    for (let j = 0; j < recruited; j++, i++) {
      joinDay[i] = d;
      parent[i] = i > 1 ? 1 + rng.below(i - 1) : 0;
    }
    onDay?.(d);
  }
  return { parent, joinDay, participants: total };
}

export interface PayoffRules {
  horizonDays: number;
  externalShareBps: number;
  /** Level-1 commission also on the participant's own purchases (self-purchase rebate). */
  selfPurchaseCounts: boolean;
  /** Expected commission per order by level, fen; index 0 = the seller, 1 = their recruiter… */
  perOrder: readonly number[];
  /** Expected orders of a participant within their first a days (index = age). */
  ordersByAge: Float64Array;
  /** Required purchases within the first a days, fen. */
  requiredByAge: Float64Array;
  /** Commission per level on those required purchases, fen; index as perOrder. */
  requiredCommissionByAge: readonly Float64Array[];
  /** Running costs within the first a days, fen. */
  opCostByAge: Float64Array;
  entryFee: number;
  recruitReward: number;
  /** Fen of each recruit's entry fee paid to the recruiter (index 0), their recruiter (1)… */
  feeCommissions: readonly number[];
}

export interface Payoffs {
  /** Net income per node (index 0 unused), whole fen. */
  net: Float64Array;
  /** Compensation received per node, whole fen. */
  gross: Float64Array;
  participants: number;
  totalCompensation: number;
  /** Compensation paid out of participants' own money: fees, rewards, own and required purchases. */
  recruitmentDerived: number;
}

export function computePayoffs(tree: RecruitmentTree, rules: PayoffRules, rng: Rng): Payoffs {
  const n = tree.participants + 1;
  const net = new Float64Array(n);
  const gross = new Float64Array(n);
  const { parent, joinDay } = tree;
  const c = rules.perOrder;
  const fees = rules.feeCommissions;
  const reqComm = rules.requiredCommissionByAge;
  const depth = Math.max(c.length, fees.length + 1, rules.recruitReward > 0 ? 2 : 1);
  const ext = rules.externalShareBps / 10_000;
  const c0 = c[0] ?? 0;
  let total = 0;
  let derived = 0;

  for (let j = 1; j < n; j++) {
    const age = rules.horizonDays - (joinDay[j] ?? 0);
    const orders = rng.poisson(rules.ordersByAge[age] ?? 0);
    const external = Math.round(orders * ext);
    const own = orders - external;
    const ownComm = rules.selfPurchaseCounts ? own * c0 + (reqComm[0]?.[age] ?? 0) : 0;
    const self = external * c0 + ownComm;
    gross[j] = (gross[j] ?? 0) + self;
    net[j] = (net[j] ?? 0) + self - rules.entryFee - (rules.requiredByAge[age] ?? 0) - (rules.opCostByAge[age] ?? 0);
    total += self;
    derived += ownComm;

    let anc = parent[j] ?? 0;
    for (let level = 1; anc > 0 && level < depth; level++) {
      const rate = c[level] ?? 0;
      const internal = own * rate + (reqComm[level]?.[age] ?? 0);
      const fee = (fees[level - 1] ?? 0) + (level === 1 ? rules.recruitReward : 0);
      const credit = external * rate + internal + fee;
      gross[anc] = (gross[anc] ?? 0) + credit;
      net[anc] = (net[anc] ?? 0) + credit;
      total += credit;
      derived += internal + fee;
      anc = parent[anc] ?? 0;
    }
  }
  return { net, gross, participants: tree.participants, totalCompensation: total, recruitmentDerived: derived };
}

/** Net-income bins in fen: below the first edge, [eᵢ, eᵢ₊₁), at or above the last edge. */
export const INCOME_EDGES_FEN = [
  -10_000_000, -1_000_000, -100_000, -10_000, -1_000, 0, 1, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
] as const;

export interface PayoffStats {
  participants: number;
  share_losing_money: number;
  /** Gini coefficient of compensation received (0 = equal; → 1 = one takes all). */
  gini: number;
  recruitment_share: number;
  mean_net: number;
  median_net: number;
  income_histogram: { edges_fen: number[]; counts: number[] };
}

export function gini(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i] ?? 0;
    sum += x;
    weighted += (2 * (i + 1) - n - 1) * x;
  }
  return n === 0 || sum <= 0 ? 0 : weighted / (n * sum);
}

export function payoffStats(p: Payoffs): PayoffStats {
  const n = p.participants;
  const nets = p.net.subarray(1);
  const counts = new Array<number>(INCOME_EDGES_FEN.length + 1).fill(0);
  let losing = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = nets[i] ?? 0;
    if (x < 0) losing++;
    sum += x;
    let bin = 0;
    while (bin < INCOME_EDGES_FEN.length && x >= (INCOME_EDGES_FEN[bin] ?? 0)) bin++;
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const sortedNet = Float64Array.from(nets).sort();
  return {
    participants: n,
    share_losing_money: n === 0 ? 0 : losing / n,
    gini: gini(p.gross.subarray(1)),
    recruitment_share: p.totalCompensation > 0 ? p.recruitmentDerived / p.totalCompensation : 0,
    mean_net: n === 0 ? 0 : Math.round(sum / n),
    median_net: n === 0 ? 0 : (sortedNet[Math.floor((n - 1) / 2)] ?? 0),
    income_histogram: { edges_fen: [...INCOME_EDGES_FEN], counts },
  };
}
