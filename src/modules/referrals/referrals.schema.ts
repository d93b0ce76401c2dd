import { z } from 'zod';
import { fenAmount, id } from '../catalog/catalog.schema.js';
import { timestamp } from '../../platform/http/schemas.js';
import { guardSummarySchema, storedVerdictSchema } from '../economics/economics.schema.js';

/**
 * A task's reward: a coupon or points. `cash` is accepted as input only so the economics guard
 * can refuse it by name — a reward paid in money per recruit is pay-per-head (G2), never allowed.
 */
export const createReferralTaskBody = z.object({
  name: z.string().trim().min(1).max(128),
  invites_required: z.number().int().min(1).max(100),
  reward_kind: z.enum(['coupon', 'points', 'cash']),
  reward_template_id: id.optional(),
  reward_points: z.number().int().min(1).max(1_000_000).optional(),
  reward_cash: fenAmount.min(1).optional().describe('Only ever refused: money per recruit'),
  starts_at: z.iso.datetime({ offset: true }).optional(),
  ends_at: z.iso.datetime({ offset: true }),
}).strict()
  .refine((b) => b.reward_kind !== 'points' || b.reward_points !== undefined, { message: 'a points reward needs reward_points', path: ['reward_points'] })
  .refine((b) => b.reward_kind !== 'cash' || b.reward_cash !== undefined, { message: 'a cash reward needs reward_cash', path: ['reward_cash'] });
export type CreateReferralTaskInput = z.infer<typeof createReferralTaskBody>;

const refusedByReason = z.object({ self_invite: z.number().int(), duplicate_identity: z.number().int(), refunded: z.number().int() }).meta({ id: 'ReferralRefusals' });

export const referralTaskSchema = z.object({
  id: z.string(),
  name: z.string(),
  invites_required: z.number().int(),
  reward_kind: z.enum(['coupon', 'points']),
  reward_template_id: z.string().nullable(),
  reward_points: z.number().int().nullable(),
  starts_at: timestamp,
  ends_at: timestamp,
  status: z.enum(['active', 'ended']),
  verdict: storedVerdictSchema,
  guard: guardSummarySchema.nullable(),
  invites_counted: z.number().int(),
  invites_refused: z.number().int(),
  /** Why invitees did not count: the buyer was the inviter, the same person as the inviter or an earlier invitee, or their first order was refunded. */
  refused_by_reason: refusedByReason,
  rewards_given: z.number().int(),
}).meta({ id: 'ReferralTask' });

export const referralProgressSchema = z.object({
  inviter_id: z.string(),
  inviter_name: z.string(),
  counted: z.number().int(),
  refused: z.number().int(),
  refused_by_reason: refusedByReason,
  rewards: z.number().int(),
}).meta({ id: 'ReferralProgress' });

/** A buyer's own view of a running task: how far they are, what they got. */
export const myInvitationsSchema = z.object({
  tasks: z.array(z.object({
    id: z.string(), name: z.string(), invites_required: z.number().int(), reward_kind: z.enum(['coupon', 'points']),
    reward_points: z.number().int().nullable(), ends_at: timestamp,
    counted: z.number().int(), rewards: z.number().int(),
    invitees: z.array(z.object({ name: z.string(), counted: z.boolean(), reason: z.string().nullable(), at: timestamp })),
  })),
  points: z.number().int(),
}).meta({ id: 'MyInvitations' });
