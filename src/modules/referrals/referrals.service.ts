import { sql } from 'kysely';
import type { Conn, Tx } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { platformError } from '../../platform/errors.js';
import { guardChange, richestLeaderBps, settingsOf, summary, typicalOrder } from '../economics/economics-guard.service.js';
import { planCosts } from '../economics/engine/settings.js';
import type { StoredVerdict } from '../economics/economics.schema.js';
import { getTemplate, issueCoupon } from '../coupons/coupons.service.js';
import { firstPaidSharedOrders } from '../orders/orders.fragments.js';
import { customerCards, identityKeys } from '../customers/customers.fragments.js';
import { referralError } from './referrals.errors.js';
import type { CreateReferralTaskInput } from './referrals.schema.js';

/**
 * A referral task (任务宝): "invite N friends whose first paid order came through your link → a
 * reward". The economics guard judges it as an incentive plan: a reward in money per recruit is
 * pay-per-head (rule G2, never overridable) and is refused; coupons (themselves guarded when
 * created) and points pass.
 */
export async function createTask(tx: Tx, clock: Clock, actor: Actor, input: CreateReferralTaskInput) {
  const startsAt = input.starts_at ? new Date(input.starts_at) : clock.now();
  const endsAt = new Date(input.ends_at);
  if (endsAt <= startsAt) throw platformError('validation_failed', { errors: [{ path: 'body.ends_at', message: 'must be after starts_at' }] });
  if (input.reward_kind === 'coupon') {
    if (!input.reward_template_id) throw referralError('referral_reward_template_required');
    await getTemplate(tx, actor, input.reward_template_id);
  }
  const id = newId('rft');
  const [settings, typical] = await Promise.all([settingsOf(tx, actor.tenantId), typicalOrder(tx, actor.tenantId)]);
  const guard = await guardChange(tx, actor, { kind: 'referral_task', id }, {
    name: input.name,
    product: typical,
    costs: planCosts(settings),
    incentives: {
      commission_levels_bps: [], leader_bps: await richestLeaderBps(tx, actor.tenantId, null),
      // Counted per recruit: only money makes it a head-count reward.
      recruit_reward: input.reward_kind === 'cash' ? Math.ceil(input.reward_cash! / input.invites_required) : 0,
    },
  });
  const row = {
    tenant_id: actor.tenantId, id, name: input.name, invites_required: input.invites_required,
    reward_kind: input.reward_kind as 'coupon' | 'points', reward_template_id: input.reward_kind === 'coupon' ? input.reward_template_id! : null,
    reward_points: input.reward_kind === 'points' ? input.reward_points! : null, starts_at: startsAt, ends_at: endsAt, status: 'active' as const,
    verdict: guard.verdict as StoredVerdict, guard: JSON.stringify(summary(guard)), created_by: actor.userId,
  };
  await tx.insertInto('referral_tasks').values(row).execute();
  return getTask(tx, actor, id);
}

export async function listTasks(db: Conn, actor: Actor) {
  const { rows } = await sql<TaskRow>`${taskRows(actor.tenantId)} ORDER BY t.created_at DESC`.execute(db);
  return rows.map(presentTask);
}

export async function getTask(db: Conn, actor: Actor, id: string) {
  const { rows } = await sql<TaskRow>`${taskRows(actor.tenantId)} AND t.id = ${id}`.execute(db);
  if (!rows[0]) throw referralError('referral_task_not_found');
  return presentTask(rows[0]);
}

/** Each inviter's progress in a task, most counted first: the operator's results. */
export async function taskProgress(db: Conn, actor: Actor, id: string) {
  await getTask(db, actor, id);
  const { rows } = await sql<{ inviter_id: string; inviter_name: string; counted: number; refused: number; refused_by_reason: RefusedByReason; rewards: number }>`
    SELECT i.inviter_id, c.name AS inviter_name, count(*) FILTER (WHERE i.counted)::int AS counted, count(*) FILTER (WHERE NOT i.counted)::int AS refused,
           ${refusals(sql`i`)} AS refused_by_reason,
           (SELECT count(*)::int FROM referral_rewards r WHERE r.tenant_id = i.tenant_id AND r.task_id = i.task_id AND r.inviter_id = i.inviter_id) AS rewards
      FROM referral_invites i JOIN ${customerCards(actor.tenantId)} c ON c.id = i.inviter_id
     WHERE i.tenant_id = ${actor.tenantId} AND i.task_id = ${id}
     GROUP BY i.tenant_id, i.task_id, i.inviter_id, c.name ORDER BY counted DESC, i.inviter_id LIMIT 500`.execute(db);
  return rows;
}

/** A buyer's running tasks with their invitees (names only) and rewards, and their points. */
export async function myInvitations(db: Conn, tenantId: string, customerId: string, now: Date) {
  const tasks = await db.selectFrom('referral_tasks').selectAll().where('tenant_id', '=', tenantId).where('status', '=', 'active')
    .where('starts_at', '<=', now).where('ends_at', '>', now).orderBy('created_at', 'desc').execute();
  const { rows: invites } = await sql<{ task_id: string; name: string; counted: boolean; reason: string | null; created_at: Date }>`
    SELECT i.task_id, c.name, i.counted, i.reason, i.created_at FROM referral_invites i JOIN ${customerCards(tenantId)} c ON c.id = i.invitee_id
     WHERE i.tenant_id = ${tenantId} AND i.inviter_id = ${customerId} ORDER BY i.created_at`.execute(db);
  const rewards = await db.selectFrom('referral_rewards').select(['task_id']).where('tenant_id', '=', tenantId).where('inviter_id', '=', customerId).execute();
  const balance = await db.selectFrom('points_balances').select('balance').where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).executeTakeFirst();
  return {
    tasks: tasks.map((t) => {
      const mine = invites.filter((i) => i.task_id === t.id);
      return {
        id: t.id, name: t.name, invites_required: t.invites_required, reward_kind: t.reward_kind, reward_points: t.reward_points, ends_at: t.ends_at.toISOString(),
        counted: mine.filter((i) => i.counted).length, rewards: rewards.filter((r) => r.task_id === t.id).length,
        invitees: mine.map((i) => ({ name: maskName(i.name), counted: i.counted, reason: i.reason, at: i.created_at.toISOString() })),
      };
    }),
    points: balance?.balance ?? 0,
  };
}

/** "王小明" → "王**": a buyer sees whom they brought, not their friends' full names. */
const maskName = (name: string) => (name.length <= 1 ? name : `${name[0]}${'*'.repeat(Math.min(name.length - 1, 2))}`);

/**
 * Newly paid orders count toward the running tasks: each first paid order that came through a
 * customer's share link is one invitee per task (the first inviter keeps them). It does not count
 * when the buyer is the inviter (self-invite) or the same person as the inviter or an earlier
 * invitee of that inviter — the same merged customer, or a shared phone, openid or unionid
 * (duplicate identity). Each full multiple of `invites_required` counted invitees gives one
 * reward, once (`referral_rewards` keyed by round); the inviter's count is serialised by an
 * advisory lock so two orders paid at once cannot both miss a round.
 */
export async function countPaidOrders(tx: Tx, now: Date, tenantId: string, orderIds: string[]) {
  if (orderIds.length === 0) return;
  const tasks = await tx.selectFrom('referral_tasks').select(['id', 'invites_required', 'reward_kind', 'reward_template_id', 'reward_points'])
    .where('tenant_id', '=', tenantId).where('status', '=', 'active').where('starts_at', '<=', now).where('ends_at', '>', now).execute();
  if (tasks.length === 0) return;
  const { rows: orders } = await sql<{ id: string; customer_id: string; inviter_id: string | null }>`
    SELECT o.id, o.customer_id, k.id AS inviter_id FROM ${firstPaidSharedOrders(tenantId, orderIds)} o
      LEFT JOIN ${identityKeys(tenantId)} k ON k.user_id = o.sharer_user_id ORDER BY o.id`.execute(tx);
  for (const o of orders) {
    if (!o.inviter_id) continue;
    for (const task of tasks) {
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`referral:${tenantId}:${task.id}:${o.inviter_id}`}, 0))`.execute(tx);
      const reason = o.inviter_id === o.customer_id ? 'self_invite' : (await sameAsEarlier(tx, tenantId, task.id, o.inviter_id, o.customer_id)) ? 'duplicate_identity' : null;
      const inserted = await tx.insertInto('referral_invites').values({
        tenant_id: tenantId, task_id: task.id, invitee_id: o.customer_id, inviter_id: o.inviter_id, order_id: o.id, counted: reason === null, reason, created_at: now,
      }).onConflict((oc) => oc.doNothing()).returning('counted').executeTakeFirst();
      if (inserted?.counted) await rewardDue(tx, now, tenantId, task, o.inviter_id);
    }
  }
}

/** Whether the invitee is the inviter or one of the inviter's earlier invitees, by person or by any shared proof of identity. */
async function sameAsEarlier(tx: Tx, tenantId: string, taskId: string, inviterId: string, inviteeId: string): Promise<boolean> {
  const { rows } = await sql<{ dup: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM ${identityKeys(tenantId)} me, ${identityKeys(tenantId)} other
       WHERE me.id = ${inviteeId}
         AND (other.id = ${inviterId} OR other.id IN (SELECT invitee_id FROM referral_invites WHERE tenant_id = ${tenantId} AND task_id = ${taskId} AND inviter_id = ${inviterId}))
         AND (me.person = other.person OR me.keys && other.keys)) AS dup`.execute(tx);
  return rows[0]!.dup;
}

async function rewardDue(tx: Tx, now: Date, tenantId: string, task: { id: string; invites_required: number; reward_kind: 'coupon' | 'points'; reward_template_id: string | null; reward_points: number | null }, inviterId: string) {
  const counted = await tx.selectFrom('referral_invites').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId).where('task_id', '=', task.id).where('inviter_id', '=', inviterId).where('counted', '=', true).executeTakeFirstOrThrow();
  const given = await tx.selectFrom('referral_rewards').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId).where('task_id', '=', task.id).where('inviter_id', '=', inviterId).executeTakeFirstOrThrow();
  // Rewards already given are kept when a first order is later refunded; the next comes only once the count is back past it.
  for (let round = Number(given.n) + 1; round <= Math.floor(Number(counted.n) / task.invites_required); round++) {
    const coupon = task.reward_kind === 'coupon' ? (await issueCoupon(tx, now, tenantId, task.reward_template_id!, inviterId, 'reward')).id : null;
    await tx.insertInto('referral_rewards').values({ tenant_id: tenantId, task_id: task.id, inviter_id: inviterId, round, coupon_id: coupon, points: task.reward_points, created_at: now }).execute();
    if (task.reward_kind === 'points') await addPoints(tx, now, tenantId, inviterId, task.reward_points!, 'referral_reward', `${task.id}:${round}`);
  }
}

/** A ledger row and the balance it moves, together; the (reason, ref) key makes a repeat a no-op. */
async function addPoints(tx: Tx, now: Date, tenantId: string, customerId: string, delta: number, reason: string, ref: string) {
  const row = await tx.insertInto('points_ledger').values({ tenant_id: tenantId, id: newId('pts'), customer_id: customerId, delta, reason, ref, created_at: now })
    .onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
  if (!row) return;
  await sql`INSERT INTO points_balances AS b (tenant_id, customer_id, balance) VALUES (${tenantId}, ${customerId}, ${delta})
            ON CONFLICT (tenant_id, customer_id) DO UPDATE SET balance = b.balance + ${delta}`.execute(tx);
}

/** A first order refunded in full no longer counts (its row stays, with the reason). */
export async function uncountRefunded(tx: Tx, tenantId: string, orderId: string) {
  await tx.updateTable('referral_invites').set({ counted: false, reason: 'refunded' })
    .where('tenant_id', '=', tenantId).where('order_id', '=', orderId).where('counted', '=', true).execute();
}

type RefusedByReason = { self_invite: number; duplicate_identity: number; refunded: number };
/** Invites that did not count, by reason, as one JSON object (an aggregate over `alias`'s rows). */
const refusals = (alias: ReturnType<typeof sql>) => sql`json_build_object(
  'self_invite', count(*) FILTER (WHERE NOT ${alias}.counted AND ${alias}.reason = 'self_invite'),
  'duplicate_identity', count(*) FILTER (WHERE NOT ${alias}.counted AND ${alias}.reason = 'duplicate_identity'),
  'refunded', count(*) FILTER (WHERE NOT ${alias}.counted AND ${alias}.reason = 'refunded'))`;

interface TaskRow {
  id: string; name: string; invites_required: number; reward_kind: 'coupon' | 'points'; reward_template_id: string | null; reward_points: number | null;
  starts_at: Date; ends_at: Date; status: 'active' | 'ended'; verdict: StoredVerdict; guard: unknown; invites_counted: number; invites_refused: number; refused_by_reason: RefusedByReason; rewards_given: number;
}
const taskRows = (tenantId: string) => sql`
  SELECT t.id, t.name, t.invites_required, t.reward_kind, t.reward_template_id, t.reward_points, t.starts_at, t.ends_at, t.status, t.verdict, t.guard,
         (SELECT count(*)::int FROM referral_invites i WHERE i.tenant_id = t.tenant_id AND i.task_id = t.id AND i.counted) AS invites_counted,
         (SELECT count(*)::int FROM referral_invites i WHERE i.tenant_id = t.tenant_id AND i.task_id = t.id AND NOT i.counted) AS invites_refused,
         (SELECT ${refusals(sql`i`)} FROM referral_invites i WHERE i.tenant_id = t.tenant_id AND i.task_id = t.id) AS refused_by_reason,
         (SELECT count(*)::int FROM referral_rewards r WHERE r.tenant_id = t.tenant_id AND r.task_id = t.id) AS rewards_given
    FROM referral_tasks t WHERE t.tenant_id = ${tenantId}`;

function presentTask(r: TaskRow) {
  return { ...r, starts_at: r.starts_at.toISOString(), ends_at: r.ends_at.toISOString(), guard: (typeof r.guard === 'string' ? JSON.parse(r.guard) : r.guard) as ReturnType<typeof summary> | null };
}
