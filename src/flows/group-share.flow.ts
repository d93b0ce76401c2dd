import type { Conn, Db } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import { formatYuan } from '../platform/money.js';
import { shopGroup } from '../modules/group-buys/group-buys.service.js';
import { createShareCode, sharePosterPng, type PosterStatus } from '../modules/sharing/sharing.service.js';

/**
 * A group's share code: the sharer's code for the group's shop, product and group, so the link
 * opens the group's page and a joiner's order records the sharer as any shared order does. Only a
 * group buyers can see (open, formed or failed; never one awaiting its opener's payment).
 */
export async function shareGroup(db: Db, actor: Actor, slug: string, groupId: string, baseUrl: string) {
  const group = await shopGroup(db, slug, groupId);
  return createShareCode(db, actor, { shop: slug, product_id: group.product_id }, baseUrl, { group_id: group.id });
}

/** Where a group stands, as its poster says it: members joined and needed, time left, a ladder's tiers. */
export function groupPosterStatus(group: Awaited<ReturnType<typeof shopGroup>>, now: Date): PosterStatus {
  const price = group.tier?.price ?? group.member_price;
  const lines = [group.tiers ? `已拼 ${group.paid} 人` : `已拼 ${group.paid}/${group.size} 人`];
  if (group.status === 'open') {
    if (group.next_tier) lines.push(`再 ${group.next_tier.members_needed} 人 ${formatYuan(group.next_tier.price, { grouped: false })}`);
    else if (!group.tiers) lines.push(`还差 ${group.size - group.paid} 人成团`);
    const minutes = Math.max(0, Math.floor(((group.expires_at ? Date.parse(group.expires_at) : now.getTime()) - now.getTime()) / 60_000));
    lines.push(`剩余 ${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分`);
  } else lines.push(group.status === 'formed' ? '已成团' : '未成团');
  if (group.tiers) lines.push(group.tiers.map((t) => `${t.size}人${formatYuan(t.price, { grouped: false })}`).join(' '));
  return { price, lines };
}

/** The poster of a group's share code, drawn with the group's state now. */
export async function groupPosterPng(db: Conn, slug: string, groupId: string, code: string, baseUrl: string, now: Date): Promise<Buffer> {
  const group = await shopGroup(db, slug, groupId);
  return sharePosterPng(db, code, baseUrl, { id: group.id, status: groupPosterStatus(group, now) });
}
