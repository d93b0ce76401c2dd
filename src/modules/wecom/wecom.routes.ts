import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import type { RouteModule } from '../../platform/http/server.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { tenantSettings } from '../identity/identity.service.js';
import type { WecomEvent } from './wecom.provider.js';
import { wecomEventSchema, wecomSettingsBody, wecomSettingsSchema } from './wecom.schema.js';
import { connectWecom, recentWecomEvents, WECOM_API_BASE, wecomSealKey, wecomSettingsView } from './wecom.service.js';

/** Where the sandbox's WeCom simulator answers (its own module is not ours to import). */
const SIMULATOR_PATH = '/simulators/wecom';

/** The console's WeCom settings: corp id, API base, connection status, the callback URL; secrets write-only. */
export const wecomRoutes: RouteModule<Database> = (app, { db, config }) => {
  const tags = ['wecom'];
  const base = (req: { protocol: string; host: string }) => config.publicUrl ?? `${req.protocol}://${req.host}`;
  const view = async (tenantId: string, serverBase: string) => {
    const tenant = await tenantSettings(db, tenantId);
    const s = await wecomSettingsView(db, tenantId);
    return {
      connected: s !== null, corp_id: s?.corp_id ?? null, agent_id: s?.agent_id ?? null, api_base: s?.api_base ?? null,
      has_token: s?.has_token ?? false, has_encoding_aes_key: s?.has_encoding_aes_key ?? false, has_secret: s?.has_secret ?? false,
      callback_url: `${serverBase}/hooks/wecom/${tenant.slug}`, verified_at: s?.verified_at ?? null, last_event_at: s?.last_event_at ?? null,
      simulator_url: config.mode === 'sandbox' ? `${serverBase}${SIMULATOR_PATH}/sandbox` : null,
    };
  };

  app.get('/wecom/settings', { schema: { tags, operationId: 'getWecomSettings', summary: 'The tenant\'s WeCom corp: corp id, API base, callback URL, connection status — never a secret', response: { 200: wecomSettingsSchema } } }, async (req) =>
    view(requirePermission(req, 'tenant.manage').tenantId, base(req)));

  app.put('/wecom/settings', { schema: { tags, operationId: 'putWecomSettings', summary: 'Connect (or reconnect) the tenant\'s WeCom corp', description: 'Token, EncodingAESKey and secret are sealed at rest and never answered again; the cached access token is dropped. A corp connected to another tenant: 400 wecom_settings_invalid.', body: wecomSettingsBody, response: { 200: wecomSettingsSchema } } }, async (req) => {
    const actor = requirePermission(req, 'tenant.manage');
    const serverBase = base(req);
    const apiBase = req.body.api_base ?? (config.mode === 'live' ? WECOM_API_BASE : `${serverBase}${SIMULATOR_PATH}`);
    await connectWecom(db, wecomSealKey(config.secretKey), actor.tenantId, {
      corpId: req.body.corp_id, token: req.body.token, encodingAesKey: req.body.encoding_aes_key, secret: req.body.secret, apiBase, agentId: req.body.agent_id,
    });
    return view(actor.tenantId, serverBase);
  });

  app.get('/wecom/events', { schema: { tags, operationId: 'listWecomEvents', summary: 'The latest WeCom callback events received (each kept once) and whether they were applied', response: { 200: itemsOf(wecomEventSchema) } } }, async (req) => {
    const rows = await recentWecomEvents(db, requirePermission(req, 'tenant.manage').tenantId, 20);
    return {
      items: rows.map((r) => {
        const e = r.event as WecomEvent;
        return { id: r.id, event: e.event, change_type: e.changeType, subject: e.externalUserId ?? e.chatId ?? e.tagId ?? null, userid: e.userId ?? null, received_at: r.received_at, applied_at: r.applied_at };
      }),
    };
  });
};
