import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import { nodeScopeOf, type Actor } from '../../platform/http/auth.js';
import { activeWecomMembers, groupsOfNode, wecomMembersWithLeft } from '../crm/crm.fragments.js';
import { nodeFacts } from '../b-nodes/b-nodes.fragments.js';

/**
 * What the reach screens offer to pick instead of typed ids: the WeCom members (active only) and
 * the stores (B nodes) the actor may act for. A node role sees its own node and its members alone —
 * another node's never listed, whatever it asks for.
 */
const like = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

export interface PickerQuery { q?: string | undefined; b_node_id?: string | undefined; owner_userid?: string | undefined; include_left?: boolean | undefined; limit: number }

export async function pickMembers(db: Conn, actor: Actor, query: PickerQuery) {
  const t = actor.tenantId;
  const node = nodeScopeOf(actor) ?? query.b_node_id;
  // Those who left are offered only when asked for: a handover starts from them.
  const members = query.include_left ? wecomMembersWithLeft(t) : sql`(SELECT *, 'active' AS status FROM ${activeWecomMembers(t)} a)`;
  const { rows } = await sql<{ userid: string; name: string; b_node_id: string | null; b_node_name: string | null; status: 'active' | 'left' }>`
    SELECT m.userid, m.name, m.b_node_id, n.name AS b_node_name, m.status
      FROM ${members} m LEFT JOIN ${nodeFacts(t)} n ON n.id = m.b_node_id
     WHERE ${node ? sql`m.b_node_id = ${node}` : sql`TRUE`}
       ${query.q ? sql`AND (m.name ILIKE ${like(query.q)} OR m.userid ILIKE ${like(query.q)})` : sql``}
     ORDER BY m.status, m.name, m.userid LIMIT ${query.limit}`.execute(db);
  return rows;
}

export async function pickStores(db: Conn, actor: Actor, query: Omit<PickerQuery, 'b_node_id'>) {
  const node = nodeScopeOf(actor);
  const { rows } = await sql<{ id: string; name: string }>`
    SELECT n.id, n.name FROM ${nodeFacts(actor.tenantId)} n
     WHERE ${node ? sql`n.id = ${node}` : sql`TRUE`}
       ${query.q ? sql`AND (n.name ILIKE ${like(query.q)} OR n.id = ${query.q})` : sql``}
     ORDER BY n.name, n.id LIMIT ${query.limit}`.execute(db);
  return rows;
}

/** Active customer groups by name or chat id, optionally of one owner; a node role's own node's only. */
export async function pickGroups(db: Conn, actor: Actor, query: PickerQuery) {
  const t = actor.tenantId;
  const node = nodeScopeOf(actor) ?? query.b_node_id ?? null;
  const { rows } = await sql<{ id: string; chat_id: string; name: string; owner_userid: string | null; owner_name: string | null; b_node_id: string | null; member_count: number }>`
    SELECT g.id, g.chat_id, g.name, g.owner_userid, m.name AS owner_name, g.b_node_id, g.member_count
      FROM ${groupsOfNode(t, node)} g LEFT JOIN ${activeWecomMembers(t)} m ON m.userid = g.owner_userid
     WHERE TRUE
       ${query.owner_userid ? sql`AND g.owner_userid = ${query.owner_userid}` : sql``}
       ${query.q ? sql`AND (g.name ILIKE ${like(query.q)} OR g.chat_id = ${query.q})` : sql``}
     ORDER BY g.name, g.id LIMIT ${query.limit}`.execute(db);
  return rows;
}
