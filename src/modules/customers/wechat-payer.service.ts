import type { Conn } from '../../database.js';

/**
 * The buyer's openid for paying with WeChat Pay in one of the merchant's apps, or undefined when
 * they have no WeChat identity in any of them. An openid is only valid in the app that issued it,
 * so the payment goes through the app of the buyer's newest openid among the merchant's apps.
 */
export async function wechatPayerOf(db: Conn, tenantId: string, customerId: string, appids: string[]): Promise<{ appid: string; openid: string } | undefined> {
  if (!appids.length) return undefined;
  const row = await db.selectFrom('customer_identities').select(['subject', 'app_id'])
    .where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).where('provider', '=', 'wechat_openid')
    .where('app_id', 'in', appids)
    .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  return row?.app_id ? { appid: row.app_id, openid: row.subject } : undefined;
}
