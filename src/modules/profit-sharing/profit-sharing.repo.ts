import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import { receiverMachine, returnMachine, splitMachine, type ReceiverStatus, type ReturnStatus, type SplitStatus } from './profit-sharing.states.js';
import type { ProfitSharingOrdersTable, ProfitSharingReceiversTable, ProfitSharingReturnsTable } from './profit-sharing.tables.js';
import type { Insertable } from 'kysely';

const SPLIT_COLUMNS = ['id', 'kind', 'order_id', 'payment_id', 'transaction_id', 'out_order_no', 'receiver_id', 'b_node_id', 'amount', 'returned_amount', 'unfreeze_unsplit', 'status', 'wechat_order_id', 'error', 'created_at', 'finished_at'] as const;

export const profitSharingRepo = {
  insertReceiver: (db: Conn, row: Insertable<ProfitSharingReceiversTable>) => db.insertInto('profit_sharing_receivers').values(row).execute(),

  receiver: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('profit_sharing_receivers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),

  activeReceiverOf: (db: Conn, tenantId: string, bNodeId: string) =>
    db.selectFrom('profit_sharing_receivers').selectAll().where('tenant_id', '=', tenantId).where('b_node_id', '=', bNodeId).where('status', '=', 'active').executeTakeFirst(),

  receivers: (db: Conn, tenantId: string) =>
    db.selectFrom('profit_sharing_receivers').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').execute(),

  async transitionReceiver(db: Conn, tenantId: string, id: string, to: ReceiverStatus, error: string | null = null) {
    return (await db.updateTable('profit_sharing_receivers').set({ status: to, error, updated_at: new Date() })
      .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', 'in', receiverMachine.sourcesOf(to)).returning('id').executeTakeFirst()) !== undefined;
  },

  /** The order's one split: inserted, or the one a first request already stored (same out_order_no). */
  async insertSplitOnce(db: Conn, row: Insertable<ProfitSharingOrdersTable>) {
    const inserted = await db.insertInto('profit_sharing_orders').values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'order_id']).where('kind', '=', sql.lit('split')).doNothing()).returning('id').executeTakeFirst();
    return inserted !== undefined;
  },

  insertOrder: (db: Conn, row: Insertable<ProfitSharingOrdersTable>) => db.insertInto('profit_sharing_orders').values(row).execute(),

  split: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('profit_sharing_orders').select(SPLIT_COLUMNS).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),

  splitOfOrder: (db: Conn, tenantId: string, orderId: string, lock = false) => {
    const q = db.selectFrom('profit_sharing_orders').select(SPLIT_COLUMNS).where('tenant_id', '=', tenantId).where('order_id', '=', orderId).where('kind', '=', 'split');
    return (lock ? q.forUpdate() : q).executeTakeFirst();
  },

  ordersOf: (db: Conn, tenantId: string, orderId: string) =>
    db.selectFrom('profit_sharing_orders').select(SPLIT_COLUMNS).where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('created_at').orderBy('id').execute(),

  recent: (db: Conn, tenantId: string, limit: number) =>
    db.selectFrom('profit_sharing_orders').select(SPLIT_COLUMNS).where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute(),

  async transitionSplit(db: Conn, tenantId: string, id: string, to: SplitStatus, extra: { wechat_order_id?: string | null; result?: unknown; error?: string | null; finished_at?: Date | null } = {}) {
    const set = { status: to, ...extra, ...(extra.result !== undefined ? { result: JSON.stringify(extra.result) } : {}) };
    return (await db.updateTable('profit_sharing_orders').set(set)
      .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', 'in', splitMachine.sourcesOf(to)).returning('id').executeTakeFirst()) !== undefined;
  },

  insertReturn: (db: Conn, row: Insertable<ProfitSharingReturnsTable>) => db.insertInto('profit_sharing_returns').values(row).execute(),

  returnOf: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('profit_sharing_returns').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),

  returnsOfSplit: (db: Conn, tenantId: string, splitId: string) =>
    db.selectFrom('profit_sharing_returns').selectAll().where('tenant_id', '=', tenantId).where('split_id', '=', splitId).orderBy('created_at').orderBy('id').execute(),

  /** A return that succeeded counts against its split once, in the same statement as its status. */
  async transitionReturn(db: Conn, tenantId: string, id: string, to: ReturnStatus, extra: { wechat_return_id?: string | null; error?: string | null; finished_at?: Date | null } = {}) {
    const row = await db.updateTable('profit_sharing_returns').set({ status: to, ...extra })
      .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', 'in', returnMachine.sourcesOf(to)).returning(['split_id', 'amount']).executeTakeFirst();
    if (row && to === 'succeeded') {
      await db.updateTable('profit_sharing_orders').set((eb) => ({ returned_amount: eb('returned_amount', '+', row.amount) }))
        .where('tenant_id', '=', tenantId).where('id', '=', row.split_id).execute();
    }
    return row !== undefined;
  },
};
