import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { platformError } from '../errors.js';

/** Every role a user can hold: the one list, from which the type and the API's enum come. */
export const roleSchema = z.enum(['platform_operator', 'supplier_operator', 'tenant_admin', 'b_owner', 'staff', 'consumer']);
export type Role = z.infer<typeof roleSchema>;

export interface Actor {
  tenantId: string;
  userId: string;
  role: Role;
  bNodeId: string | null;
  supplierId: string | null;
  /** Set for consumers: the customer record they act as. */
  customerId?: string | null;
}

declare module 'fastify' {
  interface FastifyRequest { actor: Actor | null }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** The signed-in actor, refused with 401 when absent and 403 when the role is not in `roles`. */
export function requireActor(request: FastifyRequest, roles?: readonly Role[]): Actor {
  const actor = request.actor;
  if (!actor) throw platformError('unauthenticated');
  if (roles && !roles.includes(actor.role)) throw platformError('forbidden', { role: actor.role });
  return actor;
}

/**
 * A consumer acts as their customer record (resolved with the token); other roles act as
 * themselves and get undefined. A consumer token without a customer is refused.
 */
export function customerIdOf(actor: Actor): string | undefined {
  if (actor.role !== 'consumer') return undefined;
  if (!actor.customerId) throw platformError('forbidden');
  return actor.customerId;
}

export const STAFF_ROLES = ['platform_operator', 'tenant_admin', 'b_owner', 'staff'] as const satisfies readonly Role[];
export const ADMIN_ROLES = ['platform_operator', 'tenant_admin'] as const satisfies readonly Role[];

/**
 * What each role may do: the one table the routes check and the console reads (through /auth/me)
 * to decide which screens and buttons to show. A route refuses a role outside its entry with 403.
 */
export const PERMISSIONS = {
  /** Orders, their customers and phone numbers — of the actor's own B node for node roles. */
  'orders.read': [...STAFF_ROLES],
  /** Ship to the pickup point, verify the pickup code the buyer shows. */
  'orders.fulfil': [...STAFF_ROLES],
  'orders.refund': [...ADMIN_ROLES, 'b_owner'],
  /** Approve or reject buyers' refund requests (of the actor's own node for node roles), act on failed refunds. */
  'after_sales.decide': [...ADMIN_ROLES, 'b_owner', 'staff'],
  'after_sales.settings.write': [...ADMIN_ROLES],
  /** Every B node of the tenant, and the pickers that choose among them. */
  'b_nodes.all': [...ADMIN_ROLES],
  'b_nodes.manage': [...ADMIN_ROLES],
  /** Regions, read to place nodes and to target assortments by region. */
  'hierarchy.read': [...ADMIN_ROLES, 'supplier_operator'],
  /** Regions and each node's place under them (store, tier). */
  'hierarchy.manage': [...ADMIN_ROLES],
  /** A node's pickup point: address, coordinates, hours (of its own node for an owner). */
  'pickup_point.write': [...ADMIN_ROLES, 'b_owner'],
  'listings.read': [...STAFF_ROLES],
  'listings.write': [...ADMIN_ROLES, 'b_owner'],
  /** P&L, break-even, order waterfalls: they carry supply costs, so not for staff. */
  'economics.read': [...ADMIN_ROLES, 'b_owner'],
  /** The guard's calculator over numbers the caller types in; reads no tenant data. */
  'economics.check': [...STAFF_ROLES, 'supplier_operator'],
  'economics.simulate': [...ADMIN_ROLES],
  'economics.settings.write': [...ADMIN_ROLES],
  'policies.read': [...ADMIN_ROLES, 'b_owner'],
  'policies.write': [...ADMIN_ROLES],
  'campaigns.read': [...ADMIN_ROLES, 'b_owner'],
  'campaigns.write': [...ADMIN_ROLES],
  /** Share codes, links and posters of the actor's node (consumers share the shop they are in). */
  'sharing.create': [...STAFF_ROLES],
  /** The attribution window of share codes. */
  'sharing.settings.write': [...ADMIN_ROLES],
  /** WeChat subscribe messages: the templates and the list of what was sent, failed or skipped. */
  'subscribe_messages.read': [...ADMIN_ROLES],
  'subscribe_messages.write': [...ADMIN_ROLES],
  /** Supply prices and costs (of the supplier's own products for a supplier). */
  'supply_cost.read': [...ADMIN_ROLES, 'b_owner', 'supplier_operator'],
  'catalog.read': [...STAFF_ROLES, 'supplier_operator'],
  'catalog.write': [...ADMIN_ROLES, 'supplier_operator'],
  /** Catalog and stock files: import, export, templates (a supplier's own rows only). */
  'catalog.import': [...ADMIN_ROLES, 'supplier_operator'],
  /** Warehouse stock; node roles read their shop's through its listings. */
  'stock.read': [...ADMIN_ROLES, 'supplier_operator'],
  'stock.write': [...ADMIN_ROLES, 'supplier_operator'],
  /**
   * Assortments (货盘): a supplier operator publishes and changes its own supplier's; admins any.
   * B owners see only the offers aimed at their node, through listings.write.
   */
  'assortments.read': [...ADMIN_ROLES, 'supplier_operator'],
  'assortments.write': [...ADMIN_ROLES, 'supplier_operator'],
  /** The supplier portal's own screens (its stock): a supplier's operators only. */
  'supplier.portal': ['supplier_operator'],
  'jobs.manage': [...ADMIN_ROLES],
  /** WeCom customers, their timelines, groups and churn alerts — of the actor's node (or following them) for node roles. */
  'customers.read': [...STAFF_ROLES],
  /** Tag a customer the actor sees (marked in WeCom on each member who follows them). */
  'customers.tag': [...STAFF_ROLES],
  /** A customer's unmasked phone, one at a time, audited. */
  'customers.phone.reveal': [...ADMIN_ROLES],
  /** Tag groups and tags, kept in step with WeCom's corp tags; the full WeCom sync. */
  'customers.manage': [...ADMIN_ROLES],
  /** The message outbox and the tenant's SMS provider settings. */
  'messages.manage': [...ADMIN_ROLES],
  'tenant.manage': [...ADMIN_ROLES],
  /** Daily bill reconciliation reports (every payment of the tenant) and running one. */
  'reconciliation.read': [...ADMIN_ROLES],
  /** WeChat Pay profit-sharing receivers, commission splits and their returns. */
  'profit_sharing.manage': [...ADMIN_ROLES],
  /** Sales windows and their cutoffs (demand aggregated into purchase orders and pick lists). */
  'sales_windows.manage': [...ADMIN_ROLES],
  /** Purchase orders: all of the tenant's, or a supplier's own; confirming the quantities to ship. */
  'purchase_orders.read': [...ADMIN_ROLES, 'supplier_operator'],
  'purchase_orders.confirm': [...ADMIN_ROLES, 'supplier_operator'],
  /** Pick lists per pickup point: of the actor's own node for node roles. */
  'pick_lists.read': [...STAFF_ROLES],
  /** An order's supplier sub-orders (they carry supply costs, so not for staff). */
  'sub_orders.read': [...ADMIN_ROLES, 'b_owner'],
  /** Live codes, mass messages and their results, handovers: of the actor's own node for node roles (staff read only). */
  'reach.read': [...STAFF_ROLES],
  'reach.manage': [...ADMIN_ROLES, 'b_owner'],
  /** The tenant's mass-message cap (per month, week or day). */
  'reach.settings': [...ADMIN_ROLES],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

/** The roles holding a permission, for `requireActor`. */
export const rolesFor = (permission: Permission): readonly Role[] => PERMISSIONS[permission];

/** The signed-in actor, refused with 401 when absent and 403 without the permission. */
export const requirePermission = (request: FastifyRequest, permission: Permission): Actor => requireActor(request, rolesFor(permission));

export const can = (role: Role, permission: Permission): boolean => (PERMISSIONS[permission] as readonly Role[]).includes(role);

/** Every permission a role holds, in the table's order. */
export const permissionsOf = (role: Role): Permission[] => (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));

/** Roles bound to one B node: they see and act on that node's data alone. */
export const NODE_ROLES = ['b_owner', 'staff'] as const satisfies readonly Role[];
export const isNodeRole = (role: Role): role is (typeof NODE_ROLES)[number] => (NODE_ROLES as readonly Role[]).includes(role);

/**
 * The B node an actor is confined to, or undefined when it sees every node. A node role without a
 * node is refused (`no_b_node`): it must never fall through to the whole tenant.
 */
export function nodeScopeOf(actor: Actor): string | undefined {
  if (!isNodeRole(actor.role)) return undefined;
  if (!actor.bNodeId) throw platformError('no_b_node');
  return actor.bNodeId;
}

/** Whether the actor may see a row of this B node; callers answer 404 when not, so ids cannot be probed. */
export function seesNode(actor: Actor, bNodeId: string | null): boolean {
  const scope = nodeScopeOf(actor);
  return scope === undefined || scope === bNodeId;
}

/** The supplier a supplier operator is confined to, or undefined for roles that are not a supplier's. */
export function supplierScopeOf(actor: Actor): string | undefined {
  if (actor.role !== 'supplier_operator') return undefined;
  if (!actor.supplierId) throw platformError('no_supplier');
  return actor.supplierId;
}
