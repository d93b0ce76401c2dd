import { randomInt } from 'node:crypto';
import type { Conn, Db } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { nodeScopeOf, type Actor } from '../../platform/http/auth.js';
import { getBNode, resolveShop, shopCard, shopProduct } from '../b-nodes/b-nodes.service.js';
import { getCampaign } from '../campaigns/campaigns.service.js';
import { me } from '../identity/identity.service.js';
import { sharingError } from './sharing.errors.js';
import { sharingRepo } from './sharing.repo.js';
import { SCENE, SHARE_CODE, type CreateShareCodeInput } from './sharing.schema.js';
import { posterPng, qrPng, type PosterStatus } from './sharing.images.js';

export type { PosterStatus };
import { WxaCodeError, type WxaCodeProvider } from './sharing.provider.js';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const BASE62 = `0123456789${UPPER}abcdefghijklmnopqrstuvwxyz`;

/** A fresh code: an upper-case letter and 15 base-62 characters from the CSPRNG (≈ 94 bits: not enumerable). */
export function newShareCode(): string {
  let code = UPPER[randomInt(UPPER.length)]!;
  for (let i = 0; i < 15; i++) code += BASE62[randomInt(BASE62.length)]!;
  return code;
}

type CodeCard = NonNullable<Awaited<ReturnType<typeof sharingRepo.byCode>>>;

/** The page of the shop a code opens: a group's when it names one, else the product's when it names one. */
function shopPath(slug: string, productId: string | null, groupId: string | null = null): string {
  if (groupId) return `/s/${slug}/groups/${encodeURIComponent(groupId)}`;
  return productId ? `/s/${slug}/p/${encodeURIComponent(productId)}` : `/s/${slug}`;
}

function present(card: CodeCard, shop: string, baseUrl: string) {
  const api = `${baseUrl}/api/v1/share-codes/${card.code}`;
  return {
    code: card.code, sharer_name: card.sharer_name, b_node_id: card.b_node_id, shop, product_id: card.product_id, campaign_id: card.campaign_id,
    group_id: card.group_id ?? null,
    link: `${baseUrl}/s/${card.code}`, qr_url: `${api}/qr.png`, wxacode_url: `${api}/wxacode.png`,
    // A group's poster shows the group's state, so its group-buy page draws it.
    poster_url: card.group_id ? `${baseUrl}/api/v1/shops/${shop}/groups/${card.group_id}/poster.png?code=${card.code}` : `${api}/poster.png`,
    created_at: card.created_at,
  };
}

/**
 * The actor's code for a node (and product or campaign): staff and owners share their own node,
 * admins name one, consumers share the shop they are in. The same target always gets the same code.
 */
export async function createShareCode(db: Db, actor: Actor, input: CreateShareCodeInput, baseUrl: string, target: { group_id?: string } = {}) {
  const node = await targetNode(db, actor, input);
  if (input.product_id) await shopProduct(db, node.slug, input.product_id); // listed in this shop, or 404
  if (input.campaign_id) {
    const campaign = await getCampaign(db, actor.tenantId, input.campaign_id);
    if (campaign.b_node_id !== null && campaign.b_node_id !== node.id) throw sharingError('share_target_required');
  }
  const sharer = await me(db, actor);
  for (let attempt = 0; attempt < 3; attempt++) {
    const card = await sharingRepo.upsertCode(db, {
      tenant_id: actor.tenantId, code: newShareCode(), sharer_user_id: actor.userId, sharer_name: sharer.display_name,
      b_node_id: node.id, product_id: input.product_id ?? null, campaign_id: input.campaign_id ?? null, group_id: target.group_id ?? null,
    });
    if (card) return present(card, node.slug, baseUrl);
  }
  throw new Error('could not draw an unused share code');
}

async function targetNode(db: Db, actor: Actor, input: CreateShareCodeInput) {
  if (actor.role === 'consumer') {
    if (!input.shop) throw sharingError('share_target_required');
    const shop = await resolveShop(db, input.shop);
    if (shop.tenant_id !== actor.tenantId) throw sharingError('share_target_required');
    return shop;
  }
  const scope = nodeScopeOf(actor);
  if (input.shop) {
    const shop = await resolveShop(db, input.shop);
    if (shop.tenant_id !== actor.tenantId) throw sharingError('share_target_required');
    return getBNode(db, actor, shop.id);
  }
  const id = input.b_node_id ?? scope;
  if (!id) throw sharingError('share_target_required');
  return getBNode(db, actor, id);
}

/** A code of the actor's tenant (codes are made to be passed around: anyone of the tenant may read one). */
export async function getShareCode(db: Conn, actor: Actor, code: string, baseUrl: string) {
  const card = await sharingRepo.inTenant(db, actor.tenantId, code);
  if (!card) throw sharingError('share_code_not_found');
  const node = await shopCard(db, actor.tenantId, card.b_node_id);
  if (!node) throw sharingError('share_code_not_found');
  return present(card, node.slug, baseUrl);
}

const UNRESOLVED = { resolved: false, code: null, tenant_slug: null, shop: null, b_node_id: null, product_id: null, campaign_id: null, sharer_name: null, path: '/' } as const;

/**
 * What a scene (or short link's code) stands for. Anything that resolves to nothing — malformed,
 * unknown, its shop gone — answers "not resolved" and the home page, never an error: the buyer
 * still gets a shop, just without attribution.
 */
export async function resolveScene(db: Conn, scene: string) {
  if (!SCENE.test(scene) || !SHARE_CODE.test(scene)) return UNRESOLVED;
  const card = await sharingRepo.byCode(db, scene);
  if (!card) return UNRESOLVED;
  const node = await shopCard(db, card.tenant_id, card.b_node_id);
  if (!node) return UNRESOLVED;
  return {
    resolved: true, code: card.code, tenant_slug: null, shop: node.slug, b_node_id: node.id, product_id: card.product_id, campaign_id: card.campaign_id,
    sharer_name: card.sharer_name, path: shopPath(node.slug, card.product_id, card.group_id), tenant_id: card.tenant_id, sharer_user_id: card.sharer_user_id,
  };
}

/**
 * Records an arrival through a code. Anonymous (a short link opened before sign-in): a visit to be
 * claimed later. A signed-in consumer of the code's tenant: their visit — the short link's one when
 * `visitId` names it and nobody claimed it yet, else a new one — attributable unless the code is
 * their own. A scene that resolves to nothing records nothing.
 */
export async function recordVisit(db: Conn, clock: Clock, actor: Actor | null, input: { scene: string; channel: 'link' | 'mini_program' | 'shop'; visitId?: string | undefined }) {
  const target = await resolveScene(db, input.scene);
  if (!target.resolved) return { visit_id: null, attributed: false };
  const now = clock.now();
  const customerId = actor?.role === 'consumer' && actor.tenantId === target.tenant_id ? actor.customerId ?? null : null;
  const selfShare = customerId !== null && actor!.userId === target.sharer_user_id;
  if (customerId && input.visitId && (await sharingRepo.claimVisit(db, target.tenant_id, input.visitId, target.code, customerId, selfShare, now))) {
    return { visit_id: input.visitId, attributed: !selfShare };
  }
  const id = newId('vis');
  await sharingRepo.insertVisit(db, { tenant_id: target.tenant_id, id, code: target.code, channel: input.channel, customer_id: customerId, self_share: selfShare, visited_at: now });
  return { visit_id: id, attributed: customerId !== null && !selfShare };
}

/** The short link: records an anonymous visit and says where to send the browser (with the code and visit for the shop to claim). */
export async function followShortLink(db: Conn, clock: Clock, code: string): Promise<string> {
  const target = await resolveScene(db, code);
  if (!target.resolved) return '/';
  const visit = await recordVisit(db, clock, null, { scene: code, channel: 'link' });
  return `${target.path}?share=${encodeURIComponent(target.code)}&visit=${encodeURIComponent(visit.visit_id!)}`;
}

/** A QR code of the short link (public: it carries only the link). */
export async function shareQrPng(db: Conn, code: string, baseUrl: string): Promise<Buffer> {
  const card = await sharingRepo.byCode(db, code);
  if (!card) throw sharingError('share_code_not_found');
  return qrPng(`${baseUrl}/s/${card.code}`);
}

/**
 * The poster of a code: its product (name, price in this shop) or its shop, the sharer and the link's
 * QR code. A group's code is drawn only with its group's status (`group`, from the caller that read
 * it), and only for that group.
 */
export async function sharePosterPng(db: Conn, code: string, baseUrl: string, group?: { id: string; status: PosterStatus }): Promise<Buffer> {
  const card = await sharingRepo.byCode(db, code);
  if (!card || (card.group_id ?? null) !== (group?.id ?? null)) throw sharingError('share_code_not_found');
  const target = await resolveScene(db, card.code);
  if (!target.resolved) throw sharingError('share_code_not_found');
  const product = card.product_id ? await shopProduct(db, target.shop, card.product_id).then((p) => p.product).catch(() => null) : null;
  const shop = await resolveShop(db, target.shop);
  return posterPng({
    shopName: shop.name, sharerName: card.sharer_name,
    product: product ? { title: product.title, price: group?.status.price ?? product.min_price, category: product.category } : null,
    link: `${baseUrl}/s/${card.code}`, ...(group ? { status: group.status } : {}),
  });
}

/**
 * The mini-program code of a share code: drawn by WeChat once (outside any transaction), then
 * served from the database. Its `scene` is the code itself; the page is the shop's entry.
 */
export async function shareWxacodePng(db: Db, actor: Actor, provider: WxaCodeProvider | undefined, code: string): Promise<Buffer> {
  const card = await sharingRepo.inTenant(db, actor.tenantId, code);
  if (!card) throw sharingError('share_code_not_found');
  const stored = await sharingRepo.wxacode(db, actor.tenantId, code);
  if (stored) return stored;
  if (!provider) throw sharingError('wechat_app_not_configured');
  let png: Buffer;
  try {
    png = await provider.unlimitedCode(actor.tenantId, { scene: card.code, page: MINI_PROGRAM_ENTRY_PAGE, width: 430 });
  } catch (err) {
    if (err instanceof WxaCodeError) throw sharingError(err.reason === 'not_configured' ? 'wechat_app_not_configured' : 'wechat_code_unavailable', { reason: err.message });
    throw err;
  }
  return sharingRepo.storeWxacode(db, actor.tenantId, code, png);
}

/** The mini-program page a code opens; it reads `scene` and calls the resolve endpoint. */
export const MINI_PROGRAM_ENTRY_PAGE = 'pages/index/index';

export async function shareSettings(db: Conn, tenantId: string) {
  return { attribution_days: await sharingRepo.attributionDays(db, tenantId) };
}

export async function putShareSettings(db: Conn, tenantId: string, input: { attribution_days: number }) {
  await sharingRepo.putAttributionDays(db, tenantId, input.attribution_days);
  return shareSettings(db, tenantId);
}

/** Who an order is attributed to, for its detail page; null when it is attributed to nobody. */
export async function attributionOf(db: Conn, tenantId: string, order: { share_code: string | null; sharer_user_id: string | null; sharer_b_node_id: string | null }) {
  if (!order.share_code || !order.sharer_user_id || !order.sharer_b_node_id) return null;
  const [card] = await sharingRepo.cards(db, tenantId, [order.share_code]);
  return { code: order.share_code, sharer_user_id: order.sharer_user_id, sharer_name: card?.sharer_name ?? '', b_node_id: order.sharer_b_node_id };
}
