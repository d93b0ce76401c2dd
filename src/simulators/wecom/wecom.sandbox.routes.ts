import { sql } from 'kysely';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App, AppContext } from '../../platform/http/server.js';
import {
  httpSimPost, injectSimFault, isSimError, listSimCorps, registerSimCorp, revokeSimTokens, simConfirmMassMessage, simCreateGroup,
  simCustomerDeletesMember, simJoinGroup, simLeaveGroup, simRefuseTransfer, simScanContactWay, WECOM_SIMULATOR_PREFIX, type SimPost,
} from './wecom.sim-state.js';

const id = z.string().min(1).max(128);
const person = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/);

/**
 * The sandbox's WeCom client, as buttons a tester clicks (and tests and the demo call): a customer
 * scans a live code, joins or leaves a group, deletes a member; a member confirms a mass message; a
 * customer refuses a transfer; faults injected. Each sends the callback WeCom would. A page at
 * /simulators/wecom/sandbox lists the corp's live codes, groups and waiting tasks with those buttons.
 */
export function wecomSandboxTools(root: App, { db, clock }: AppContext<any>, post: SimPost = httpSimPost) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const hidden = { hide: true } as const;
  const flag = z.preprocess((v) => v === true || v === 'true' || v === 'on', z.boolean()).optional();
  const actions = {
    corps: { body: z.object({ corp_id: id, secret: z.string().min(1), token: z.string().min(1), encoding_aes_key: z.string().length(43), callback_url: z.string().url() }),
      run: async (b: any) => { await registerSimCorp(db, b); return { corp_id: b.corp_id }; } },
    scan: { body: z.object({ corp_id: id, config_id: id, person, name: z.string().max(64).optional() }),
      run: (b: any) => simScanContactWay(db, post, clock.now(), { corpId: b.corp_id, configId: b.config_id, person: b.person, name: b.name }) },
    groups: { body: z.object({ corp_id: id, owner: id, name: z.string().min(1).max(64) }),
      run: (b: any) => simCreateGroup(db, post, clock.now(), { corpId: b.corp_id, owner: b.owner, name: b.name }) },
    'join-group': { body: z.object({ corp_id: id, chat_id: id, person, name: z.string().max(64).optional(), join_scene: z.coerce.number().int().min(1).max(3).optional(), state: z.string().max(30).optional() }),
      run: (b: any) => simJoinGroup(db, post, clock.now(), { corpId: b.corp_id, chatId: b.chat_id, person: b.person, name: b.name, joinScene: b.join_scene, state: b.state }) },
    'leave-group': { body: z.object({ corp_id: id, chat_id: id, external_userid: id, removed: flag }),
      run: (b: any) => simLeaveGroup(db, post, clock.now(), { corpId: b.corp_id, chatId: b.chat_id, externalUserid: b.external_userid, removed: b.removed }) },
    'delete-member': { body: z.object({ corp_id: id, userid: id, external_userid: id }),
      run: (b: any) => simCustomerDeletesMember(db, post, clock.now(), { corpId: b.corp_id, userid: b.userid, externalUserid: b.external_userid }) },
    'confirm-message': { body: z.object({ corp_id: id, msgid: id, userid: id }),
      run: (b: any) => simConfirmMassMessage(db, clock.now(), { corpId: b.corp_id, msgid: b.msgid, userid: b.userid }) },
    'refuse-transfer': { body: z.object({ corp_id: id, external_userid: id }),
      run: (b: any) => simRefuseTransfer(db, post, clock.now(), { corpId: b.corp_id, externalUserid: b.external_userid }) },
    faults: { body: z.object({ corp_id: id, api: z.string().min(1).max(128), errcode: z.coerce.number().int(), times: z.coerce.number().int().min(0).max(1000) }),
      run: async (b: any) => { await injectSimFault(db, b.corp_id, b.api, b.errcode, b.times); return { ok: true }; } },
    'revoke-tokens': { body: z.object({ corp_id: id }),
      run: async (b: any) => { await revokeSimTokens(db, b.corp_id); return { ok: true }; } },
  } as const;

  // The JSON tools (tests, scripts, the demo): a refusal answers 409 with WeCom's errcode.
  for (const [name, action] of Object.entries(actions)) {
    app.post(`/sandbox/${name}`, { schema: { ...hidden, body: action.body } }, async (req, reply) => {
      const result = await action.run(req.body);
      if (isSimError(result)) reply.status(409);
      return result;
    });
  }

  // The page's buttons: plain HTML forms (the pages allow no inline script), answered with the page again.
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    scope.post('/sandbox/do/:action', { schema: { hide: true } }, async (req, reply) => {
      const action = actions[(req.params as { action: string }).action as keyof typeof actions];
      const fields = (req.body ?? {}) as Record<string, string>;
      const corp = fields.corp_id ?? '';
      let outcome: string;
      if (!action) outcome = 'unknown action';
      else {
        const parsed = action.body.safeParse(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== '')));
        outcome = parsed.success ? JSON.stringify(await action.run(parsed.data)) : `invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`;
      }
      return reply.redirect(`${WECOM_SIMULATOR_PREFIX}/sandbox?${new URLSearchParams({ corp, outcome })}`, 303);
    });
  });

  app.get('/sandbox', { schema: { ...hidden, querystring: z.object({ corp: z.string().optional(), outcome: z.string().max(2000).optional() }) } }, async (req, reply) => {
    const corps = await listSimCorps(db);
    const corp = req.query.corp && corps.some((c) => c.corp_id === req.query.corp) ? req.query.corp : corps[0]?.corp_id;
    return reply.type('text/html; charset=utf-8').send(corp
      ? await sandboxPage(db, corp, corps.map((c) => c.corp_id), req.query.outcome ?? '')
      : page('<p>No corp yet: connect a tenant to the simulator (siyu wecom connect, or the demo sandbox).</p>'));
  });
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

async function sandboxPage(db: any, corp: string, corps: string[], outcome: string): Promise<string> {
  const { rows: ways } = await sql<{ config_id: string; request: { state?: string; user?: string[]; remark?: string } }>`SELECT config_id, request FROM wecom_sim_contact_ways WHERE corp_id = ${corp} ORDER BY created_at DESC LIMIT 50`.execute(db);
  const { rows: groups } = await sql<{ chat_id: string; name: string; owner: string; members: number }>`
    SELECT g.chat_id, g.name, g.owner, (SELECT count(*)::int FROM wecom_sim_group_members m WHERE m.corp_id = g.corp_id AND m.chat_id = g.chat_id) AS members
      FROM wecom_sim_groups g WHERE g.corp_id = ${corp} ORDER BY g.create_time DESC LIMIT 50`.execute(db);
  const { rows: tasks } = await sql<{ msgid: string; userid: string; pending: number }>`
    SELECT msgid, userid, count(*)::int AS pending FROM wecom_sim_msg_results WHERE corp_id = ${corp} AND status = 0 GROUP BY msgid, userid ORDER BY msgid LIMIT 50`.execute(db);
  const { rows: follows } = await sql<{ userid: string; external_userid: string; name: string; state: string | null }>`
    SELECT f.userid, f.external_userid, c.name, f.state FROM wecom_sim_follows f JOIN wecom_sim_contacts c USING (corp_id, external_userid)
     WHERE f.corp_id = ${corp} ORDER BY f.createtime DESC LIMIT 50`.execute(db);
  const form = (action: string, fields: Record<string, string>, label: string, extra = '') =>
    `<form method="post" action="${WECOM_SIMULATOR_PREFIX}/sandbox/do/${action}" style="display:inline" data-action="${action}">${Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${k}" value="${esc(v)}">`).join('')}${extra}<button>${esc(label)}</button></form>`;
  const personInput = '<input name="person" placeholder="customer (e.g. alice)" required pattern="[A-Za-z0-9_.-]{1,32}">';
  return page(`
    <p>Corp: <b data-corp>${esc(corp)}</b> ${corps.length > 1 ? corps.map((c) => `<a href="?corp=${encodeURIComponent(c)}">${esc(c)}</a>`).join(' ') : ''}</p>
    <h2>Live codes · 联系我</h2>
    <table><tr><th>config</th><th>state</th><th>members</th><th>QR</th><th>a customer scans it</th></tr>
    ${ways.map((w) => `<tr><td>${esc(w.config_id)}</td><td>${esc(w.request.state)}</td><td>${esc((w.request.user ?? []).join(', '))}</td>
      <td><img alt="QR" width="64" src="${WECOM_SIMULATOR_PREFIX}/qr/${encodeURIComponent(corp)}/${esc(w.config_id)}.png"></td>
      <td>${form('scan', { corp_id: corp, config_id: w.config_id }, 'scan', personInput)}</td></tr>`).join('')}</table>
    <h2>Customer groups · 客户群</h2>
    <table><tr><th>group</th><th>owner</th><th>members</th><th>a customer joins</th></tr>
    ${groups.map((g) => `<tr><td>${esc(g.name)} <small>${esc(g.chat_id)}</small></td><td>${esc(g.owner)}</td><td>${g.members}</td>
      <td>${form('join-group', { corp_id: corp, chat_id: g.chat_id }, 'join', personInput)}</td></tr>`).join('')}</table>
    ${form('groups', { corp_id: corp }, 'create a group', '<input name="owner" placeholder="owner userid" required><input name="name" placeholder="group name" required>')}
    <h2>Contacts · 客户</h2>
    <table><tr><th>customer</th><th>member</th><th>state</th><th></th></tr>
    ${follows.map((f) => `<tr data-testid="sim-contact"><td>${esc(f.name)} <small>${esc(f.external_userid)}</small></td><td>${esc(f.userid)}</td><td>${esc(f.state)}</td>
      <td>${form('delete-member', { corp_id: corp, userid: f.userid, external_userid: f.external_userid }, 'customer deletes member')}
          ${form('refuse-transfer', { corp_id: corp, external_userid: f.external_userid }, 'refuses transfer')}</td></tr>`).join('')}</table>
    <h2>Mass messages waiting · 待发送的群发</h2>
    <table><tr><th>msgid</th><th>member</th><th>recipients</th><th></th></tr>
    ${tasks.map((t) => `<tr><td>${esc(t.msgid)}</td><td>${esc(t.userid)}</td><td>${t.pending}</td>
      <td>${form('confirm-message', { corp_id: corp, msgid: t.msgid, userid: t.userid }, 'member confirms')}</td></tr>`).join('')}</table>
    <pre data-testid="outcome" style="background:#f4f4f4;padding:.5rem">${esc(outcome)}</pre>`);
}

function page(body: string): string {
  return `<!doctype html><html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>企业微信 · WeCom (simulated)</title></head>
<body style="font-family:system-ui,sans-serif;margin:1rem;max-width:60rem"><h1>企业微信 · WeCom (simulated)</h1><p style="color:#666">The sandbox's stand-in for WeCom and its client: nothing here reaches Tencent.</p>${body}</body></html>`;
}
