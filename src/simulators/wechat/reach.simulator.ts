import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import QRCode from 'qrcode';
import type { Db } from '../../database.js';
import type { App, AppContext } from '../../platform/http/server.js';
import { checkSimToken, SIM_USER, simOpenid } from './wechat.simulator.js';

/**
 * The sandbox's WeChat, for reach: mini-program codes (`/wxa/getwxacodeunlimit`, a real PNG of a
 * QR of the scene) and subscribe messages (`/cgi-bin/message/subscribe/send`), failing as WeChat
 * does: 40001 bad token, 41030 invalid page, 40003 invalid openid, 47003 invalid template data,
 * 43101 no opt-in left. It keeps its own opt-in counts (fed by the sandbox shop's subscribe step,
 * standing in for WeChat's dialog), so a server that sent without an opt-in would be caught.
 * Mounted beside the login simulator under /simulators/wechat, in sandbox mode only; tokens are
 * the ones the simulator's token endpoint issued (40001 unknown or replaced, 42001 expired).
 */

/** The mini-program's pages the simulator knows: check_path refuses others with 41030. */
export const SIMULATED_PAGES = new Set(['pages/index/index', 'pages/order/order', 'pages/shop/shop']);
const SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;
const OPENID = /^[0-9A-Za-z_-]{6,64}$/;

const fail = (errcode: number, errmsg: string) => ({ errcode, errmsg });

export const wechatReachSimulator = (app: App, ctx: AppContext<any>) => {
  const db = ctx.db as Db;
  {
    /** The app the token was issued to, or WeChat's refusal. */
    const tokenAppid = async (query: unknown) => {
      const token = (query as { access_token?: string }).access_token;
      return checkSimToken(db, ctx.clock.now(), token ?? '');
    };

    app.post('/wxa/getwxacodeunlimit', { schema: { hide: true } }, async (req, reply) => {
      const caller = await tokenAppid(req.query);
      if (!('appid' in caller)) return caller;
      const body = (req.body ?? {}) as { scene?: unknown; page?: unknown; width?: unknown; check_path?: unknown };
      if (typeof body.scene !== 'string' || !SCENE.test(body.scene)) return fail(40169, 'invalid length for scene, or the data is not json string');
      const page = typeof body.page === 'string' ? body.page : '';
      if (page.startsWith('/') || (page && body.check_path !== false && !SIMULATED_PAGES.has(page))) return fail(41030, 'invalid page hint');
      const width = typeof body.width === 'number' ? Math.min(1280, Math.max(280, Math.round(body.width))) : 430;
      const png = await QRCode.toBuffer(`wxa://${page || 'pages/index/index'}?scene=${encodeURIComponent(body.scene)}`, { type: 'png', width, margin: 1 });
      return reply.type('image/png').send(png);
    });

    /**
     * One-time subscriptions, both ways WeChat takes them: a mini-program's subscribe message
     * (`subscribe/send`) and an official account's subscription notice (`subscribe/bizsend`). Each
     * goes to an openid of the app whose token calls, spends one of that user's opt-ins for the
     * template in that app (43101 without), and is kept for the inbox page.
     */
    const deliver = (api: 'send' | 'bizsend') => async (req: { query: unknown; body: unknown }) => {
      const caller = await tokenAppid(req.query);
      if (!('appid' in caller)) return caller;
      const appid = caller.appid;
      const body = (req.body ?? {}) as { touser?: unknown; template_id?: unknown; page?: unknown; data?: unknown };
      if (typeof body.touser !== 'string' || !OPENID.test(body.touser)) return fail(40003, 'invalid openid');
      if (typeof body.template_id !== 'string' || !body.template_id) return fail(40037, 'invalid template_id');
      const bad = invalidDataKey(body.data);
      if (bad) return fail(47003, `argument invalid! data.${bad}.value invalid`);
      const { rows } = await sql<{ remaining: number }>`
        WITH took AS (
          UPDATE wechat_sim_subscribe_quotas SET remaining = remaining - 1
           WHERE appid = ${appid} AND openid = ${body.touser} AND template_id = ${body.template_id} AND remaining > 0
          RETURNING remaining),
        kept AS (
          INSERT INTO wechat_sim_subscribe_sent (appid, openid, api, template_id, page, data)
          SELECT ${appid}, ${body.touser}, ${api}, ${body.template_id}, ${typeof body.page === 'string' ? body.page : ''}, ${JSON.stringify(body.data)}::jsonb
           WHERE EXISTS (SELECT 1 FROM took))
        SELECT remaining FROM took`.execute(db);
      if (!rows.length) return fail(43101, 'user refuse to accept the msg');
      return { errcode: 0, errmsg: 'ok', msgid: randomInt(1e9, 2 ** 47) };
    };
    app.post('/cgi-bin/message/subscribe/send', { schema: { hide: true } }, deliver('send'));
    app.post('/cgi-bin/message/subscribe/bizsend', { schema: { hide: true } }, deliver('bizsend'));

    // The buyer's side of WeChat: what it delivered, newest first (a user's, when named).
    app.get('/inbox', { schema: { hide: true } }, async (req, reply) => {
      const query = req.query as { user?: unknown; back?: unknown };
      const user = String(query.user ?? '');
      // Back into a shop of this server only: a path under /s/.
      const back = typeof query.back === 'string' && /^\/s\/[\w\-/?=&.%]*$/.test(query.back) ? query.back : null;
      const messages = await simulatedMessages(db, { limit: 50, ...(SIM_USER.test(user) ? { user } : {}) });
      return reply.type('text/html; charset=utf-8').send(inboxPage(messages, SIM_USER.test(user) ? user : '', back));
    });
  }
};

/** WeChat's rules for template data by key type; the first key that breaks them, if any. */
function invalidDataKey(data: unknown): string | null {
  if (!data || typeof data !== 'object' || Array.isArray(data) || Object.keys(data).length === 0) return 'data';
  for (const [key, entry] of Object.entries(data as Record<string, unknown>)) {
    const value = (entry as { value?: unknown } | null)?.value;
    if (typeof value !== 'string' || value.length === 0) return key;
    const chars = [...value].length;
    const type = key.replace(/[0-9]+$/, '');
    const ok = type === 'thing' ? chars <= 20
      : type === 'character_string' ? chars <= 32 && /^[0-9A-Za-z_-]+$/.test(value)
      : type === 'amount' ? /^[¥￥]?\d{1,10}(\.\d{1,2})?元?$/.test(value)
      : type === 'time' || type === 'date' ? !Number.isNaN(Date.parse(value.replace(' ', 'T')))
      : type === 'number' ? /^\d{1,32}(\.\d+)?$/.test(value)
      : type === 'phrase' ? chars <= 5
      : type === 'name' ? chars <= 10
      : chars <= 20;
    if (!ok) return key;
  }
  return null;
}

/** The user accepted these templates in the (simulated) dialog: one more message allowed for each. */
export async function grantSimulatedOptIns(db: Db, appid: string, openid: string, templateIds: string[]): Promise<void> {
  if (!templateIds.length) return;
  await sql`
    INSERT INTO wechat_sim_subscribe_quotas (appid, openid, template_id, remaining)
    SELECT ${appid}, ${openid}, t, 1 FROM unnest(${templateIds}::text[]) AS t
    ON CONFLICT (appid, openid, template_id) DO UPDATE SET remaining = wechat_sim_subscribe_quotas.remaining + 1`.execute(db);
}

/** What the simulator still allows a user for a template (tests and the demo's inspection). */
export async function simulatedOptInsLeft(db: Db, appid: string, openid: string, templateId: string): Promise<number> {
  const { rows } = await sql<{ remaining: number }>`SELECT remaining FROM wechat_sim_subscribe_quotas WHERE appid = ${appid} AND openid = ${openid} AND template_id = ${templateId}`.execute(db);
  return rows[0]?.remaining ?? 0;
}

export interface SimulatedMessage { id: number; appid: string; openid: string; api: 'send' | 'bizsend'; template_id: string; page: string; data: Record<string, { value?: unknown }>; sent_at: Date }

/**
 * What the simulated WeChat delivered, newest first; with `user`, only to that simulated WeChat
 * user (their openid in whichever app sent it).
 */
export async function simulatedMessages(db: Db, filter: { limit: number; user?: string }): Promise<SimulatedMessage[]> {
  const { rows } = await sql<SimulatedMessage>`
    SELECT id::int AS id, appid, openid, api, template_id, page, data, sent_at FROM wechat_sim_subscribe_sent
     ORDER BY id DESC LIMIT ${filter.user ? 1000 : filter.limit}`.execute(db);
  const user = filter.user;
  return (user ? rows.filter((m) => m.openid === simOpenid(m.appid, user)) : rows).slice(0, filter.limit);
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Template keys in the order the template lists them (thing2 before thing10), whatever order jsonb kept. */
const keyOrder = (key: string) => Number(/(\d+)$/.exec(key)?.[1] ?? 0);

// Inline style attributes only: the server's CSP allows no <style> element.
function inboxPage(messages: SimulatedMessage[], user: string, back: string | null): string {
  const items = messages.map((m) => {
    const lines = Object.entries(m.data).sort(([a], [b]) => keyOrder(a) - keyOrder(b))
      .map(([key, v]) => `<div data-key="${esc(key)}" style="margin:0 0 4px;font-size:15px;overflow-wrap:anywhere">${esc(String(v?.value ?? ''))} <span style="color:#aaa;font-size:11px">${esc(key)}</span></div>`).join('');
    const via = m.api === 'bizsend' ? '服务号订阅通知' : '小程序订阅消息';
    return `<li data-testid="inbox-message" data-template="${esc(m.template_id)}" data-api="${m.api}" style="background:#fff;border-radius:8px;padding:12px 14px;margin-bottom:10px">
<div style="font-weight:600;margin-bottom:6px">${via}</div>${lines}
<div style="color:#888;font-size:12px;margin-top:6px;overflow-wrap:anywhere">${esc(m.appid)} · ${esc(m.sent_at.toISOString().slice(0, 16).replace('T', ' '))} UTC · 模板 ${esc(m.template_id)}</div></li>`;
  }).join('');
  const who = user ? `微信用户 ${esc(user)} 收到的通知` : '最近送达的通知（所有模拟用户）';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>微信通知（模拟）</title></head>
<body style="font-family:system-ui,sans-serif;margin:0;background:#ededed;color:#111;line-height:1.5">
<header style="background:#07c160;color:#fff;padding:12px 16px"><h1 style="font-size:18px;margin:0">微信通知（模拟）</h1><p style="margin:4px 0 0;font-size:13px">${who} · WeChat simulator, sandbox only</p></header>
${messages.length ? `<ul style="list-style:none;margin:0;padding:12px">${items}</ul>` : '<p data-testid="inbox-empty" style="padding:24px 16px;color:#666">还没有通知。买家在收银台允许接收订单通知后，订单支付、到店可取货时，通知会出现在这里。</p>'}
${back ? `<p style="padding:0 16px 24px"><a href="${esc(back)}" data-testid="inbox-back" style="color:#576b95">← 返回商店</a></p>` : ''}</body></html>`;
}
