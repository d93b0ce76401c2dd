import { sql } from 'kysely';
import type { BNodeKind } from './b-nodes.schema.js';

/**
 * B nodes as an assortment's targeting sees them: kind, tier, and `region_path`, the node's region
 * and every region above it (so "region R" reaches nodes anywhere under R). Read when asked, never
 * copied, so a node moved to another region is judged by where it is now. `nodeId` narrows to one
 * node. The walk up stops after 32 levels, whatever the data.
 */
export function segmentNodes(tenantId: string, nodeId?: string) {
  const one = nodeId === undefined ? sql`` : sql` AND id = ${nodeId}`;
  return sql<{ id: string; name: string; kind: BNodeKind; tier: number; region_id: string | null; region_path: string[] }>`(
    WITH RECURSIVE up(node_id, region_id, depth) AS (
      SELECT id, region_id, 1 FROM b_nodes WHERE tenant_id = ${tenantId} AND region_id IS NOT NULL${one}
      UNION ALL
      SELECT up.node_id, r.parent_id, up.depth + 1
        FROM up JOIN regions r ON r.tenant_id = ${tenantId} AND r.id = up.region_id
       WHERE r.parent_id IS NOT NULL AND up.depth < 32)
    SELECT b.id, b.name, b.kind, b.tier::int AS tier, b.region_id,
           coalesce((SELECT array_agg(up.region_id) FROM up WHERE up.node_id = b.id), '{}'::text[]) AS region_path
      FROM b_nodes b WHERE b.tenant_id = ${tenantId}${nodeId === undefined ? sql`` : sql` AND b.id = ${nodeId}`})`;
}

/** Which of these ids name a region, and which a B node, of the tenant: to refuse targeting the unknown. */
export function knownTargets(tenantId: string, regionIds: string[], nodeIds: string[]) {
  return sql<{ kind: 'region' | 'node'; id: string }>`(
    SELECT 'region' AS kind, id FROM regions WHERE tenant_id = ${tenantId} AND id = ANY(${regionIds}::text[])
    UNION ALL
    SELECT 'node', id FROM b_nodes WHERE tenant_id = ${tenantId} AND id = ANY(${nodeIds}::text[]))`;
}

/** The tenant's regions (a tree by `parent_id`), for choosing a targeting. */
export function regionRows(tenantId: string) {
  return sql<{ id: string; name: string; parent_id: string | null }>`(SELECT id, name, parent_id FROM regions WHERE tenant_id = ${tenantId})`;
}
