import { sql, type RawBuilder } from 'kysely';

/**
 * Whether an openid is the tenant's mini-program's — issued for its appid, or signed in there (a
 * session key is kept) — as a boolean SQL expression other modules use inside their statements.
 * An official-account openid of the same person is another string, and WeChat refuses it for
 * mini-program messages.
 */
export function isMiniProgramOpenid(tenantId: string, openid: RawBuilder<unknown>, appId: RawBuilder<unknown>) {
  return sql<boolean>`(EXISTS (SELECT 1 FROM wechat_apps a WHERE a.tenant_id = ${tenantId} AND a.app = 'mini_program' AND a.appid = ${appId})
    OR EXISTS (SELECT 1 FROM wechat_mini_program_sessions s WHERE s.tenant_id = ${tenantId} AND s.openid = ${openid}))`;
}

/** Whether an appid is the tenant's official account's, as a boolean SQL expression. */
export function isOfficialAccountApp(tenantId: string, appId: RawBuilder<unknown>) {
  return sql<boolean>`EXISTS (SELECT 1 FROM wechat_apps a WHERE a.tenant_id = ${tenantId} AND a.app = 'official_account' AND a.appid = ${appId})`;
}
