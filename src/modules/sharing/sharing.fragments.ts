import { sql } from 'kysely';
import { DEFAULT_ATTRIBUTION_DAYS } from './sharing.repo.js';

/**
 * The buyer's last visit through a share code within the tenant's attribution window (default
 * 7 days), their own codes excluded: at most one row of the code, its sharer and its B node. Checkout
 * joins it laterally into its one read, so attribution costs no statement of its own.
 */
export function lastAttributableVisit(tenantId: string, customerId: string, now: Date) {
  return sql<{ share_code: string; sharer_user_id: string; sharer_b_node_id: string }>`(
    SELECT v.code AS share_code, c.sharer_user_id, c.b_node_id AS sharer_b_node_id
      FROM share_visits v
      JOIN share_codes c ON c.tenant_id = v.tenant_id AND c.code = v.code
     WHERE v.tenant_id = ${tenantId} AND v.customer_id = ${customerId} AND NOT v.self_share
       AND v.visited_at <= ${now}
       AND v.visited_at > ${now}::timestamptz - make_interval(days => coalesce(
             (SELECT s.attribution_days FROM share_settings s WHERE s.tenant_id = ${tenantId}), ${DEFAULT_ATTRIBUTION_DAYS}))
     ORDER BY v.visited_at DESC, v.id DESC
     LIMIT 1)`;
}
