import { sql } from 'kysely';
import QRCode from 'qrcode';
import type { App, AppContext } from '../../platform/http/server.js';
import {
  checkSimToken, ensureSimMember, isSimError, issueSimToken, settleSimTransfers, simError, simId, simUnix, takeSimFault,
  WECOM_SIM_RULES, type SimError,
} from './wecom.sim-state.js';

type Body = Record<string, any>;

let tagCounter = 0;
/** A corp tag or group id that sorts by creation (time, then a counter), with a random tail as WeCom's look. */
const tagId = () => `et${Date.now().toString(36).padStart(9, '0')}${(tagCounter++ % 46656).toString(36).padStart(3, '0')}${simId('', 6)}`;
const ok = <T extends object>(extra: T) => ({ errcode: 0, errmsg: 'ok', ...extra });
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/**
 * WeCom's external-contact API as the sandbox's fake (mounted at /simulators/wecom, sandbox only):
 * the paths under /cgi-bin the adapter calls, answering HTTP 200 with `errcode` as WeCom does.
 * Tokens expire (42001) and may be revoked (40014); faults a tester injects answer first.
 */
export function wecomApiSimulator(app: App, { db, clock }: AppContext<any>) {
  const hidden = { schema: { hide: true } } as const;

  app.get('/cgi-bin/gettoken', hidden, async (req) => {
    const q = req.query as { corpid?: string; corpsecret?: string };
    const issued = await issueSimToken(db, clock.now(), q.corpid ?? '', q.corpsecret ?? '');
    return isSimError(issued) ? issued : ok(issued);
  });

  /** Registers an API: token checked, then an injected fault, then the handler with the corp. */
  const api = (method: 'GET' | 'POST', path: string, handler: (corpId: string, body: Body, query: Body) => Promise<SimError | object>) => {
    const route = async (req: { query: unknown; body: unknown }) => {
      const query = (req.query ?? {}) as Body;
      const caller = await checkSimToken(db, clock.now(), query.access_token);
      if (isSimError(caller)) return caller;
      const fault = await takeSimFault(db, caller.corpId, path);
      if (fault) return fault;
      const answer = await handler(caller.corpId, (req.body ?? {}) as Body, query);
      return isSimError(answer) ? answer : ok(answer);
    };
    if (method === 'GET') app.get(`/cgi-bin${path}`, hidden, route);
    else app.post(`/cgi-bin${path}`, hidden, route);
  };

  // ─── Contacts ───
  api('GET', '/externalcontact/get_follow_user_list', async (corp) => {
    const { rows } = await sql<{ userid: string }>`SELECT userid FROM wecom_sim_members WHERE corp_id = ${corp} ORDER BY userid`.execute(db);
    return { follow_user: rows.map((r) => r.userid) };
  });
  api('GET', '/externalcontact/list', async (corp, _b, q) => {
    const { rows } = await sql<{ external_userid: string }>`SELECT external_userid FROM wecom_sim_follows WHERE corp_id = ${corp} AND userid = ${String(q.userid ?? '')} ORDER BY external_userid`.execute(db);
    return rows.length ? { external_userid: rows.map((r) => r.external_userid) } : simError(84061, 'not external contact');
  });
  const contactOf = async (corp: string, externalUserid: string) => {
    const { rows: [c] } = await sql<{ external_userid: string; name: string; unionid: string | null; type: number; gender: number }>`
      SELECT external_userid, name, unionid, type, gender FROM wecom_sim_contacts WHERE corp_id = ${corp} AND external_userid = ${externalUserid}`.execute(db);
    return c ? { external_userid: c.external_userid, name: c.name, type: c.type, gender: c.gender, ...(c.unionid ? { unionid: c.unionid } : {}) } : undefined;
  };
  const followsOf = async (corp: string, externalUserid: string, userid?: string) => {
    const { rows } = await sql<{ userid: string; remark: string; state: string | null; add_way: number; createtime: string; tag_ids: string[] }>`
      SELECT userid, remark, state, add_way, createtime, tag_ids FROM wecom_sim_follows
       WHERE corp_id = ${corp} AND external_userid = ${externalUserid} AND (${userid ?? null}::text IS NULL OR userid = ${userid ?? null}) ORDER BY createtime`.execute(db);
    const tags = await tagIndex(corp);
    return rows.map((f) => ({
      userid: f.userid, remark: f.remark, createtime: Number(f.createtime), add_way: f.add_way, ...(f.state ? { state: f.state } : {}),
      tags: f.tag_ids.filter((id) => tags.has(id)).map((id) => ({ ...tags.get(id)!, tag_id: id, type: 1 })), tag_id: f.tag_ids,
    }));
  };
  const tagIndex = async (corp: string) => {
    const { rows } = await sql<{ tag_id: string; tag_name: string; group_name: string }>`
      SELECT t.tag_id, t.name AS tag_name, g.group_name FROM wecom_sim_tags t JOIN wecom_sim_tag_groups g ON g.corp_id = t.corp_id AND g.group_id = t.group_id WHERE t.corp_id = ${corp}`.execute(db);
    return new Map(rows.map((r) => [r.tag_id, { group_name: r.group_name, tag_name: r.tag_name }]));
  };
  api('GET', '/externalcontact/get', async (corp, _b, q) => {
    const contact = await contactOf(corp, String(q.external_userid ?? ''));
    if (!contact) return simError(40096, 'invalid external userid');
    const follows = await followsOf(corp, contact.external_userid);
    if (!follows.length) return simError(84061, 'not external contact');
    return { external_contact: contact, follow_user: follows.map(({ tag_id: _t, ...f }) => f) };
  });
  api('POST', '/externalcontact/batch/get_by_user', async (corp, b) => {
    const users = strings(b.userid_list);
    if (!users.length || users.length > 100) return simError(40058, 'userid_list must hold 1 to 100 userids');
    const limit = Math.min(100, Math.max(1, Number(b.limit) || 50));
    const offset = Number(b.cursor) || 0;
    const { rows } = await sql<{ userid: string; external_userid: string }>`
      SELECT userid, external_userid FROM wecom_sim_follows WHERE corp_id = ${corp} AND userid = ANY(${users}::text[])
       ORDER BY userid, external_userid OFFSET ${offset} LIMIT ${limit + 1}`.execute(db);
    const page = rows.slice(0, limit);
    const list = [];
    for (const r of page) {
      const [follow] = await followsOf(corp, r.external_userid, r.userid);
      const { tags: _tags, ...info } = follow!;
      list.push({ external_contact: await contactOf(corp, r.external_userid), follow_info: info });
    }
    return { external_contact_list: list, next_cursor: rows.length > limit ? String(offset + limit) : '' };
  });

  // ─── Corp tags ───
  // As WeCom: a larger `order` first, ties in the order they were made (tag ids sort by creation: tagId()).
  const tagGroups = async (corp: string, filter: { tag_id?: string[]; group_id?: string[] }) => {
    const { rows: groups } = await sql<{ group_id: string; group_name: string; create_time: string; sort_order: number }>`
      SELECT group_id, group_name, create_time, sort_order FROM wecom_sim_tag_groups WHERE corp_id = ${corp} ORDER BY sort_order DESC, group_id`.execute(db);
    const { rows: tags } = await sql<{ tag_id: string; group_id: string; name: string; create_time: string; sort_order: number }>`
      SELECT tag_id, group_id, name, create_time, sort_order FROM wecom_sim_tags WHERE corp_id = ${corp} ORDER BY sort_order DESC, tag_id`.execute(db);
    const byTag = filter.tag_id?.length ? new Set(filter.tag_id) : null;
    const byGroup = filter.group_id?.length ? new Set(filter.group_id) : null;
    return groups.filter((g) => !byGroup || byGroup.has(g.group_id)).map((g) => ({
      group_id: g.group_id, group_name: g.group_name, create_time: Number(g.create_time), order: g.sort_order,
      tag: tags.filter((t) => t.group_id === g.group_id && (!byTag || byTag.has(t.tag_id)))
        .map((t) => ({ id: t.tag_id, name: t.name, create_time: Number(t.create_time), order: t.sort_order })),
    })).filter((g) => !byTag || g.tag.length);
  };
  api('POST', '/externalcontact/get_corp_tag_list', async (corp, b) => ({ tag_group: await tagGroups(corp, { tag_id: strings(b.tag_id), group_id: strings(b.group_id) }) }));
  api('POST', '/externalcontact/add_corp_tag', async (corp, b) => {
    const tags = Array.isArray(b.tag) ? b.tag as { name?: unknown; order?: unknown }[] : [];
    if (!tags.length || tags.some((t) => typeof t.name !== 'string' || !t.name || t.name.length > 30)) return simError(40071, 'invalid tag name');
    const now = simUnix(clock.now());
    let groupId = typeof b.group_id === 'string' ? b.group_id : '';
    if (groupId) {
      const { rows } = await sql`SELECT 1 FROM wecom_sim_tag_groups WHERE corp_id = ${corp} AND group_id = ${groupId}`.execute(db);
      if (!rows.length) return simError(40068, 'invalid tag group id');
    } else {
      if (typeof b.group_name !== 'string' || !b.group_name) return simError(40071, 'group_name or group_id required');
      const { rows: [g] } = await sql<{ group_id: string }>`
        INSERT INTO wecom_sim_tag_groups (corp_id, group_id, group_name, sort_order, create_time) VALUES (${corp}, ${tagId()}, ${b.group_name}, ${Number(b.order) || 0}, ${now})
        ON CONFLICT (corp_id, group_name) DO UPDATE SET group_name = EXCLUDED.group_name RETURNING group_id`.execute(db);
      groupId = g!.group_id;
    }
    const { rows: existing } = await sql<{ name: string }>`SELECT name FROM wecom_sim_tags WHERE corp_id = ${corp} AND group_id = ${groupId}`.execute(db);
    if (tags.some((t) => existing.some((e) => e.name === t.name))) return simError(40071, 'tag name exists in the group');
    for (const t of tags) {
      await sql`INSERT INTO wecom_sim_tags (corp_id, tag_id, group_id, name, sort_order, create_time) VALUES (${corp}, ${tagId()}, ${groupId}, ${t.name as string}, ${Number(t.order) || 0}, ${now})`.execute(db);
    }
    const [group] = await tagGroups(corp, { group_id: [groupId] });
    return { tag_group: group };
  });
  api('POST', '/externalcontact/edit_corp_tag', async (corp, b) => {
    const id = String(b.id ?? '');
    const name = typeof b.name === 'string' ? b.name : null;
    const order = typeof b.order === 'number' ? b.order : null;
    const { rows: t } = await sql`UPDATE wecom_sim_tags SET name = coalesce(${name}, name), sort_order = coalesce(${order}, sort_order) WHERE corp_id = ${corp} AND tag_id = ${id} RETURNING 1`.execute(db);
    if (t.length) return {};
    const { rows: g } = await sql`UPDATE wecom_sim_tag_groups SET group_name = coalesce(${name}, group_name), sort_order = coalesce(${order}, sort_order) WHERE corp_id = ${corp} AND group_id = ${id} RETURNING 1`.execute(db);
    return g.length ? {} : simError(40068, 'invalid tagid');
  });
  api('POST', '/externalcontact/del_corp_tag', async (corp, b) => {
    const tagIds = strings(b.tag_id);
    const groupIds = strings(b.group_id);
    if (!tagIds.length && !groupIds.length) return simError(40068, 'tag_id or group_id required');
    await sql`DELETE FROM wecom_sim_tags WHERE corp_id = ${corp} AND tag_id = ANY(${tagIds}::text[])`.execute(db);
    await sql`DELETE FROM wecom_sim_tag_groups WHERE corp_id = ${corp} AND group_id = ANY(${groupIds}::text[])`.execute(db);
    // A group left without tags goes too, as WeCom does.
    await sql`DELETE FROM wecom_sim_tag_groups g WHERE corp_id = ${corp} AND NOT EXISTS (SELECT 1 FROM wecom_sim_tags t WHERE t.corp_id = g.corp_id AND t.group_id = g.group_id)`.execute(db);
    return {};
  });
  api('POST', '/externalcontact/mark_tag', async (corp, b) => {
    const add = strings(b.add_tag);
    const remove = strings(b.remove_tag);
    const all = [...add, ...remove];
    const { rows: known } = await sql<{ tag_id: string }>`SELECT tag_id FROM wecom_sim_tags WHERE corp_id = ${corp} AND tag_id = ANY(${all}::text[])`.execute(db);
    if (known.length !== new Set(all).size) return simError(40068, 'invalid tagid');
    const { rows } = await sql`
      UPDATE wecom_sim_follows SET tag_ids = ARRAY(SELECT DISTINCT x FROM unnest(tag_ids || ${add}::text[]) x WHERE x <> ALL(${remove}::text[]) ORDER BY x)
       WHERE corp_id = ${corp} AND userid = ${String(b.userid ?? '')} AND external_userid = ${String(b.external_userid ?? '')} RETURNING 1`.execute(db);
    return rows.length ? {} : simError(84061, 'not external contact');
  });

  // ─── Customer groups ───
  api('POST', '/externalcontact/groupchat/list', async (corp, b) => {
    const limit = Number(b.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return simError(40058, 'limit must be 1..1000');
    const owners = strings(b.owner_filter?.userid_list);
    const status = Number(b.status_filter) || 0;
    const offset = Number(b.cursor) || 0;
    const { rows } = await sql<{ chat_id: string; status: number }>`
      SELECT chat_id, status FROM wecom_sim_groups WHERE corp_id = ${corp}
         AND (${owners.length} = 0 OR owner = ANY(${owners}::text[])) AND (${status} = 0 OR status = ${status})
       ORDER BY create_time, chat_id OFFSET ${offset} LIMIT ${limit + 1}`.execute(db);
    return { group_chat_list: rows.slice(0, limit), ...(rows.length > limit ? { next_cursor: String(offset + limit) } : {}) };
  });
  api('POST', '/externalcontact/groupchat/get', async (corp, b) => {
    const { rows: [g] } = await sql<{ chat_id: string; name: string; owner: string; notice: string; create_time: string; member_version: number }>`
      SELECT chat_id, name, owner, notice, create_time, member_version FROM wecom_sim_groups WHERE corp_id = ${corp} AND chat_id = ${String(b.chat_id ?? '')}`.execute(db);
    if (!g) return simError(40050, 'invalid chat_id');
    const { rows: members } = await sql<{ userid: string; type: number; join_time: string; join_scene: number; state: string | null; name: string | null; unionid: string | null }>`
      SELECT m.userid, m.type, m.join_time, m.join_scene, m.state, c.name, c.unionid FROM wecom_sim_group_members m
        LEFT JOIN wecom_sim_contacts c ON c.corp_id = m.corp_id AND c.external_userid = m.userid
       WHERE m.corp_id = ${corp} AND m.chat_id = ${g.chat_id} ORDER BY m.join_time, m.userid`.execute(db);
    return {
      group_chat: {
        chat_id: g.chat_id, name: g.name, owner: g.owner, create_time: Number(g.create_time), notice: g.notice, member_version: String(g.member_version),
        member_list: members.map((m) => ({
          userid: m.userid, type: m.type, join_time: Number(m.join_time), join_scene: m.join_scene, invitor: { userid: g.owner },
          ...(m.state ? { state: m.state } : {}), ...(b.need_name && m.name ? { name: m.name } : {}), ...(m.unionid ? { unionid: m.unionid } : {}),
        })),
        admin_list: [],
      },
    };
  });

  // ─── Contact ways (联系我) ───
  api('POST', '/externalcontact/add_contact_way', async (corp, b) => {
    if (b.type !== 1 && b.type !== 2) return simError(40058, 'type must be 1 or 2');
    if (b.scene !== 1 && b.scene !== 2) return simError(40058, 'scene must be 1 or 2');
    const users = strings(b.user);
    if (b.type === 1 && users.length !== 1) return simError(40058, 'type 1 takes exactly one user');
    if (!users.length && !Array.isArray(b.party)) return simError(40058, 'user or party required');
    if (typeof b.state === 'string' && b.state.length > 30) return simError(40058, 'state longer than 30');
    for (const u of users) await ensureSimMember(db, corp, u);
    const configId = simId('cw', 16);
    await sql`INSERT INTO wecom_sim_contact_ways (corp_id, config_id, request) VALUES (${corp}, ${configId}, ${JSON.stringify(b)}::jsonb)`.execute(db);
    return { config_id: configId, ...(b.scene === 2 ? { qr_code: `${selfBase(app)}/qr/${encodeURIComponent(corp)}/${configId}.png` } : {}) };
  });
  api('POST', '/externalcontact/get_contact_way', async (corp, b) => {
    const { rows: [w] } = await sql<{ request: Body }>`SELECT request FROM wecom_sim_contact_ways WHERE corp_id = ${corp} AND config_id = ${String(b.config_id ?? '')}`.execute(db);
    return w ? { contact_way: { config_id: b.config_id, ...w.request } } : simError(41044, 'invalid config_id');
  });
  api('POST', '/externalcontact/update_contact_way', async (corp, b) => {
    const { config_id: configId, ...patch } = b;
    const { rows } = await sql`UPDATE wecom_sim_contact_ways SET request = request || ${JSON.stringify(patch)}::jsonb WHERE corp_id = ${corp} AND config_id = ${String(configId ?? '')} RETURNING 1`.execute(db);
    return rows.length ? {} : simError(41044, 'invalid config_id');
  });
  api('POST', '/externalcontact/del_contact_way', async (corp, b) => {
    const { rows } = await sql`DELETE FROM wecom_sim_contact_ways WHERE corp_id = ${corp} AND config_id = ${String(b.config_id ?? '')} RETURNING 1`.execute(db);
    return rows.length ? {} : simError(41044, 'invalid config_id');
  });
  app.get('/qr/:corp/:file', hidden, async (req, reply) => {
    const { corp, file } = req.params as { corp: string; file: string };
    const configId = file.replace(/\.png$/, '');
    const { rows } = await sql`SELECT 1 FROM wecom_sim_contact_ways WHERE corp_id = ${corp} AND config_id = ${configId}`.execute(db);
    if (!rows.length) return reply.status(404).send();
    const png = await QRCode.toBuffer(`${selfBase(app)}/sandbox?corp=${encodeURIComponent(corp)}&scan=${configId}`, { type: 'png', width: 300, margin: 1 });
    return reply.type('image/png').send(png);
  });

  // ─── Welcome messages ───
  api('POST', '/externalcontact/send_welcome_msg', async (corp, b) => {
    if (!b.text && !(Array.isArray(b.attachments) && b.attachments.length)) return simError(41052, 'text or attachments required');
    if (Array.isArray(b.attachments) && b.attachments.length > 9) return simError(41053, 'at most 9 attachments');
    const now = clock.now();
    const { rows: [spent] } = await sql<{ welcome_code: string }>`
      UPDATE wecom_sim_welcome_codes SET sent_at = ${now}, message = ${JSON.stringify(b)}::jsonb
       WHERE welcome_code = ${String(b.welcome_code ?? '')} AND corp_id = ${corp} AND sent_at IS NULL AND expires_at > ${now} RETURNING welcome_code`.execute(db);
    if (spent) return {};
    const { rows: [seen] } = await sql<{ sent: boolean }>`SELECT sent_at IS NOT NULL AS sent FROM wecom_sim_welcome_codes WHERE welcome_code = ${String(b.welcome_code ?? '')} AND corp_id = ${corp}`.execute(db);
    return seen?.sent ? simError(41051, 'welcome message already sent or chat started') : simError(41096, 'invalid or expired welcome_code');
  });

  // ─── Mass messages (企业群发) ───
  api('POST', '/externalcontact/add_msg_template', async (corp, b) => {
    const chatType = b.chat_type ?? 'single';
    if (chatType !== 'single' && chatType !== 'group') return simError(40058, 'chat_type');
    if (!b.text?.content && !(Array.isArray(b.attachments) && b.attachments.length)) return simError(41052, 'text or attachments required');
    if (Array.isArray(b.attachments) && b.attachments.length > 9) return simError(41053, 'at most 9 attachments');
    const msgid = simId('msg', 16);
    const now = clock.now();
    const rows: { userid: string; recipient: string; is_group: boolean }[] = [];
    const failList: string[] = [];
    if (chatType === 'single') {
      const ids = strings(b.external_userid);
      if (ids.length > 10_000) return simError(40058, 'at most 10,000 customers per call');
      for (const id of ids) {
        const { rows: f } = await sql<{ userid: string }>`
          SELECT userid FROM wecom_sim_follows WHERE corp_id = ${corp} AND external_userid = ${id}
             AND (${b.sender ?? null}::text IS NULL OR userid = ${b.sender ?? null}) ORDER BY createtime DESC LIMIT 1`.execute(db);
        if (f[0]) rows.push({ userid: f[0].userid, recipient: id, is_group: false });
        else failList.push(id);
      }
    } else {
      const chats = strings(b.chat_id_list);
      if (!b.sender) return simError(40058, 'sender required for group');
      if (chats.length > 2000) return simError(40058, 'at most 2,000 groups per task');
      for (const chat of chats) {
        const { rows: g } = await sql`SELECT 1 FROM wecom_sim_groups WHERE corp_id = ${corp} AND chat_id = ${chat} AND owner = ${b.sender}`.execute(db);
        if (g.length) rows.push({ userid: b.sender, recipient: chat, is_group: true });
        else failList.push(chat);
      }
    }
    await sql`INSERT INTO wecom_sim_msg_templates (corp_id, msgid, chat_type, request, created_at) VALUES (${corp}, ${msgid}, ${chatType}, ${JSON.stringify(b)}::jsonb, ${now})`.execute(db);
    for (const r of rows) {
      await sql`INSERT INTO wecom_sim_msg_results (corp_id, msgid, userid, recipient, is_group) VALUES (${corp}, ${msgid}, ${r.userid}, ${r.recipient}, ${r.is_group}) ON CONFLICT DO NOTHING`.execute(db);
    }
    return { msgid, fail_list: failList };
  });
  api('POST', '/externalcontact/get_groupmsg_list_v2', async (corp, b) => {
    const start = Number(b.start_time);
    const end = Number(b.end_time);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start || end - start > 31 * 86_400) return simError(40058, 'start_time and end_time: at most one month apart');
    const limit = Math.min(100, Math.max(1, Number(b.limit) || 50));
    const offset = Number(b.cursor) || 0;
    const { rows } = await sql<{ msgid: string; request: Body; created_at: Date }>`
      SELECT msgid, request, created_at FROM wecom_sim_msg_templates
       WHERE corp_id = ${corp} AND chat_type = ${String(b.chat_type ?? 'single')}
         AND created_at >= to_timestamp(${start}) AND created_at <= to_timestamp(${end})
         AND (${typeof b.creator === 'string' ? b.creator : null}::text IS NULL OR request->>'sender' = ${typeof b.creator === 'string' ? b.creator : null})
       ORDER BY created_at, msgid OFFSET ${offset} LIMIT ${limit + 1}`.execute(db);
    return {
      group_msg_list: rows.slice(0, limit).map((r) => ({
        msgid: r.msgid, ...(r.request.sender ? { creator: r.request.sender } : {}), create_type: 0, create_time: Math.floor(r.created_at.getTime() / 1000),
        ...(r.request.text ? { text: r.request.text } : {}), ...(r.request.attachments ? { attachments: r.request.attachments } : {}),
      })),
      ...(rows.length > limit ? { next_cursor: String(offset + limit) } : {}),
    };
  });
  api('POST', '/externalcontact/get_groupmsg_task', async (corp, b) => {
    const { rows } = await sql<{ userid: string; pending: number; max_time: string | null }>`
      SELECT userid, count(*) FILTER (WHERE status = 0)::int AS pending, max(send_time) AS max_time FROM wecom_sim_msg_results
       WHERE corp_id = ${corp} AND msgid = ${String(b.msgid ?? '')} GROUP BY userid ORDER BY userid`.execute(db);
    return { task_list: rows.map((r) => (r.pending ? { userid: r.userid, status: 0 } : { userid: r.userid, status: 2, ...(r.max_time ? { send_time: Number(r.max_time) } : {}) })) };
  });
  api('POST', '/externalcontact/get_groupmsg_send_result', async (corp, b) => {
    const limit = Math.min(1000, Math.max(1, Number(b.limit) || 500));
    const offset = Number(b.cursor) || 0;
    const { rows } = await sql<{ userid: string; recipient: string; is_group: boolean; status: number; send_time: string | null }>`
      SELECT userid, recipient, is_group, status, send_time FROM wecom_sim_msg_results
       WHERE corp_id = ${corp} AND msgid = ${String(b.msgid ?? '')} AND userid = ${String(b.userid ?? '')}
       ORDER BY recipient OFFSET ${offset} LIMIT ${limit + 1}`.execute(db);
    return {
      send_list: rows.slice(0, limit).map((r) => ({
        ...(r.is_group ? { chat_id: r.recipient } : { external_userid: r.recipient }), userid: r.userid, status: r.status, ...(r.send_time ? { send_time: Number(r.send_time) } : {}),
      })),
      ...(rows.length > limit ? { next_cursor: String(offset + limit) } : {}),
    };
  });

  // ─── Handover (在职/离职继承) ───
  const transfer = (kind: 'onjob' | 'resigned') => async (corp: string, b: Body) => {
    const handover = String(b.handover_userid ?? '');
    const takeover = String(b.takeover_userid ?? '');
    const ids = strings(b.external_userid);
    if (!handover || !takeover || handover === takeover) return simError(40003, 'invalid userid');
    if (!ids.length || ids.length > 100) return simError(40058, '1 to 100 customers per call');
    await ensureSimMember(db, corp, takeover);
    const now = clock.now();
    const since = new Date(now.getTime() - 90 * 86_400_000);
    const customer = [];
    for (const id of ids) {
      const { rows: follow } = await sql`SELECT 1 FROM wecom_sim_follows WHERE corp_id = ${corp} AND userid = ${handover} AND external_userid = ${id}`.execute(db);
      if (!follow.length) { customer.push({ external_userid: id, errcode: 84061 }); continue; }
      const { rows: [n] } = await sql<{ n: number; waiting: number }>`
        SELECT count(*) FILTER (WHERE status IN (1, 2))::int AS n, count(*) FILTER (WHERE status = 2)::int AS waiting
          FROM wecom_sim_transfers WHERE corp_id = ${corp} AND external_userid = ${id} AND created_at > ${since}`.execute(db);
      if (n!.waiting > 0) { customer.push({ external_userid: id, errcode: 40097 }); continue; }
      if (n!.n >= WECOM_SIM_RULES.transfersPer90Days) { customer.push({ external_userid: id, errcode: 40129 }); continue; }
      await sql`INSERT INTO wecom_sim_transfers (corp_id, kind, handover_userid, takeover_userid, external_userid, created_at)
                VALUES (${corp}, ${kind}, ${handover}, ${takeover}, ${id}, ${now})`.execute(db);
      customer.push({ external_userid: id, errcode: 0 });
    }
    return { customer };
  };
  api('POST', '/externalcontact/transfer_customer', transfer('onjob'));
  api('POST', '/externalcontact/resigned/transfer_customer', transfer('resigned'));
  const result = (kind: 'onjob' | 'resigned') => async (corp: string, b: Body) => {
    await settleSimTransfers(db, clock.now(), corp);
    const { rows } = await sql<{ external_userid: string; status: number; takeover_time: string | null }>`
      SELECT DISTINCT ON (external_userid) external_userid, status, takeover_time FROM wecom_sim_transfers
       WHERE corp_id = ${corp} AND kind = ${kind} AND handover_userid = ${String(b.handover_userid ?? '')} AND takeover_userid = ${String(b.takeover_userid ?? '')}
       ORDER BY external_userid, id DESC`.execute(db);
    return { customer: rows.map((r) => ({ external_userid: r.external_userid, status: r.status, ...(r.takeover_time ? { takeover_time: Number(r.takeover_time) } : {}) })) };
  };
  api('POST', '/externalcontact/transfer_result', result('onjob'));
  api('POST', '/externalcontact/resigned/transfer_result', result('resigned'));
  const groupTransfer = async (corp: string, b: Body) => {
    const chats = strings(b.chat_id_list);
    const owner = String(b.new_owner ?? '');
    if (!chats.length || chats.length > 100 || !owner) return simError(40058, 'chat_id_list (1..100) and new_owner required');
    await ensureSimMember(db, corp, owner);
    const failed = [];
    for (const chat of chats) {
      const { rows } = await sql`UPDATE wecom_sim_groups SET owner = ${owner}, status = CASE WHEN status = 1 THEN 3 ELSE status END WHERE corp_id = ${corp} AND chat_id = ${chat} AND owner <> ${owner} RETURNING 1`.execute(db);
      if (!rows.length) failed.push({ chat_id: chat, errcode: 40050, errmsg: 'invalid chat_id or already owned' });
    }
    return { failed_chat_list: failed };
  };
  api('POST', '/externalcontact/groupchat/transfer', groupTransfer);
  api('POST', '/externalcontact/groupchat/onjob_transfer', groupTransfer);
}

/** The simulator's own base URL as clients reach it (the prefix it is mounted at). */
function selfBase(app: App): string {
  return (app as unknown as { prefix: string }).prefix;
}
