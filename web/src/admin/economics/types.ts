/**
 * Shapes of the economics API, taken from the types generated from the server's OpenAPI document
 * (../../api/schema.gen.ts, `npm run gen:api`). Amounts are integer fen, rates basis points.
 */
import type { components, paths } from '../../api/schema.gen.js';

type Schemas = components['schemas'];

export type Verdict = Schemas['Verdict'];
export type RuleStatus = Schemas['RuleStatus'];
export type PnlDimension = Schemas['PnlDimension'];

export type PnlRow = Schemas['PnlRow'];
export type Pnl = Schemas['Pnl'];

type CheckedRule = Schemas['RuleResult'];
/**
 * A rule as the guard reports it: from a check (a `{ zh, en }` message), or stored with a policy,
 * campaign or listing and listed in a 422 `economics_rejected` problem (`message` and `message_zh`).
 */
export type GuardRule = Pick<CheckedRule, 'id' | 'status'> & Partial<Pick<CheckedRule, 'overridable' | 'overridden' | 'numbers'>> & {
  message: string | CheckedRule['message'];
  message_zh?: string;
};

export type Policy = Schemas['Policy'];
export type PolicyBody = paths['/api/v1/economics/policies']['post']['requestBody']['content']['application/json'];

export type PlanWaterfall = Schemas['PlanWaterfall'];
export type CheckResult = Schemas['CheckResult'];

export type LeaderSweepRow = Schemas['Breakeven']['leader_sweep'][number];
export type SubsidySweepRow = Schemas['Breakeven']['subsidy_sweep'][number];
export type NodeBreakeven = Schemas['NodeBreakeven'];

export type BNode = Schemas['BNode'];
export type Supplier = Schemas['Supplier'];
export type Product = Schemas['Product'];
export type OrderWaterfall = Schemas['OrderWaterfall'];

export type FundedBy = Schemas['CampaignFunder'];
/** A subsidy campaign as `GET /campaigns` lists it. */
export type Campaign = Schemas['Campaign'];
export type CampaignBody = paths['/api/v1/campaigns']['post']['requestBody']['content']['application/json'];
