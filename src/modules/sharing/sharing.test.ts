import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import { posterSvg } from './sharing.images.js';
import { newShareCode } from './sharing.service.js';
import { SCENE, SHARE_CODE } from './sharing.schema.js';

const DAY = 86_400_000;

describe('share codes, short links and attribution', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 100 });
  const other = await seedWorld(db, clock, { stock: 10 });
  const product = (await db.selectFrom('products').select('id').where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow()).id;
  await db.updateTable('products').set({ title: '有机草莓' }).where('tenant_id', '=', world.tenantId).execute();
  const leader = await createUser(db, world.tenantId, { login: 'leader', display_name: '团长小王', role: 'b_owner', password: 'leader-password', b_node_id: world.bNodeId });
  const leaderToken = (await issueToken(db, clock, world.tenantId, leader.id, 'api', 'tests')).token;
  let key = 0;
  const post = (url: string, payload: unknown, token?: string) =>
    siyu.server.inject({ method: 'POST', url, payload: payload as object, headers: token ? auth(token, { 'idempotency-key': `k-${++key}` }) : {} });
  const get = (url: string, token?: string) => siyu.server.inject({ method: 'GET', url, headers: token ? auth(token) : {} });
  const order = async (token: string, shop = world.shop) => {
    const res = await post('/api/v1/orders', { shop, lines: [{ sku_id: (shop === world.shop ? world : other).skus[0]!.id, quantity: 1 }] }, token);
    expect(res.statusCode).toBe(201);
    const detail = await get(`/api/v1/orders/${res.json().id}`, world.adminToken);
    return { id: res.json().id as string, row: await db.selectFrom('orders').select(['share_code', 'sharer_user_id', 'sharer_b_node_id']).where('id', '=', res.json().id).executeTakeFirstOrThrow(), detail: detail.json() };
  };

  /** A friend follows the short link (anonymous), then signs in and the shop claims the visit. */
  const follow = async (link: string, token: string) => {
    const redirect = await get(new URL(link).pathname);
    expect(redirect.statusCode).toBe(302);
    const target = new URL(redirect.headers.location!, 'http://x');
    const claimed = await post('/api/v1/share/visits', { scene: target.searchParams.get('share'), visit_id: target.searchParams.get('visit') }, token);
    expect(claimed.statusCode).toBe(200);
    return { target, claimed: claimed.json() };
  };

  it('draws codes WeChat accepts as a scene, that no shop slug can be, and that do not repeat', () => {
    const codes = new Set(Array.from({ length: 2000 }, newShareCode));
    expect(codes.size).toBe(2000);
    for (const code of codes) {
      expect(code).toMatch(SHARE_CODE);
      expect(code).toMatch(SCENE);
      expect(code.length).toBeLessThanOrEqual(32);
    }
  });

  it('gives a leader one code per product of their node, with a link, a QR code and a poster', async () => {
    const first = await post('/api/v1/share-codes', { product_id: product }, leaderToken);
    expect(first.statusCode).toBe(201);
    const again = await post('/api/v1/share-codes', { product_id: product }, leaderToken);
    expect(again.json().code).toBe(first.json().code);
    expect(first.json()).toMatchObject({ sharer_name: '团长小王', b_node_id: world.bNodeId, shop: world.shop, product_id: product });
    expect(first.json().link).toMatch(/\/s\/[A-Z][0-9A-Za-z]{15}$/);
    const whole = await post('/api/v1/share-codes', {}, leaderToken);
    expect(whole.json().code).not.toBe(first.json().code);

    const qr = await get(`/api/v1/share-codes/${first.json().code}/qr.png`);
    expect(qr.statusCode).toBe(200);
    expect(qr.headers['content-type']).toBe('image/png');
    expect((await sharp(qr.rawPayload).metadata()).format).toBe('png');
    const poster = await get(`/api/v1/share-codes/${first.json().code}/poster.png`);
    expect(poster.statusCode).toBe(200);
    expect(await sharp(poster.rawPayload).metadata()).toMatchObject({ format: 'png', width: 750, height: 1200 });
  });

  it('lays out the poster with the product, its price in yuan with two decimals, and the leader', () => {
    const svg = posterSvg({ shopName: 'Leader Li', sharerName: '团长小王', product: { title: '有机草莓 <大果>', price: 2990 }, link: 'https://shop.example/s/Aabc' });
    expect(svg).toContain('¥29.90');
    expect(svg).toContain('有机草莓 &lt;大果&gt;');
    expect(svg).toContain('团长小王 推荐');
    expect(posterSvg({ shopName: 'x', sharerName: 'y', product: { title: 't', price: 5 }, link: 'l' })).toContain('¥0.05');
  });

  it('refuses a code for a product the shop does not list, another node, or no node at all', async () => {
    expect((await post('/api/v1/share-codes', { product_id: 'prd_missing' }, leaderToken)).statusCode).toBe(404);
    expect((await post('/api/v1/share-codes', { b_node_id: other.bNodeId }, leaderToken)).statusCode).toBe(404);
    const admin = await post('/api/v1/share-codes', {}, world.adminToken);
    expect(admin.statusCode).toBe(422);
    expect(admin.json().code).toBe('share_target_required');
    expect((await post('/api/v1/share-codes', { b_node_id: world.bNodeId }, world.adminToken)).statusCode).toBe(201);
    expect((await post('/api/v1/share-codes', {})).statusCode).toBe(401);
  });

  it('resolves a scene to where to open and whom to attribute; anything else opens the home page unattributed', async () => {
    const code = (await post('/api/v1/share-codes', { product_id: product }, leaderToken)).json().code;
    const resolved = await get(`/api/v1/share/resolve?scene=${code}`);
    expect(resolved.json()).toMatchObject({ resolved: true, code, shop: world.shop, product_id: product, sharer_name: '团长小王', path: `/s/${world.shop}/p/${product}` });
    expect(resolved.json()).not.toHaveProperty('sharer_user_id');
    for (const scene of ['Zzzzzzzzzzzzzzzz', 'nope', '%E4%B8%AD', `${code}x`]) {
      const res = await get(`/api/v1/share/resolve?scene=${scene}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ resolved: false, code: null, path: '/' });
    }
    const unknownLink = await get('/s/Zzzzzzzzzzzzzzzz');
    expect(unknownLink.statusCode).toBe(302);
    expect(unknownLink.headers.location).toBe('/');
    // A shop's own address is not a short link.
    expect((await get(`/s/${world.shop}`)).statusCode).not.toBe(302);
  });

  it('attributes a friend\'s order to the leader whose link they followed, and shows the sharer on the order', async () => {
    const share = (await post('/api/v1/share-codes', { product_id: product }, leaderToken)).json();
    const friend = await consumerToken(siyu, world.shop, '13900000001');
    const { target, claimed } = await follow(share.link, friend);
    expect(target.pathname).toBe(`/s/${world.shop}/p/${product}`);
    expect(claimed.attributed).toBe(true);
    const visits = await db.selectFrom('share_visits').selectAll().where('code', '=', share.code).execute();
    expect(visits.filter((v) => v.customer_id !== null)).toHaveLength(1);
    const placed = await order(friend);
    expect(placed.row).toEqual({ share_code: share.code, sharer_user_id: leader.id, sharer_b_node_id: world.bNodeId });
    expect(placed.detail.attribution).toEqual({ code: share.code, sharer_user_id: leader.id, sharer_name: '团长小王', b_node_id: world.bNodeId });
    // A visit is claimed once: a second claim of the same visit records a new one instead.
    const stranger = await consumerToken(siyu, world.shop, '13900000009');
    const again = await post('/api/v1/share/visits', { scene: share.code, visit_id: claimed.visit_id }, stranger);
    expect(again.json().visit_id).not.toBe(claimed.visit_id);
  });

  it('attributes nothing for an unknown scene, a visit never claimed, or the sharer\'s own code', async () => {
    const buyer = await consumerToken(siyu, world.shop, '13900000002');
    const unknown = await post('/api/v1/share/visits', { scene: 'Zzzzzzzzzzzzzzzz' }, buyer);
    expect(unknown.json()).toEqual({ visit_id: null, attributed: false });
    expect((await order(buyer)).row).toEqual({ share_code: null, sharer_user_id: null, sharer_b_node_id: null });
    expect((await order(buyer)).detail.attribution).toBeNull();

    // The link followed but never claimed (the buyer never signed in on that phone): nobody to attribute.
    const share = (await post('/api/v1/share-codes', {}, leaderToken)).json();
    expect((await get(new URL(share.link).pathname)).statusCode).toBe(302);
    expect((await order(buyer)).row.share_code).toBeNull();

    // A consumer shares the shop, then buys through their own code.
    const selfSharer = await consumerToken(siyu, world.shop, '13900000003');
    const own = (await post('/api/v1/share-codes', { shop: world.shop }, selfSharer)).json();
    const { claimed } = await follow(own.link, selfSharer);
    expect(claimed.attributed).toBe(false);
    expect((await order(selfSharer)).row.share_code).toBeNull();
    // …while a friend coming through the consumer's code is attributed to the consumer.
    const friend = await consumerToken(siyu, world.shop, '13900000004');
    await follow(own.link, friend);
    expect((await order(friend)).row.share_code).toBe(own.code);
  });

  it('attributes to the last code visited, only within the window, which an admin sets', async () => {
    const a = (await post('/api/v1/share-codes', {}, leaderToken)).json();
    const b = (await post('/api/v1/share-codes', { product_id: product }, leaderToken)).json();
    const buyer = await consumerToken(siyu, world.shop, '13900000005');
    await follow(a.link, buyer);
    clock.advance(60_000);
    await follow(b.link, buyer);
    expect((await order(buyer)).row.share_code).toBe(b.code);

    clock.advance(7 * DAY + 1000);
    // The same buyer, signed in again (sessions end sooner than a week).
    const later = await consumerToken(siyu, world.shop, '13900000005');
    expect((await order(later)).row.share_code).toBeNull();
    expect((await get('/api/v1/share/settings', world.adminToken)).json()).toEqual({ attribution_days: 7 });
    expect((await siyu.server.inject({ method: 'PUT', url: '/api/v1/share/settings', payload: { attribution_days: 10 }, headers: auth(leaderToken) })).statusCode).toBe(403);
    expect((await siyu.server.inject({ method: 'PUT', url: '/api/v1/share/settings', payload: { attribution_days: 91 }, headers: auth(world.adminToken) })).statusCode).toBe(400);
    const set = await siyu.server.inject({ method: 'PUT', url: '/api/v1/share/settings', payload: { attribution_days: 10 }, headers: auth(world.adminToken) });
    expect(set.json()).toEqual({ attribution_days: 10 });
    expect((await order(later)).row.share_code).toBe(b.code);
  });

  it('keeps tenants apart: a code of one tenant attributes nothing to another tenant\'s buyer', async () => {
    const share = (await post('/api/v1/share-codes', {}, leaderToken)).json();
    const outsider = await consumerToken(siyu, other.shop, '13900000006');
    const visit = await post('/api/v1/share/visits', { scene: share.code }, outsider);
    expect(visit.json().attributed).toBe(false);
    expect((await order(outsider, other.shop)).row.share_code).toBeNull();
    expect((await get(`/api/v1/share-codes/${share.code}`, other.adminToken)).statusCode).toBe(404);
  });
});
