import type { Conn } from '../../database.js';

/**
 * The buyer's openid for paying with WeChat Pay in one of the merchant's apps, or undefined when
 * they have no WeChat identity. The one place that knows how WeChat sign-in records identities
 * (customer_identities, provider `wechat_openid`): the newest openid of the customer, paid in the
 * merchant's first app.
 */
export async function wechatPayerOf(db: Conn, tenantId: string, customerId: string, appids: string[]): Promise<{ appid: string; openid: string } | undefined> {
  const row = await db.selectFrom('customer_identities').select('subject')
    .where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).where('provider', '=', 'wechat_openid')
    .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  const appid = appids[0];
  return row && appid ? { appid, openid: row.subject } : undefined;
}
