import { platformView, type Conn } from './db/database.js';

/**
 * Writes one audit row in the caller's transaction, so the record exists if and only if the change
 * it describes committed. Every module and flow that audits goes through here.
 */
export async function audit(
  tx: Conn<any>, tenantId: string, action: string, entity: string, entityId: string, details: Record<string, unknown>, actor: string | null = null,
): Promise<void> {
  await platformView(tx).insertInto('audit_log')
    .values({ tenant_id: tenantId, actor, action, entity, entity_id: entityId, details: JSON.stringify(details) }).execute();
}
