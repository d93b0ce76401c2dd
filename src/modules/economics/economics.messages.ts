/**
 * Wording shared by the guard, the CLI and the report: how amounts, rates and shares are shown,
 * and the labels of verdicts and statuses in zh-CN and en.
 */
import { formatYuan } from '../../platform/money.js';
import type { Bilingual } from './economics.errors.js';
import type { RuleStatus, Verdict } from './economics.schema.js';
import type { RuleId } from './economics.plan.js';

export type Lang = 'zh' | 'en';

/** 1234567 fen → "¥12,345.67"; negative amounts get a leading minus. */
export const yuan = (fen: number): string => formatYuan(fen, { grouped: true });

/** 60 bps → "0.6%", 800 → "8%". */
export function pctBps(bps: number): string {
  return `${Number((bps / 100).toFixed(2))}%`;
}

/** 0.5834 → "58.3%". */
export function pctShare(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

export function bi(zh: string, en: string): Bilingual {
  return { zh, en };
}

export const verdictLabels: Record<Verdict, Bilingual> = {
  accept: bi('通过', 'accept'),
  warn: bi('通过（有警告）', 'accept with warnings'),
  reject: bi('拒绝', 'reject'),
};

export const statusLabels: Record<RuleStatus, Bilingual> = {
  pass: bi('通过', 'pass'),
  warn: bi('警告', 'warn'),
  fail: bi('不通过', 'fail'),
};

export const ruleTitles: Record<RuleId, Bilingual> = {
  G1: bi('禁止入门费', 'No entry fee'),
  G2: bi('禁止拉人头奖励', 'No headcount rewards'),
  G3: bi('佣金层级', 'Commission depth'),
  G4: bi('仅按已结算销售计佣', 'Commissions on settled sales only'),
  G5: bi('外部客户销售占比', 'Retail (external) share'),
  G6: bi('拉人头收入占比', 'Recruitment-derived share'),
  G7: bi('单笔订单总分佣', 'Total payout per order'),
  G8: bi('单位利润', 'Unit profit'),
  G9: bi('结算冻结期', 'Settlement hold'),
  G10: bi('微信支付分账可行性', 'WeChat Pay profit-sharing limits'),
  G11: bi('禁止收益承诺与诱导分享', 'No income claims or share-to-unlock'),
  G12: bi('防刷单与自购', 'Anti-Sybil and self-purchase'),
  G13: bi('参与者盈亏', 'Participant profit and loss'),
};

/** Words in claims that promise income or lifestyle, or make sharing a condition. */
export const CLAIM_PATTERNS: readonly RegExp[] = [
  /[月日年周]入\s*[过上]?\s*[0-9一二三四五六七八九十百千万]+/,
  /[日月年]赚|躺赚|躺着赚|轻松赚|稳赚|包赚|保底收益|保本|零风险|暴富|财务自由|被动收入|睡后收入|买房买车|辞职/,
  /分享(后)?解锁|转发(后)?(解锁|领取)|助力|砍价|集赞|拉人头/,
  /\bearn (up to )?[$¥€]?\s?\d/i,
  /\bmake [$¥€]?\s?\d[\d,]* (a|per) (day|week|month|year)\b/i,
  /passive income|financial freedom|get rich|guaranteed (income|returns?|profits?)|quit your job|be your own boss/i,
  /share to unlock|unlock by sharing|pay per share/i,
];
