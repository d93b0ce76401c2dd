import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import type { ShareChannel } from './sharing.tables.js';

const CARD = ['tenant_id', 'code', 'sharer_user_id', 'sharer_name', 'b_node_id', 'product_id', 'campaign_id', 'group_id', 'created_at'] as const;

export const sharingRepo = {
  /** Inserts a code unless the same target already has one (or, vanishingly rarely, the code is taken); then reads the target's code. */
  async upsertCode(db: Conn, row: { tenant_id: string; code: string; sharer_user_id: string; sharer_name: string; b_node_id: string; product_id: string | null; campaign_id: string | null; group_id?: string | null }) {
    await db.insertInto('share_codes').values(row).onConflict((oc) => oc.doNothing()).execute();
    return db.selectFrom('share_codes').select(CARD)
      .where('tenant_id', '=', row.tenant_id).where('sharer_user_id', '=', row.sharer_user_id).where('b_node_id', '=', row.b_node_id)
      .where(sql<boolean>`coalesce(product_id, '') = ${row.product_id ?? ''} AND coalesce(campaign_id, '') = ${row.campaign_id ?? ''}
        AND coalesce(group_id, '') = ${row.group_id ?? ''}`)
      .executeTakeFirst();
  },

  /** A code by itself: short links and scenes name no tenant. */
  byCode: (db: Conn, code: string) => db.selectFrom('share_codes').select(CARD).where('code', '=', code).executeTakeFirst(),

  inTenant: (db: Conn, tenantId: string, code: string) =>
    db.selectFrom('share_codes').select(CARD).where('tenant_id', '=', tenantId).where('code', '=', code).executeTakeFirst(),

  wxacode: async (db: Conn, tenantId: string, code: string) =>
    (await db.selectFrom('share_codes').select('wxacode_png').where('tenant_id', '=', tenantId).where('code', '=', code).executeTakeFirst())?.wxacode_png ?? null,

  /** Stores the generated mini-program code once; a concurrent generation's copy is kept instead. */
  async storeWxacode(db: Conn, tenantId: string, code: string, png: Buffer): Promise<Buffer> {
    const row = await db.updateTable('share_codes').set({ wxacode_png: png })
      .where('tenant_id', '=', tenantId).where('code', '=', code).where('wxacode_png', 'is', null).returning('wxacode_png').executeTakeFirst();
    return row?.wxacode_png ?? (await sharingRepo.wxacode(db, tenantId, code)) ?? png;
  },

  insertVisit: (db: Conn, v: { tenant_id: string; id: string; code: string; channel: ShareChannel; customer_id: string | null; self_share: boolean; visited_at: Date }) =>
    db.insertInto('share_visits').values({ ...v, claimed_at: v.customer_id ? v.visited_at : null }).execute(),

  /** Claims an anonymous visit of this code for a customer, once; false when it is not there to claim. */
  async claimVisit(db: Conn, tenantId: string, visitId: string, code: string, customerId: string, selfShare: boolean, at: Date): Promise<boolean> {
    const row = await db.updateTable('share_visits').set({ customer_id: customerId, self_share: selfShare, claimed_at: at })
      .where('tenant_id', '=', tenantId).where('id', '=', visitId).where('code', '=', code).where('customer_id', 'is', null)
      .returning('id').executeTakeFirst();
    return Boolean(row);
  },

  attributionDays: async (db: Conn, tenantId: string) =>
    (await db.selectFrom('share_settings').select('attribution_days').where('tenant_id', '=', tenantId).executeTakeFirst())?.attribution_days ?? DEFAULT_ATTRIBUTION_DAYS,

  putAttributionDays: (db: Conn, tenantId: string, days: number) =>
    db.insertInto('share_settings').values({ tenant_id: tenantId, attribution_days: days })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ attribution_days: days, updated_at: new Date() })).execute(),

  /** Sharer names of the given codes, to show on orders. */
  cards: (db: Conn, tenantId: string, codes: string[]) =>
    codes.length ? db.selectFrom('share_codes').select(CARD).where('tenant_id', '=', tenantId).where('code', 'in', codes).execute() : Promise.resolve([]),
};

export const DEFAULT_ATTRIBUTION_DAYS = 7;
