import { sql } from 'kysely';

/** Each supplier's name, to join by `id` (the catalog owns suppliers). */
export function supplierNames(tenantId: string) {
  return sql<{ id: string; name: string }>`(SELECT id, name FROM suppliers WHERE tenant_id = ${tenantId})`;
}
