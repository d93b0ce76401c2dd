import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import { orderCards } from '../orders/orders.fragments.js';
import { nodeFacts } from '../b-nodes/b-nodes.fragments.js';
import { customerCards } from '../customers/customers.fragments.js';
import { afterSalesMachine, type AfterSalesStatus } from './after-sales.states.js';

export interface RequestFilter {
  status?: AfterSalesStatus | undefined; bNodeId?: string | undefined; customerId?: string | undefined; orderId?: string | undefined;
  limit: number; before?: { created_at: Date; id: string } | undefined; id?: string | undefined;
}

export const afterSalesRepo = {
  settings: (db: Conn, tenantId: string) =>
    db.selectFrom('after_sales_settings').select(['auto_approve_before_ready', 'return_window_days']).where('tenant_id', '=', tenantId).executeTakeFirst(),

  upsertSettings: (db: Conn, tenantId: string, set: { auto_approve_before_ready?: boolean; return_window_days?: number }) =>
    db.insertInto('after_sales_settings').values({ tenant_id: tenantId, ...set })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...set, updated_at: sql`now()` })).execute(),

  insertRequest: (db: Conn, row: { tenant_id: string; id: string; order_id: string; b_node_id: string; customer_id: string; status: AfterSalesStatus; lines: string; amount: number; reason: string; requested_by: string }) =>
    db.insertInto('after_sales_requests').values(row).execute(),

  lockRequest: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('after_sales_requests').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst(),

  /** Quantities per line still waiting for a decision on an order, so open requests never ask for more than is left. */
  openQuantities: async (db: Conn, tenantId: string, orderId: string) => {
    const { rows } = await sql<{ line_no: number; quantity: number }>`
      SELECT (l->>'line_no')::int AS line_no, sum((l->>'quantity')::int)::int AS quantity
        FROM after_sales_requests r, jsonb_array_elements(r.lines) l
       WHERE r.tenant_id = ${tenantId} AND r.order_id = ${orderId} AND r.status = 'requested'
       GROUP BY 1`.execute(db);
    return new Map(rows.map((r) => [r.line_no, r.quantity]));
  },

  /** Conditional on the transition table, like every status change. */
  async transition(db: Conn, tenantId: string, id: string, to: AfterSalesStatus, set: Partial<{ decision_note: string; decided_by: string | null; decided_at: Date; closed_at: Date | null; refund_id: string; auto_approved: boolean }> = {}) {
    const row = await db.updateTable('after_sales_requests').set({ status: to, ...set })
      .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', 'in', afterSalesMachine.sourcesOf(to))
      .returning('id').executeTakeFirst();
    return row !== undefined;
  },

  linkRefund: (db: Conn, tenantId: string, id: string, refundId: string) =>
    db.updateTable('after_sales_requests').set({ refund_id: refundId }).where('tenant_id', '=', tenantId).where('id', '=', id).execute(),

  requestOfRefund: (db: Conn, tenantId: string, refundId: string) =>
    db.selectFrom('after_sales_requests').select(['id', 'status']).where('tenant_id', '=', tenantId).where('refund_id', '=', refundId).forUpdate().executeTakeFirst(),

  list(db: Conn, tenantId: string, f: RequestFilter) {
    let q = db.selectFrom('after_sales_requests as r')
      .innerJoin(orderCards(tenantId).as('o'), (j) => j.onRef('o.id', '=', 'r.order_id'))
      .innerJoin(nodeFacts(tenantId).as('b'), (j) => j.onRef('b.id', '=', 'r.b_node_id'))
      .innerJoin(customerCards(tenantId).as('c'), (j) => j.onRef('c.id', '=', 'r.customer_id'))
      .select(['r.id', 'r.order_id', 'o.number as order_number', 'o.status as order_status', 'r.b_node_id', 'b.name as b_node_name',
        'r.customer_id', 'c.name as customer_name', 'r.status', 'r.lines', 'r.amount', 'r.reason', 'r.decision_note', 'r.auto_approved',
        'r.refund_id', 'r.created_at', 'r.decided_at', 'r.closed_at'])
      .where('r.tenant_id', '=', tenantId);
    if (f.id) q = q.where('r.id', '=', f.id);
    if (f.status) q = q.where('r.status', '=', f.status);
    if (f.bNodeId) q = q.where('r.b_node_id', '=', f.bNodeId);
    if (f.customerId) q = q.where('r.customer_id', '=', f.customerId);
    if (f.orderId) q = q.where('r.order_id', '=', f.orderId);
    if (f.before) {
      const b = f.before;
      q = q.where((eb) => eb.or([eb('r.created_at', '<', b.created_at), eb.and([eb('r.created_at', '=', b.created_at), eb('r.id', '<', b.id)])]));
    }
    return q.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(f.limit).execute();
  },

  insertAction: (db: Conn, row: { tenant_id: string; id: string; kind: 'refund_failed' | 'refund_abnormal'; order_id: string; b_node_id: string; refund_id: string; request_id: string | null; amount: number; details: string }) =>
    db.insertInto('after_sales_actions').values(row).onConflict((oc) => oc.columns(['tenant_id', 'refund_id']).doNothing()).execute(),

  actions(db: Conn, tenantId: string, f: { bNodeId?: string | undefined; open: boolean; id?: string | undefined }) {
    let q = db.selectFrom('after_sales_actions as a')
      .innerJoin(orderCards(tenantId).as('o'), (j) => j.onRef('o.id', '=', 'a.order_id'))
      .innerJoin(nodeFacts(tenantId).as('b'), (j) => j.onRef('b.id', '=', 'a.b_node_id'))
      .select(['a.id', 'a.kind', 'a.order_id', 'o.number as order_number', 'a.b_node_id', 'b.name as b_node_name', 'a.refund_id', 'a.request_id',
        'a.amount', 'a.details', 'a.created_at', 'a.resolved_at', 'a.resolution'])
      .where('a.tenant_id', '=', tenantId);
    if (f.id) q = q.where('a.id', '=', f.id);
    if (f.open) q = q.where('a.resolved_at', 'is', null);
    if (f.bNodeId) q = q.where('a.b_node_id', '=', f.bNodeId);
    return q.orderBy('a.created_at', 'desc').limit(200).execute();
  },

  resolveAction: (db: Conn, tenantId: string, where: { id?: string; requestId?: string }, by: string | null, note: string, at: Date) => {
    let q = db.updateTable('after_sales_actions').set({ resolved_at: at, resolved_by: by, resolution: note })
      .where('tenant_id', '=', tenantId).where('resolved_at', 'is', null);
    if (where.id) q = q.where('id', '=', where.id);
    if (where.requestId) q = q.where('request_id', '=', where.requestId);
    return q.returning('id').execute();
  },
};
