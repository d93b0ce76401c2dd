import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../../database.js';
import { requireActor, requirePermission } from '../../platform/http/auth.js';
import type { RouteModule } from '../../platform/http/server.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { perAddressLimit } from '../../platform/http/security.js';
import { finishShopOauth, miniProgramSession, shareMiniProgramPhone, startShopOauth, type SignInDeps } from '../../flows/wechat-sign-in.flow.js';
import { phoneVault } from '../customers/customer-phones.service.js';
import { resolveShop } from '../b-nodes/b-nodes.service.js';
import { bNodeError } from '../b-nodes/b-nodes.errors.js';
import { shopSessionSchema, slugParams } from '../b-nodes/b-nodes.schema.js';
import {
  wechatAnonymousSchema, wechatAppSchema, wechatCodeBody, wechatOauthSessionBody, wechatOauthStartSchema, wechatPhoneSharedSchema, wechatSignInOptionsSchema,
} from './wechat.schema.js';
import { listWechatApps, type WechatDeps } from './wechat.service.js';
import { wechatSignInOptions } from './sign-in.service.js';

/** The cookie binding an OAuth state to the browser that started it. */
const STATE_COOKIE = 'siyu_wx_oauth';

/** WeChat sign-in for shops' buyers, and the tenant's WeChat apps for the console. */
export function wechatRoutes(unitDeps: WechatDeps): RouteModule<Database> {
  return (app, { db, config, forgetActors }) => {
    const deps: SignInDeps = { ...unitDeps, phones: phoneVault(config.secretKey), ...(forgetActors ? { actorsChanged: forgetActors } : {}) };
    const tags = ['wechat'];
    app.get('/wechat/apps', { schema: { tags, operationId: 'listWechatApps', summary: 'The tenant\'s WeChat apps (official account, mini-program): appid, API base, whether a secret is set — never the secret', response: { 200: itemsOf(wechatAppSchema) } } }, async (req) =>
      ({ items: await listWechatApps(db, requirePermission(req, 'tenant.manage').tenantId) }));

    app.get('/shops/:slug/wechat', { schema: { tags, operationId: 'shopWechatSignIn', summary: 'Which WeChat sign-ins the shop offers', security: [], params: slugParams, response: { 200: wechatSignInOptionsSchema } } }, async (req) =>
      wechatSignInOptions(db, (await resolveShop(db, req.params.slug)).tenant_id));

    const cookiePath = (slug: string) => `/api/v1/shops/${encodeURIComponent(slug)}/wechat/oauth`;
    app.post('/shops/:slug/wechat/oauth', {
      config: perAddressLimit(config.limits, config.limits.shopSession),
      schema: { tags, operationId: 'startShopWechatOauth', summary: 'Start WeChat web authorisation (snsapi_base) for the shop', description: 'Answers the consent page to send the browser to, and sets a cookie binding the single-use `state` (10 minutes) to this browser. WeChat redirects back to /s/{slug}/wechat/callback with `code` and `state`, which the page posts to POST /shops/{slug}/wechat/oauth/session. 409 wechat_app_not_connected when the tenant has no official account.', security: [], params: slugParams, response: { 201: wechatOauthStartSchema } },
    }, async (req, reply) => {
      const base = config.publicUrl ?? `${req.protocol}://${req.host}`;
      const started = await startShopOauth(deps, req.params.slug, `${base}/s/${encodeURIComponent(req.params.slug)}/wechat/callback`);
      const secure = base.startsWith('https:') ? '; Secure' : '';
      reply.header('set-cookie', `${STATE_COOKIE}=${started.browser}; Path=${cookiePath(req.params.slug)}; Max-Age=${started.expiresInS}; HttpOnly; SameSite=Lax${secure}`);
      return reply.status(201).send({ authorize_url: started.authorizeUrl, state: started.state, expires_in_s: started.expiresInS });
    });

    app.post('/shops/:slug/wechat/oauth/session', {
      config: perAddressLimit(config.limits, config.limits.shopSession),
      schema: { tags, operationId: 'finishShopWechatOauth', summary: 'Finish WeChat web authorisation: a shop session for the WeChat user', description: 'The state must be the one this browser started (its cookie), unspent and unexpired: else 401 wechat_state_invalid. An invalid, expired or reused code: 401 wechat_code_invalid; a user WeChat blocks: 403 wechat_user_blocked; WeChat busy twice: 503 wechat_unavailable. A snapshot (preview) visitor: 200 `{anonymous: true}`, no customer, no session. With a buyer\'s session of this tenant (a phone-code sign-in), the WeChat identity joins that buyer (merging with a customer who already held it, the older surviving) and the session answered is theirs.', security: [], params: slugParams, body: wechatOauthSessionBody, response: { 201: shopSessionSchema, 200: wechatAnonymousSchema } },
    }, async (req, reply) => {
      const outcome = await finishShopOauth(deps, req.params.slug, { code: req.body.code, state: req.body.state, browser: cookie(req, STATE_COOKIE), actor: req.actor });
      clearCookie(reply, cookiePath(req.params.slug));
      if ('anonymous' in outcome) return reply.status(200).send(outcome);
      return reply.status(201).send(outcome);
    });

    app.post('/shops/:slug/wechat/mini-program/session', {
      config: perAddressLimit(config.limits, config.limits.shopSession),
      schema: { tags, operationId: 'openMiniProgramSession', summary: 'A shop session from the mini-program\'s wx.login() code', description: 'The code is exchanged with code2Session; the session_key stays on the server. An invalid, expired or reused code: 401 wechat_code_invalid; a user WeChat blocks: 403 wechat_user_blocked.', security: [], params: slugParams, body: wechatCodeBody, response: { 201: shopSessionSchema } },
    }, async (req, reply) => reply.status(201).send(await miniProgramSession(deps, req.params.slug, req.body.code)));

    app.post('/shops/:slug/wechat/mini-program/phone', {
      config: perAddressLimit(config.limits, config.limits.shopSession),
      schema: { tags, operationId: 'shareMiniProgramPhone', summary: 'The signed-in buyer shares their phone from the mini-program (getPhoneNumber code)', description: 'The phone joins the buyer\'s customer; if another customer of the tenant already has it, the two are one person and merge (the older survives, its orders include the other\'s). 401 wechat_code_invalid for a bad code, 401 wechat_phone_mismatch when the number was issued for another app.', params: slugParams, body: wechatCodeBody, response: { 200: wechatPhoneSharedSchema } },
    }, async (req) => {
      const actor = requireActor(req, ['consumer']);
      const node = await resolveShop(db, req.params.slug);
      if (node.tenant_id !== actor.tenantId) throw bNodeError('shop_not_found');
      return shareMiniProgramPhone(deps, actor, req.body.code);
    });
  };
}

function cookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function clearCookie(reply: FastifyReply, path: string) {
  reply.header('set-cookie', `${STATE_COOKIE}=; Path=${path}; Max-Age=0; HttpOnly; SameSite=Lax`);
}
