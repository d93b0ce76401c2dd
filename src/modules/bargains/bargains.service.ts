import { randomInt } from 'node:crypto';
import type { Conn, Tx } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor } from '../../platform/http/auth.js';
import { audit } from '../../platform/audit.js';
import { newId } from '../../platform/ids.js';
import { AppError } from '../../platform/errors.js';
import { getBNode, shopCard } from '../b-nodes/b-nodes.service.js';
import { guardChange, listingPlans, summary } from '../economics/economics-guard.service.js';
import type { GuardSummary, StoredVerdict } from '../economics/economics.schema.js';
import { bargainError } from './bargains.errors.js';
import { bargainCuts } from './bargain-cuts.js';
import type { Bargain, CreateBargainCampaignInput } from './bargains.schema.js';
import * as repo from './bargains.repo.js';

const mask = (name: string) => `${[...name.trim()][0] ?? '*'}**`;

function presentCampaign(c: repo.CampaignRow, now: Date) {
  const { status, guard, ...rest } = c;
  return { ...rest, guard: (typeof guard === 'string' ? JSON.parse(guard) : guard) as GuardSummary | null, running: status === 'active' && c.starts_at <= now && now < c.ends_at };
}

/**
 * A bargain campaign on a SKU the shop lists. Its floor may not be below the SKU's supply cost
 * (every sale at the floor would lose money), and each helper must cut at least one fen. The
 * economics guard then judges the floor, the worst price a buyer can end up paying, as it judges a
 * listing price: one unit against its landed supply cost with the shop's commission policy, the
 * tenant's fees, spoilage and refunds. A rejection refuses the campaign (422 economics_rejected,
 * nothing written) unless a tenant admin overrides it with a written reason; the verdict is kept.
 */
export async function createCampaign(tx: Tx, clock: Clock, actor: Actor, input: CreateBargainCampaignInput) {
  await getBNode(tx, actor, input.b_node_id);
  if (input.floor_price >= input.start_price) throw bargainError('bargain_floor_not_below_start');
  if (input.start_price - input.floor_price < input.helpers_needed) throw bargainError('bargain_cut_too_small', { most_helpers: input.start_price - input.floor_price });
  const listing = await repo.listedAt(tx, actor.tenantId, input.b_node_id, input.sku_id);
  if (!listing) throw bargainError('sku_not_listed');
  if (input.floor_price < listing.supply_price) throw bargainError('bargain_floor_below_cost', { supply_cost: listing.supply_price });
  const now = clock.now();
  const startsAt = input.starts_at ? new Date(input.starts_at) : now;
  const endsAt = new Date(input.ends_at);
  if (endsAt <= startsAt || endsAt <= now) throw bargainError('bargain_campaign_not_running', { ends_at: input.ends_at });
  const id = newId('bgc');
  const guard = await guardFloor(tx, actor, id, input, listing.supply_price);
  await repo.insertCampaign(tx, {
    tenant_id: actor.tenantId, id, b_node_id: input.b_node_id, sku_id: input.sku_id, title: input.title, start_price: input.start_price, floor_price: input.floor_price,
    helpers_needed: input.helpers_needed, valid_hours: input.valid_hours, starts_at: startsAt, ends_at: endsAt, created_by: actor.userId,
    verdict: guard.verdict as StoredVerdict, guard, override_reason: input.override?.reason ?? null,
  });
  await audit(tx, actor.tenantId, 'bargain_campaign.created', 'bargain_campaign', id, { by: actor.userId, ...input });
  return getCampaign(tx, clock, actor, id);
}

/** The guard's verdict on selling one unit at the floor; a rejection names the shop, SKU and floor. */
async function guardFloor(tx: Tx, actor: Actor, id: string, input: CreateBargainCampaignInput, supplyPrice: number): Promise<GuardSummary> {
  const [plan] = await listingPlans(tx, actor.tenantId, supplyPrice, [{ b_node_id: input.b_node_id, price: input.floor_price }]);
  try {
    return summary(await guardChange(tx, actor, { kind: 'bargain_campaign', id }, { ...plan!, name: `bargain ${input.title}` }, input.override));
  } catch (err) {
    if (err instanceof AppError && err.code === 'economics_rejected') {
      throw new AppError(err.code, err.status, err.message, err.messageZh, { ...err.details, b_node_id: input.b_node_id, sku_id: input.sku_id, floor_price: input.floor_price });
    }
    throw err;
  }
}

export async function listCampaigns(db: Conn, clock: Clock, actor: Actor) {
  return (await repo.campaigns(db, actor.tenantId, actor.bNodeId ? { bNodeId: actor.bNodeId } : {})).map((c) => presentCampaign(c, clock.now()));
}

export async function getCampaign(db: Conn, clock: Clock, actor: Actor, id: string) {
  const [c] = await repo.campaigns(db, actor.tenantId, { id });
  if (!c || (actor.bNodeId && c.b_node_id !== actor.bNodeId)) throw bargainError('bargain_campaign_not_found');
  return presentCampaign(c, clock.now());
}

/** A shop's running bargain campaigns, for its buyers. */
export async function shopCampaigns(db: Conn, clock: Clock, shop: { tenant_id: string; b_node_id: string }) {
  return (await repo.campaigns(db, shop.tenant_id, { bNodeId: shop.b_node_id, runningAt: clock.now() })).map((c) => presentCampaign(c, clock.now()));
}

/**
 * A buyer starts a bargain (or gets the one they started): its cuts are drawn once from a stored
 * seed, so the sequence never changes after the start and the last helper reaches the floor.
 */
export async function startBargain(tx: Tx, clock: Clock, tenantId: string, customerId: string, campaignId: string): Promise<string> {
  const now = clock.now();
  const [c] = await repo.campaigns(tx, tenantId, { id: campaignId });
  if (!c) throw bargainError('bargain_campaign_not_found');
  const existing = await repo.bargainOf(tx, tenantId, { campaignId, customerId });
  if (existing) return existing.id;
  if (!(c.status === 'active' && c.starts_at <= now && now < c.ends_at)) throw bargainError('bargain_campaign_not_running');
  const seed = randomInt(0, 2 ** 31);
  const id = newId('bgn');
  const inserted = await repo.insertBargain(tx, {
    tenant_id: tenantId, id, campaign_id: campaignId, customer_id: customerId, seed, cuts: bargainCuts(c.start_price - c.floor_price, c.helpers_needed, seed),
    price: c.start_price, expires_at: new Date(Math.min(now.getTime() + c.valid_hours * 3_600_000, c.ends_at.getTime())), created_at: now,
  });
  // A concurrent start by the same buyer won: theirs is the one.
  return inserted ? id : (await repo.bargainOf(tx, tenantId, { campaignId, customerId }))!.id;
}

/**
 * A friend helps: a signed-in customer of the tenant, not the starter, once per bargain. Under the
 * bargain's row lock the checks and the one statement that takes the next cut and records the help;
 * a refusal writes nothing.
 */
export async function helpBargain(tx: Tx, clock: Clock, tenantId: string, helperId: string, bargainId: string) {
  const b = await repo.lockBargain(tx, tenantId, bargainId);
  if (!b) throw bargainError('bargain_not_found');
  if (b.customer_id === helperId) throw bargainError('cannot_help_own_bargain');
  if ((await repo.helps(tx, tenantId, bargainId)).some((h) => h.helper_id === helperId)) throw bargainError('already_helped');
  if (b.helped >= b.cuts.length) throw bargainError('bargain_complete');
  if (clock.now() >= b.expires_at) throw bargainError('bargain_expired');
  const help = await repo.addHelp(tx, tenantId, bargainId, helperId, clock.now());
  if (!help) throw bargainError('bargain_complete');
  return help;
}

/** A bargain as its starter and their friends see it: progress, helpers masked, the price reached. */
export async function bargainView(db: Conn, clock: Clock, tenantId: string, viewerId: string, bargainId: string): Promise<Bargain> {
  const b = await repo.bargainOf(db, tenantId, { id: bargainId });
  if (!b) throw bargainError('bargain_not_found');
  const [c] = await repo.campaigns(db, tenantId, { id: b.campaign_id });
  const helps = await repo.helps(db, tenantId, bargainId);
  const shop = await shopCard(db, tenantId, c!.b_node_id);
  const orderStatus = b.order_id ? await repo.orderStatusOf(db, tenantId, b.order_id) : undefined;
  const bought = orderStatus !== undefined && !['expired', 'cancelled'].includes(orderStatus);
  const reached = b.helped >= b.cuts.length;
  return {
    id: b.id, campaign_id: b.campaign_id, title: c!.title, product_title: c!.product_title, sku_id: c!.sku_id, sku_name: c!.sku_name, shop_slug: shop?.slug ?? '',
    start_price: c!.start_price, floor_price: c!.floor_price, price: b.price, helped: b.helped, helpers_needed: b.cuts.length, expires_at: b.expires_at,
    status: bought ? 'bought' : reached ? 'reached' : clock.now() >= b.expires_at ? 'expired' : 'open',
    starter: mask(await repo.customerName(db, tenantId, b.customer_id)),
    helps: helps.map((h) => ({ helper: mask(h.name), cut: h.cut, at: h.created_at })),
    mine: b.customer_id === viewerId, helped_by_me: helps.some((h) => h.helper_id === viewerId),
    order_id: b.customer_id === viewerId ? b.order_id : null,
  };
}
