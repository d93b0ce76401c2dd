import type { Conn, Tx } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import { nodeScopeOf } from '../../platform/http/auth.js';
import { audit } from '../../platform/audit.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { identitiesOf } from '../customers/customer-identities.service.js';
import { maskPhone, type PhoneVault } from '../customers/customer-phones.service.js';
import { phoneOf } from '../customers/customers.service.js';
import { crmError } from './crm.errors.js';
import type { NodeScope } from './crm.fragments.js';
import * as repo from './crm.repo.js';
import type { CustomerListQuery } from './crm.schema.js';
import { CRM_JOBS, acknowledgeChurnAlert } from './crm.service.js';

/**
 * What the console shows of the CRM. Admins see every customer; a node's owner and staff see the
 * node's customers and those following one of its members (or themselves); another's answers 404.
 * Phones are stored sealed and read masked (phone_masked) for everyone: a tenant admin reveals one
 * at a time, audited, the only read here that opens the sealed phone.
 */
function scopeOf(actor: Actor): NodeScope | undefined {
  const node = nodeScopeOf(actor);
  return node ? { bNodeId: node, userId: actor.userId } : undefined;
}

const masked = <T extends { phone: string | null }>(row: T): T => ({ ...row, phone: maskPhone(row.phone) });

export async function listCustomers(db: Conn, actor: Actor, query: CustomerListQuery) {
  const { limit, offset, ...filter } = query;
  const scope = scopeOf(actor);
  // A node role filtering by another node sees nothing of it.
  const rows = await repo.customerRows(db, actor.tenantId, filter, scope, { limit: limit + 1, offset });
  return { items: rows.slice(0, limit).map(masked), next_offset: rows.length > limit ? offset + limit : null };
}

async function visibleCustomer(db: Conn, actor: Actor, customerId: string) {
  const [row] = await repo.customerRows(db, actor.tenantId, {}, scopeOf(actor), { limit: 1, offset: 0 }, [customerId]);
  if (!row) throw crmError('customer_not_found');
  return row;
}

export async function getCustomer(db: Conn, actor: Actor, customerId: string) {
  const row = await visibleCustomer(db, actor, customerId);
  const [identities, follows, groups, timeline, orders] = await Promise.all([
    identitiesOf(db, actor.tenantId, customerId), repo.followsOf(db, actor.tenantId, customerId), repo.groupsOfCustomer(db, actor.tenantId, customerId),
    repo.timelineOf(db, actor.tenantId, customerId), repo.ordersOf(db, actor.tenantId, [customerId]),
  ]);
  return {
    ...masked(row),
    identities,
    follows, groups, timeline: timeline.map((e) => ({ ...e, data: e.data as Record<string, unknown> })), recent_orders: orders,
  };
}

/** The unmasked phone, for a tenant admin, with an audit row naming who looked. */
export async function revealPhone(tx: Tx, phones: PhoneVault, actor: Actor, customerId: string) {
  await visibleCustomer(tx, actor, customerId);
  await audit(tx, actor.tenantId, 'customer.phone_revealed', 'customer', customerId, {}, actor.userId);
  return { phone: await phoneOf(tx, phones, actor.tenantId, customerId) };
}

/** Throws 404 unless the actor may see the customer: what tagging and other writes check first. */
export async function assertVisibleCustomer(db: Conn, actor: Actor, customerId: string): Promise<void> {
  await visibleCustomer(db, actor, customerId);
}

export async function listGroups(db: Conn, actor: Actor, query: { b_node_id?: string | undefined; status: 'active' | 'dismissed' }) {
  const scope = nodeScopeOf(actor);
  if (scope && query.b_node_id && query.b_node_id !== scope) return { items: [] };
  const rows = await repo.groupRows(db, actor.tenantId, scope ?? query.b_node_id, query.status);
  return { items: rows };
}

export async function getGroup(db: Conn, actor: Actor, groupId: string) {
  const [group] = await repo.groupRows(db, actor.tenantId, nodeScopeOf(actor), 'active', groupId);
  if (!group) throw crmError('group_not_found');
  const members = await repo.groupMembers(db, actor.tenantId, groupId);
  const customerIds = members.flatMap((m) => (m.customer_id ? [m.customer_id] : []));
  const names = new Map(members.map((m) => [m.customer_id, m.name ?? '']));
  const orders = (await repo.ordersOf(db, actor.tenantId, customerIds)).map((o) => ({ ...o, customer_name: names.get(o.customer_id) ?? '' }));
  return { ...group, members, orders };
}

export async function listAlerts(db: Conn, actor: Actor, open: boolean) {
  return { items: await repo.alertRows(db, actor.tenantId, nodeScopeOf(actor), open) };
}

export async function acknowledgeAlert(tx: Tx, actor: Actor, alertId: string, at: Date) {
  if (!(await acknowledgeChurnAlert(tx, actor.tenantId, alertId, actor.userId, nodeScopeOf(actor) ?? null, at))) throw crmError('alert_not_found');
  const [row] = await repo.alertRows(tx, actor.tenantId, undefined, false, alertId);
  return row!;
}

/** The first connection's full sync (members, contacts, tags, groups), run by a job; one at a time per tenant is enough. */
export async function startFullSync(tx: Tx, actor: Actor) {
  await enqueue(tx, actor.tenantId, CRM_JOBS.fullSync, {});
  await audit(tx, actor.tenantId, 'crm.sync_requested', 'tenant', actor.tenantId, {}, actor.userId);
  return { queued: true };
}
