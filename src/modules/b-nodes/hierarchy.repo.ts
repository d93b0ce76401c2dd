import type { Conn } from '../../database.js';

export const hierarchyRepo = {
  regions: (db: Conn, tenantId: string) =>
    db.selectFrom('regions').select(['id', 'parent_id', 'name', 'created_at']).where('tenant_id', '=', tenantId).orderBy('name').orderBy('id').execute(),
  region: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('regions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
  /** Whether `candidate` is `regionId` itself or lies below it: moving `regionId` under it would close a loop. */
  async isSelfOrBelow(db: Conn, tenantId: string, regionId: string, candidate: string) {
    const row = await db.withRecursive('below(id)', (qb) => qb.selectFrom('regions').select('id').where('tenant_id', '=', tenantId).where('id', '=', regionId)
      .unionAll((u) => u.selectFrom('regions as r').innerJoin('below as b', 'b.id', 'r.parent_id').select('r.id').where('r.tenant_id', '=', tenantId)))
      .selectFrom('below').select('id').where('id', '=', candidate).executeTakeFirst();
    return row !== undefined;
  },
  async regionInUse(db: Conn, tenantId: string, id: string) {
    const child = await db.selectFrom('regions').select('id').where('tenant_id', '=', tenantId).where('parent_id', '=', id).limit(1).executeTakeFirst();
    if (child) return true;
    const node = await db.selectFrom('b_nodes').select('id').where('tenant_id', '=', tenantId).where('region_id', '=', id).limit(1).executeTakeFirst();
    return node !== undefined;
  },
  nodes: (db: Conn, tenantId: string) =>
    db.selectFrom('b_nodes').select(['id', 'kind', 'name', 'slug', 'region_id', 'parent_id', 'tier', 'pickup_address', 'pickup_lat', 'pickup_lng'])
      .where('tenant_id', '=', tenantId).orderBy('name').orderBy('id').execute(),
  hasMembers: async (db: Conn, tenantId: string, id: string) =>
    (await db.selectFrom('b_nodes').select('id').where('tenant_id', '=', tenantId).where('parent_id', '=', id).limit(1).executeTakeFirst()) !== undefined,
};
