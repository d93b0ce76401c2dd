import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { App, AppContext } from '../../platform/http/server.js';
import {
  checkSimApp, checkSimToken, ensureSimUser, injectSimFault, issueSimToken, listSimUsers, mintSimCode, revokeSimTokens,
  SIM_USER, simError, simOpenid, simUnionid, spendSimCode, takeSimFault, WECHAT_SIMULATOR_PREFIX,
} from './wechat.simulator.js';

/**
 * WeChat's sign-in side, simulated (sandbox only): the consent page of official-account web
 * authorisation, `sns/oauth2/access_token`, `sns/jscode2session`, the server access token
 * (`cgi-bin/stable_token`, `cgi-bin/token`) and `wxa/business/getuserphonenumber`, answering as
 * WeChat does (HTTP 200, `errcode` on failure); plus the sandbox's tools standing in for a
 * mini-program client: minting `wx.login()` and phone-button codes for a simulated user.
 */
export function wechatLoginSimulator(app: App, { db, clock }: AppContext<any>) {
  const hidden = { hide: true } as const;

  app.get('/connect/oauth2/authorize', { schema: { ...hidden, querystring: authorizeQuery } }, async (req, reply) => {
    const problem = authorizeProblem(req.query, req.headers.host);
    if (problem) return reply.status(400).type('text/html; charset=utf-8').send(page('WeChat', `<p class="err">${esc(problem)}</p>`));
    const users = await listSimUsers(db);
    const carry = (['appid', 'redirect_uri', 'response_type', 'scope', 'state'] as const).map((k) => `<input type="hidden" name="${k}" value="${esc(req.query[k] ?? '')}">`).join('');
    const known = users.filter((u) => !u.blocked).map((u) =>
      `<li><a class="user" data-user="${esc(u.user_key)}" href="${WECHAT_SIMULATOR_PREFIX}/connect/oauth2/authorize/confirm?${new URLSearchParams({ ...pick(req.query), user: u.user_key }).toString()}">${esc(u.user_key)} · ${esc(u.phone)}</a></li>`).join('');
    // A new user can simply allow: the name is filled with a fresh one (another browser, another person).
    const fresh = `wx-${randomBytes(3).toString('hex')}`;
    return reply.type('text/html; charset=utf-8').send(page('微信授权 · WeChat authorisation (simulated)', `
      <p>模拟的微信授权页：公众号 <b>${esc(req.query.appid)}</b> 请求获取你的身份（${esc(req.query.scope)}）。真实微信中这一步由微信完成。</p>
      <p style="color:#666;font-size:.9rem">This page stands in for WeChat's consent screen: pick a simulated WeChat user, or allow as a new one.</p>
      ${known ? `<h2 style="font-size:1rem">以已有用户继续 · Continue as</h2><ul>${known}</ul>` : ''}
      <h2 style="font-size:1rem">${known ? '其他微信用户 · Another WeChat user' : '微信用户 · WeChat user'}</h2>
      <form method="get" action="${WECHAT_SIMULATOR_PREFIX}/connect/oauth2/authorize/confirm">${carry}
        <label>微信用户名 · user <input name="user" required pattern="[A-Za-z0-9_.\\-]{1,32}" value="${fresh}" autocomplete="off"></label>
        <label>手机号（可选）· phone <input name="phone" inputmode="numeric" pattern="[0-9]{6,20}" placeholder="13900001234"></label>
        <label><input type="checkbox" name="snapshot" value="1"> 以快照页访客身份浏览（不授权）· snapshot visitor</label>
        <button type="submit" id="allow" style="display:block;width:100%;margin-top:1rem;padding:.7rem;font-size:1rem;background:#07c160;color:#fff;border:0;border-radius:.4rem">允许 · Allow</button>
      </form>`));
  });

  app.get('/connect/oauth2/authorize/confirm', { schema: { ...hidden, querystring: authorizeQuery.extend({ user: z.string(), phone: z.string().optional(), snapshot: z.string().optional() }) } }, async (req, reply) => {
    const problem = authorizeProblem(req.query, req.headers.host) ?? (SIM_USER.test(req.query.user) ? null : 'user: 1 to 32 letters, digits, _ . -')
      ?? (req.query.phone && !/^[0-9]{6,20}$/.test(req.query.phone) ? 'phone: 6 to 20 digits' : null);
    if (problem) return reply.status(400).type('text/html; charset=utf-8').send(page('WeChat', `<p class="err">${esc(problem)}</p>`));
    await ensureSimUser(db, req.query.user, { phone: req.query.phone || undefined });
    const { code } = await mintSimCode(db, clock.now(), { kind: 'oauth', appid: req.query.appid, user: req.query.user, snapshot: req.query.snapshot === '1' });
    const target = new URL(req.query.redirect_uri);
    target.searchParams.set('code', code);
    target.searchParams.set('state', req.query.state ?? '');
    return reply.redirect(target.toString(), 302);
  });

  app.get('/sns/oauth2/access_token', { schema: { ...hidden, querystring: z.object({ appid: z.string().default(''), secret: z.string().default(''), code: z.string().default(''), grant_type: z.string().default('') }) } }, async (req) => {
    const refused = await takeSimFault(db, 'sns/oauth2/access_token') ?? await checkSimApp(db, req.query.appid, req.query.secret) ?? grantRefused(req.query.grant_type);
    if (refused) return refused;
    const spent = await spendSimCode(db, clock.now(), { kind: 'oauth', appid: req.query.appid, code: req.query.code, usedErrcode: 40163 });
    if ('errcode' in spent) return spent;
    return {
      access_token: randomBytes(32).toString('base64url'), expires_in: 7200, refresh_token: randomBytes(32).toString('base64url'),
      openid: simOpenid(req.query.appid, spent.user), scope: 'snsapi_base',
      ...(spent.snapshot ? { is_snapshotuser: 1 } : { unionid: simUnionid(spent.user) }),
    };
  });

  app.get('/sns/jscode2session', { schema: { ...hidden, querystring: z.object({ appid: z.string().default(''), secret: z.string().default(''), js_code: z.string().default(''), grant_type: z.string().default('') }) } }, async (req) => {
    const refused = await takeSimFault(db, 'sns/jscode2session') ?? await checkSimApp(db, req.query.appid, req.query.secret) ?? grantRefused(req.query.grant_type);
    if (refused) return refused;
    const spent = await spendSimCode(db, clock.now(), { kind: 'login', appid: req.query.appid, code: req.query.js_code, usedErrcode: 40029 });
    if ('errcode' in spent) return spent;
    return { openid: simOpenid(req.query.appid, spent.user), session_key: randomBytes(16).toString('base64'), unionid: simUnionid(spent.user) };
  });

  app.post('/cgi-bin/stable_token', { schema: { ...hidden, body: z.object({ grant_type: z.string().default(''), appid: z.string().default(''), secret: z.string().default(''), force_refresh: z.boolean().default(false) }) } }, async (req) => {
    const refused = await takeSimFault(db, 'cgi-bin/stable_token') ?? await checkSimApp(db, req.body.appid, req.body.secret)
      ?? (req.body.grant_type === 'client_credential' ? null : simError(40002, 'invalid grant_type'));
    return refused ?? issueSimToken(db, clock.now(), req.body.appid, req.body.force_refresh);
  });

  app.get('/cgi-bin/token', { schema: { ...hidden, querystring: z.object({ grant_type: z.string().default(''), appid: z.string().default(''), secret: z.string().default('') }) } }, async (req) => {
    const refused = await takeSimFault(db, 'cgi-bin/token') ?? await checkSimApp(db, req.query.appid, req.query.secret)
      ?? (req.query.grant_type === 'client_credential' ? null : simError(40002, 'invalid grant_type'));
    return refused ?? issueSimToken(db, clock.now(), req.query.appid, true);
  });

  app.post('/wxa/business/getuserphonenumber', { schema: { ...hidden, querystring: z.object({ access_token: z.string().default('') }), body: z.object({ code: z.string().default('') }) } }, async (req) => {
    const now = clock.now();
    const fault = await takeSimFault(db, 'wxa/business/getuserphonenumber');
    if (fault) return fault;
    const holder = await checkSimToken(db, now, req.query.access_token);
    if ('errcode' in holder) return holder;
    const spent = await spendSimCode(db, now, { kind: 'phone', appid: holder.appid, code: req.body.code, usedErrcode: 40029 });
    if ('errcode' in spent) return spent;
    return {
      errcode: 0, errmsg: 'ok',
      phone_info: { phoneNumber: spent.phone, purePhoneNumber: spent.phone, countryCode: '86', watermark: { timestamp: Math.floor(now.getTime() / 1000), appid: holder.appid } },
    };
  });

  // The sandbox's stand-ins for a mini-program client and for WeChat's own misbehaviour.
  const codeBody = z.object({ kind: z.enum(['login', 'phone']), appid: z.string().min(1).max(64), user: z.string().regex(SIM_USER), phone: z.string().regex(/^[0-9]{6,20}$/).optional() }).strict();
  app.post('/sandbox/codes', { schema: { ...hidden, body: codeBody } }, async (req, reply) => {
    await ensureSimUser(db, req.body.user, { phone: req.body.phone });
    const minted = await mintSimCode(db, clock.now(), { kind: req.body.kind, appid: req.body.appid, user: req.body.user });
    return reply.status(201).send({ ...minted, openid: simOpenid(req.body.appid, req.body.user), unionid: simUnionid(req.body.user) });
  });
  app.get('/sandbox/mini-program', { schema: { ...hidden, querystring: z.object({ appid: z.string().max(64).optional(), user: z.string().max(32).optional(), kind: z.enum(['login', 'phone']).optional() }) } }, async (req, reply) => {
    const { appid, user, kind } = req.query;
    let minted = '';
    if (appid && user && kind && SIM_USER.test(user)) {
      await ensureSimUser(db, user);
      const { code } = await mintSimCode(db, clock.now(), { kind, appid, user });
      minted = `<p>${kind === 'login' ? 'wx.login()' : 'getPhoneNumber'} code for <b>${esc(user)}</b> (5 minutes, once): <code id="code">${esc(code)}</code></p>`;
    }
    return reply.type('text/html; charset=utf-8').send(page('Mini-program client (simulated)', `${minted}
      <form method="get" action="${WECHAT_SIMULATOR_PREFIX}/sandbox/mini-program">
        <label>Mini-program appid <input name="appid" required value="${esc(appid ?? '')}"></label>
        <label>WeChat user <input name="user" required pattern="[A-Za-z0-9_.\\-]{1,32}" value="${esc(user ?? '')}"></label>
        <label>Code <select name="kind"><option value="login">wx.login()</option><option value="phone">getPhoneNumber</option></select></label>
        <button type="submit">Mint a code</button>
      </form>`));
  });
  app.post('/sandbox/users', { schema: { ...hidden, body: z.object({ user: z.string().regex(SIM_USER), phone: z.string().regex(/^[0-9]{6,20}$/).optional(), blocked: z.boolean().optional() }).strict() } }, async (req) =>
    ensureSimUser(db, req.body.user, { phone: req.body.phone, blocked: req.body.blocked }));
  app.post('/sandbox/faults', { schema: { ...hidden, body: z.object({ path: z.string().min(1).max(64), errcode: z.number().int(), times: z.number().int().min(0).max(100) }).strict() } }, async (req, reply) => {
    await injectSimFault(db, req.body.path, req.body.errcode, req.body.times);
    return reply.status(204).send();
  });
  app.post('/sandbox/tokens/revoke', { schema: { ...hidden, body: z.object({ appid: z.string().min(1) }).strict() } }, async (req, reply) => {
    await revokeSimTokens(db, clock.now(), req.body.appid);
    return reply.status(204).send();
  });
}

const authorizeQuery = z.object({
  appid: z.string().default(''), redirect_uri: z.string().default(''), response_type: z.string().default(''),
  scope: z.string().default(''), state: z.string().optional(),
});

function authorizeProblem(q: z.infer<typeof authorizeQuery>, host: string | undefined): string | null {
  if (!q.appid) return 'appid is missing (40013)';
  if (q.response_type !== 'code') return 'response_type must be code';
  if (q.scope !== 'snsapi_base' && q.scope !== 'snsapi_userinfo') return 'scope must be snsapi_base or snsapi_userinfo (10005)';
  if (q.state !== undefined && Buffer.byteLength(q.state) > 128) return 'state is longer than 128 bytes';
  let target: URL;
  try { target = new URL(q.redirect_uri); } catch { return 'redirect_uri is not a URL (10003)'; }
  // WeChat redirects only into the official account's authorised domain; here, this server.
  let own: string;
  try { own = new URL(`${target.protocol}//${host ?? ''}`).host; } catch { own = ''; }
  if (!/^https?:$/.test(target.protocol) || target.host !== own) return 'redirect_uri is outside the authorised domain (10003)';
  return null;
}

const pick = (q: z.infer<typeof authorizeQuery>) => ({ appid: q.appid, redirect_uri: q.redirect_uri, response_type: q.response_type, scope: q.scope, state: q.state ?? '' });

function grantRefused(grantType: string) {
  return grantType === 'authorization_code' ? null : simError(40002, 'invalid grant_type');
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 28rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.5">
<p style="background:#07c160;color:#fff;padding:.5rem .75rem;border-radius:.4rem">WeChat · simulated (sandbox)</p>
<h1 style="font-size:1.2rem">${esc(title)}</h1>${body.replace(/<label>/g, '<label style="display:block;margin:.5rem 0">')}
</body></html>`;
}
