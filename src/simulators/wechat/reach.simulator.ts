import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import QRCode from 'qrcode';
import type { Db } from '../../database.js';
import type { App, AppContext } from '../../platform/http/server.js';
import { checkSimToken } from './wechat.simulator.js';

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

    app.post('/cgi-bin/message/subscribe/send', { schema: { hide: true } }, async (req) => {
      const caller = await tokenAppid(req.query);
      if (!('appid' in caller)) return caller;
      const appid = caller.appid;
      const body = (req.body ?? {}) as { touser?: unknown; template_id?: unknown; data?: unknown };
      if (typeof body.touser !== 'string' || !OPENID.test(body.touser)) return fail(40003, 'invalid openid');
      if (typeof body.template_id !== 'string' || !body.template_id) return fail(40037, 'invalid template_id');
      const bad = invalidDataKey(body.data);
      if (bad) return fail(47003, `argument invalid! data.${bad}.value invalid`);
      const { rows } = await sql<{ remaining: number }>`
        UPDATE wechat_sim_subscribe_quotas SET remaining = remaining - 1
         WHERE appid = ${appid} AND openid = ${body.touser} AND template_id = ${body.template_id} AND remaining > 0
        RETURNING remaining`.execute(db);
      if (!rows.length) return fail(43101, 'user refuse to accept the msg');
      return { errcode: 0, errmsg: 'ok', msgid: randomInt(1e9, 2 ** 47) };
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
