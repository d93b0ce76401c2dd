/**
 * The policy rules G1–G13 of the economics reference, one function each. A rule reads the
 * facts the guard derived from a plan and states its status with the numbers it looked at.
 * Thresholds are the reference's; the comparisons are on integers wherever money is involved.
 */
import type { Bilingual } from './economics.errors.js';
import { CLAIM_PATTERNS, bi, pctBps, pctShare, yuan } from './economics.messages.js';
import { commissionDepth, type Plan, type RuleId } from './economics.plan.js';
import type { PlanWaterfall } from './economics.waterfall.js';

import type { RuleStatus } from './economics.schema.js';

export type { RuleStatus };

export interface RuleResult {
  id: RuleId;
  status: RuleStatus;
  /** Whether an operator may accept a fail of this rule with a written reason. */
  overridable: boolean;
  /** True when a fail was accepted through `plan.overrides`. */
  overridden: boolean;
  numbers: Record<string, number | boolean | null>;
  message: Bilingual;
}

export interface GuardFacts {
  plan: Plan;
  waterfall: PlanWaterfall;
  /** The same plan with refund rate +5pp and spoilage +5pp. */
  stress: PlanWaterfall;
  payoff: { participants: number; seed: number; share_losing_money: number; recruitment_share: number };
}

export const PAYOUT_CAP_BPS = 3_000;
export const MAX_LEVELS = 2;
export const MIN_HOLD_DAYS = 7;
export const MAX_SHARING_RECEIVERS = 50;

function result(
  id: RuleId, status: RuleStatus, overridable: boolean,
  numbers: RuleResult['numbers'], message: Bilingual,
): RuleResult {
  return { id, status, overridable, overridden: false, numbers, message };
}

function hasPayouts(f: GuardFacts): boolean {
  return f.waterfall.payout_settled > 0 || f.plan.incentives.leader_bps > 0;
}

export function g1EntryFee(f: GuardFacts): RuleResult {
  const fee = f.plan.incentives.entry_fee;
  return fee === 0
    ? result('G1', 'pass', false, { entry_fee: 0 }, bi('没有入门费：任何人都不需付费即可获得收益或推荐资格。', 'No entry fee: nobody pays for the right to earn or recruit.'))
    : result('G1', 'fail', false, { entry_fee: fee }, bi(
      `入门费 ${yuan(fee)}（含"礼包"）用于换取赚佣或发展下线的资格。无论金额多小都被禁止（禁止传销条例第七条第二项）；付费会员只能换取消费优惠。`,
      `An entry fee of ${yuan(fee)} (a "gift pack" included) buys the right to earn or recruit. Any amount, however small, is banned (anti-pyramid regulation Art. 7(2)); paid membership may only buy discounts.`));
}

export function g2HeadcountRewards(f: GuardFacts): RuleResult {
  const inc = f.plan.incentives;
  const feeShare = f.waterfall.per_recruit.fee_commissions.reduce((a, b) => a + b, 0);
  const numbers = { recruit_reward: inc.recruit_reward, fee_commission_per_recruit: feeShare };
  if (inc.recruit_reward === 0 && feeShare === 0 && commissionDepth(inc.fee_commission_levels_bps) === 0) {
    return result('G2', 'pass', false, numbers, bi('没有按发展人数计算的奖励。', 'No reward is computed from the number of people recruited.'));
  }
  return result('G2', 'fail', false, numbers, bi(
    `按人头计酬：每发展一人奖励 ${yuan(inc.recruit_reward)}，并从其入门费中向上级分出 ${yuan(feeShare)}。直推奖、见点奖及入门费分成一律禁止（第七条第一项）。`,
    `Rewards are paid per head: ${yuan(inc.recruit_reward)} per recruit plus ${yuan(feeShare)} of each recruit's entry fee up the chain. Recruit bonuses and shares of recruits' fees are banned (Art. 7(1)).`));
}

export function g3Depth(f: GuardFacts): RuleResult {
  const levels = commissionDepth(f.plan.incentives.commission_levels_bps);
  const numbers = { levels, max_levels: MAX_LEVELS };
  if (levels >= 3) {
    return result('G3', 'fail', false, numbers, bi(
      `佣金分到 ${levels} 级，最多允许 ${MAX_LEVELS} 级；3 级及以上属于团队计酬，一律拒绝（≥30 人且 ≥3 级即达刑事立案标准）。`,
      `Commissions reach ${levels} levels; at most ${MAX_LEVELS} are allowed. Three or more levels is team-based pay and is refused outright (≥30 participants and ≥3 levels is the criminal threshold).`));
  }
  if (levels === 2) {
    return result('G3', 'warn', false, numbers, bi(
      '佣金分到 2 级：上级从下级的销售中获利，存在团队计酬风险；请确保只按真实外部销售计佣。',
      'Commissions reach 2 levels: the upline earns on the downline\'s sales, a team-pay risk. Make sure only real external sales earn commission.'));
  }
  return result('G3', 'pass', false, numbers, bi(`佣金层级 ${levels} 级，只有卖家本人按自己客户的订单获得佣金。`, `Commission depth is ${levels}: only the seller earns, on their own customers' orders.`));
}

export function g4SettledSales(f: GuardFacts): RuleResult {
  const inc = f.plan.incentives;
  const numbers = { required_purchase: inc.required_purchase, settled_only: inc.commission_on === 'settled' };
  const problems: Bilingual[] = [];
  if (inc.commission_on !== 'settled') problems.push(bi('佣金在支付时即计入，而不是在结算且无退款之后', 'commissions are credited on payment instead of after settlement without refund'));
  if (inc.required_purchase > 0) problems.push(bi(`参与者每月须自购 ${yuan(inc.required_purchase)} 才能保持资格（囤货）`, `participants must buy ${yuan(inc.required_purchase)} a month themselves to stay qualified (inventory loading)`));
  if (problems.length === 0) {
    return result('G4', 'pass', true, numbers, bi('佣金只按已结算、未退款的销售计算，没有自购任务。', 'Commissions are earned only on settled, unrefunded sales; no purchase quota.'));
  }
  return result('G4', 'fail', true, numbers, bi(
    `不通过：${problems.map((p) => p.zh).join('；')}。`, `Fails: ${problems.map((p) => p.en).join('; ')}.`));
}

export function g5RetailShare(f: GuardFacts): RuleResult {
  const share = f.plan.sales.external_share_bps;
  const numbers = { external_share_bps: share, target_bps: 7_000, floor_bps: 5_000 };
  if (!hasPayouts(f)) {
    return result('G5', 'pass', true, numbers, bi('没有佣金，外部销售占比不适用。', 'No commissions are paid, so the retail share does not apply.'));
  }
  if (share < 5_000) {
    return result('G5', 'fail', true, numbers, bi(
      `计佣销售中只有 ${pctBps(share)} 来自外部客户，低于 50%：主要是参与者自己消费（Vemma 2016）。目标 ≥70%。`,
      `Only ${pctBps(share)} of commissionable sales go to outside customers, below 50%: mostly participants buying themselves (Vemma 2016). Target ≥70%.`));
  }
  if (share < 7_000) {
    return result('G5', 'warn', true, numbers, bi(
      `外部客户销售占 ${pctBps(share)}，在 50%–70% 之间，低于 70% 的目标（安利 1979 "70% 规则"）。`,
      `Outside customers make ${pctBps(share)} of commissionable sales, between 50% and 70%, below the 70% target (Amway 1979 "70% rule").`));
  }
  return result('G5', 'pass', true, numbers, bi(`外部客户销售占 ${pctBps(share)}，达到 70% 目标。`, `Outside customers make ${pctBps(share)} of commissionable sales, meeting the 70% target.`));
}

export function g6RecruitmentShare(f: GuardFacts): RuleResult {
  const declared = f.plan.sales.recruitment_share_bps / 10_000;
  const simulated = f.payoff.recruitment_share;
  const share = Math.max(declared, simulated);
  const numbers = { declared, simulated, share };
  const text = (zh: string, en: string) => bi(
    `参与者收入中来自入门费、奖励和参与者自购的部分占 ${pctShare(share)}（申报 ${pctShare(declared)}，模拟 ${pctShare(simulated)}）。${zh}`,
    `${pctShare(share)} of participant pay comes from fees, rewards and participants' own purchases (declared ${pctShare(declared)}, simulated ${pctShare(simulated)}). ${en}`);
  if (share >= 0.5) return result('G6', 'fail', true, numbers, text('达到或超过 50%：收入主要来自发展他人。', 'At or above 50%: pay derives primarily from recruiting others.'));
  if (share >= 0.3) return result('G6', 'warn', true, numbers, text('在 30%–50% 之间，高于 30% 的目标。', 'Between 30% and 50%, above the 30% target.'));
  return result('G6', 'pass', true, numbers, text('低于 30% 的目标。', 'Below the 30% target.'));
}

export function g7TotalPayout(f: GuardFacts): RuleResult {
  const w = f.waterfall;
  const numbers = {
    payout: w.payout_settled, paid: w.paid, cap_bps: PAYOUT_CAP_BPS,
    cap: Math.floor((w.paid * PAYOUT_CAP_BPS) / 10_000), margin_budget: w.margin_budget,
  };
  const overCap = w.payout_settled * 10_000 > w.paid * PAYOUT_CAP_BPS;
  const overMargin = w.payout_settled > Math.max(0, w.margin_budget);
  const head = bi(`每单分佣合计 ${yuan(w.payout_settled)}，实付 ${yuan(w.paid)}，毛利空间 ${yuan(w.margin_budget)}。`,
    `Payout per order ${yuan(w.payout_settled)} on ${yuan(w.paid)} paid, margin budget ${yuan(w.margin_budget)}.`);
  if (overCap || overMargin) {
    const why = [
      overCap ? bi(`超过实付的 30%（上限 ${yuan(numbers.cap)}）`, `above 30% of paid (cap ${yuan(numbers.cap)})`) : null,
      overMargin ? bi('超过毛利空间', 'above the margin budget') : null,
    ].filter((x): x is Bilingual => x !== null);
    return result('G7', 'fail', true, numbers, bi(`${head.zh}${why.map((x) => x.zh).join('，')}。`, `${head.en} It is ${why.map((x) => x.en).join(' and ')}.`));
  }
  return result('G7', 'pass', true, numbers, bi(`${head.zh}不超过实付的 30%，也不超过毛利空间。`, `${head.en} Within 30% of paid and within the margin budget.`));
}

export function g8UnitProfit(f: GuardFacts): RuleResult {
  const { plan, waterfall: w, stress: s } = f;
  const coupon = plan.incentives.coupon_subsidy;
  const numbers: RuleResult['numbers'] = {
    contribution_margin: w.contribution_margin, stress_contribution_margin: s.contribution_margin,
    paid: w.paid, cogs: plan.product.cogs, clearance: plan.clearance, coupon,
    subsidy_budget: plan.subsidy.budget, subsidy_has_end: plan.subsidy.ends_at !== null,
  };
  const checks = {
    cm_ok: w.contribution_margin >= 0,
    stress_ok: s.contribution_margin >= 0,
    price_ok: w.paid >= plan.product.cogs || plan.clearance,
    subsidy_ok: coupon === 0 || (plan.subsidy.budget > 0 && plan.subsidy.ends_at !== null),
  };
  Object.assign(numbers, checks);
  const problems: Bilingual[] = [];
  if (!checks.cm_ok) problems.push(bi(`每单边际贡献为 ${yuan(w.contribution_margin)}，小于 0`, `contribution margin is ${yuan(w.contribution_margin)} per order, below 0`));
  if (!checks.stress_ok) problems.push(bi(`压力情景（退款率 +5 个百分点、损耗 +5 个百分点）下边际贡献为 ${yuan(s.contribution_margin)}`, `under stress (refunds +5pp, spoilage +5pp) it is ${yuan(s.contribution_margin)}`));
  if (!checks.price_ok) problems.push(bi(`实付 ${yuan(w.paid)} 低于成本 ${yuan(plan.product.cogs)}，且不是清仓（九不得第一条）`, `the price paid ${yuan(w.paid)} is below cost ${yuan(plan.product.cogs)} without a declared clearance ("nine don'ts" item 1)`));
  if (!checks.subsidy_ok) problems.push(bi(`每单补贴 ${yuan(coupon)} 没有预算或结束日期`, `the ${yuan(coupon)} subsidy per order has no budget or no end date`));
  if (problems.length > 0) {
    return result('G8', 'fail', true, numbers, bi(`不通过：${problems.map((p) => p.zh).join('；')}。`, `Fails: ${problems.map((p) => p.en).join('; ')}.`));
  }
  return result('G8', 'pass', true, numbers, bi(
    `每单边际贡献 ${yuan(w.contribution_margin)}，压力情景下 ${yuan(s.contribution_margin)}，均不小于 0。`,
    `Contribution margin ${yuan(w.contribution_margin)} per order, ${yuan(s.contribution_margin)} under stress; both at least 0.`));
}

export function g9Hold(f: GuardFacts): RuleResult {
  const days = f.plan.hold_days;
  const numbers = { hold_days: days, min_days: MIN_HOLD_DAYS };
  if (days < MIN_HOLD_DAYS && hasPayouts(f)) {
    return result('G9', 'fail', true, numbers, bi(
      `佣金在收货后 ${days} 天即可提现，短于 7 天无理由退货期；建议 8 天。`,
      `Commissions become withdrawable ${days} days after receipt, inside the 7-day no-reason return window; use 8 days.`));
  }
  return result('G9', 'pass', true, numbers, bi(`收货后冻结 ${days} 天再可提现，覆盖 7 天退货期；退款冲回佣金。`, `Commissions are held ${days} days after receipt, covering the 7-day return window; refunds reverse them.`));
}

export function g10ProfitSharing(f: GuardFacts): RuleResult {
  const w = f.waterfall;
  const receivers = commissionDepth(f.plan.incentives.commission_levels_bps) + (f.plan.incentives.leader_bps > 0 ? 1 : 0);
  const numbers = { payout: w.payout_settled, paid: w.paid, max_bps: PAYOUT_CAP_BPS, receivers, max_receivers: MAX_SHARING_RECEIVERS };
  const overCap = w.payout_settled * 10_000 > w.paid * PAYOUT_CAP_BPS;
  if (overCap || receivers > MAX_SHARING_RECEIVERS) {
    return result('G10', 'fail', true, numbers, bi(
      `分账 ${yuan(w.payout_settled)}（${receivers} 个接收方）超出微信支付分账限制：最多订单金额的 30%、每单最多 ${MAX_SHARING_RECEIVERS} 次请求。`,
      `Profit sharing of ${yuan(w.payout_settled)} to ${receivers} receivers exceeds WeChat Pay limits: at most 30% of the order and ${MAX_SHARING_RECEIVERS} requests per order.`));
  }
  return result('G10', 'pass', true, numbers, bi(
    `分账 ${yuan(w.payout_settled)} 给 ${receivers} 个接收方，在订单金额 30% 以内；个人款项在冻结期后支付。`,
    `Profit sharing of ${yuan(w.payout_settled)} to ${receivers} receivers stays within 30% of the order; individuals are paid after the hold.`));
}

export function g11Claims(f: GuardFacts): RuleResult {
  const m = f.plan.marketing;
  const hits: string[] = [];
  for (const claim of m.claims) {
    for (const pattern of CLAIM_PATTERNS) {
      const found = pattern.exec(claim);
      if (found) hits.push(found[0]);
    }
  }
  const flags = [
    m.share_to_unlock ? bi('分享解锁', 'share to unlock') : null,
    m.pay_per_share ? bi('按分享次数付费', 'pay per share') : null,
    m.external_link_tasks ? bi('外链助力/砍价/集赞任务', 'assist/bargain/like tasks via external links') : null,
  ].filter((x): x is Bilingual => x !== null);
  const numbers = { claims_checked: m.claims.length, claims_flagged: hits.length, share_to_unlock: m.share_to_unlock, pay_per_share: m.pay_per_share, external_link_tasks: m.external_link_tasks };
  if (hits.length === 0 && flags.length === 0) {
    return result('G11', 'pass', true, numbers, bi(`检查了 ${m.claims.length} 条文案：没有收益承诺，也没有诱导分享。`, `${m.claims.length} texts checked: no income promises and no sharing conditions.`));
  }
  const quoted = hits.map((h) => `"${h}"`).join(', ');
  return result('G11', 'fail', true, numbers, bi(
    `${hits.length > 0 ? `文案含收益承诺或诱导分享：${quoted}。` : ''}${flags.length > 0 ? `流程含${flags.map((x) => x.zh).join('、')}。` : ''}微信禁止此类内容。`,
    `${hits.length > 0 ? `Texts promise income or make sharing a condition: ${quoted}. ` : ''}${flags.length > 0 ? `The flow uses ${flags.map((x) => x.en).join(', ')}. ` : ''}WeChat bans these.`));
}

export function g12AntiSybil(f: GuardFacts): RuleResult {
  const inc = f.plan.incentives;
  const numbers = { anti_sybil: inc.anti_sybil, self_purchase_counts: inc.self_purchase_counts };
  if (!inc.anti_sybil && hasPayouts(f)) {
    return result('G12', 'fail', true, numbers, bi(
      '未开启防刷：邀请人与买家共用设备、手机号、支付账户或地址时仍会计佣（多级推荐奖励无法防范假身份）。',
      'Anti-Sybil checks are off: commissions would be credited when inviter and buyer share a device, phone, payment account or address (referral rewards are not false-name-proof).'));
  }
  if (inc.self_purchase_counts) {
    return result('G12', 'warn', true, numbers, bi(
      '自购返佣开启：自购计为内部消费，G5/G6 按内部消费计算。',
      'Self-purchase rebates are on: own purchases count as internal consumption in G5 and G6.'));
  }
  return result('G12', 'pass', true, numbers, bi('已开启防刷，自购不返佣。', 'Anti-Sybil checks are on and own purchases earn no rebate.'));
}

export function g13ParticipantLoss(f: GuardFacts): RuleResult {
  const { share_losing_money: share, participants, seed } = f.payoff;
  const numbers = { share_losing_money: share, participants, seed, warn_above: 0.5, reject_above: 0.8 };
  const text = bi(
    `在 ${participants.toLocaleString('en-US')} 人的随机推荐树上模拟一年：${pctShare(share)} 的参与者扣除入门费、自购和成本后亏损。`,
    `One simulated year on a random recruitment tree of ${participants.toLocaleString('en-US')} participants: ${pctShare(share)} lose money after fees, required purchases and costs.`);
  if (share > 0.8) return result('G13', 'fail', true, numbers, bi(`${text.zh}超过 80%。`, `${text.en} Above 80%.`));
  if (share > 0.5) return result('G13', 'warn', true, numbers, bi(`${text.zh}超过 50%。`, `${text.en} Above 50%.`));
  return result('G13', 'pass', true, numbers, bi(`${text.zh}不超过 50%。`, `${text.en} At most 50%.`));
}

export const RULES: readonly ((f: GuardFacts) => RuleResult)[] = [
  g1EntryFee, g2HeadcountRewards, g3Depth, g4SettledSales, g5RetailShare, g6RecruitmentShare,
  g7TotalPayout, g8UnitProfit, g9Hold, g10ProfitSharing, g11Claims, g12AntiSybil, g13ParticipantLoss,
];
