import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import { newId } from '../../platform/ids.js';
import { createConsumerUser } from '../identity/identity.service.js';
import { isMiniProgramOpenid, isOfficialAccountApp } from '../wechat/wechat.fragments.js';
import type { IdentityProvider } from './customers.tables.js';

/**
 * A consumer is a customer record plus a password-less user of role `consumer`. Keyed by phone:
 * the same phone in the same tenant is the same person, whichever shop they came through first
 * (that shop keeps ownership, which attribution later builds on).
 */
export async function findOrCreateConsumer(tx: Conn, tenantId: string, input: { name: string; phone: string; b_node_id: string }) {
  // A phone that moved to another customer in a merge is that customer's now.
  const proven = await tx.selectFrom('customer_identities as i').innerJoin('customers as c', (j) => j.onRef('c.tenant_id', '=', 'i.tenant_id').onRef('c.id', '=', 'i.customer_id'))
    .select(['c.id', 'c.user_id', 'c.name', 'c.phone'])
    .where('i.tenant_id', '=', tenantId).where('i.provider', '=', 'phone').where('i.subject', '=', input.phone).executeTakeFirst();
  if (proven?.user_id) return { id: proven.id, user_id: proven.user_id, name: proven.name, phone: proven.phone ?? input.phone };
  const customerId = newId('cus');
  const userId = newId('usr');
  const inserted = await sql<{ id: string }>`
    INSERT INTO customers (tenant_id, id, user_id, b_node_id, name, phone)
    VALUES (${tenantId}, ${customerId}, ${userId}, ${input.b_node_id}, ${input.name}, ${input.phone})
    ON CONFLICT (tenant_id, phone) DO NOTHING RETURNING id`.execute(tx);
  if (inserted.rows.length) {
    await createConsumerUser(tx, tenantId, userId, input);
    await linkIdentity(tx, tenantId, customerId, 'phone', input.phone);
    return { id: customerId, user_id: userId, name: input.name, phone: input.phone };
  }
  const existing = await tx.selectFrom('customers').select(['id', 'user_id', 'name', 'phone'])
    .where('tenant_id', '=', tenantId).where('phone', '=', input.phone).executeTakeFirstOrThrow();
  return { id: existing.id, user_id: existing.user_id!, name: existing.name, phone: existing.phone ?? input.phone };
}

/** A customer's name and phone for an order's detail page; null if unknown. */
export async function customerCard(db: Conn, tenantId: string, customerId: string) {
  return (await db.selectFrom('customers').select(['id', 'name', 'phone']).where('tenant_id', '=', tenantId).where('id', '=', customerId).executeTakeFirst()) ?? null;
}

/** Records a way in for a customer; one already recorded (for this or, racing, another customer) is left alone. */
async function linkIdentity(tx: Conn, tenantId: string, customerId: string, provider: IdentityProvider, subject: string) {
  await tx.insertInto('customer_identities').values({ tenant_id: tenantId, provider, subject, customer_id: customerId })
    .onConflict((oc) => oc.columns(['tenant_id', 'provider', 'subject']).doNothing()).execute();
}

/**
 * The customer a proven phone signs in as, created on first sign-in. Found through the identity
 * (provider `phone`, subject the number), as a WeChat openid will be; a customer from before
 * identities existed is found by phone and linked. A new customer without a name is called by
 * the phone's last four digits; an existing customer's name is never changed here.
 */
export async function signInWithPhone(tx: Conn, tenantId: string, input: { phone: string; name?: string | undefined; b_node_id: string }) {
  const known = await tx.selectFrom('customer_identities as i').innerJoin('customers as c', (j) => j.onRef('c.tenant_id', '=', 'i.tenant_id').onRef('c.id', '=', 'i.customer_id'))
    .select(['c.id', 'c.user_id', 'c.name', 'c.phone'])
    .where('i.tenant_id', '=', tenantId).where('i.provider', '=', 'phone').where('i.subject', '=', input.phone).executeTakeFirst();
  if (known?.user_id) return { id: known.id, user_id: known.user_id, name: known.name, phone: known.phone ?? input.phone };
  const customer = await findOrCreateConsumer(tx, tenantId, { phone: input.phone, name: input.name?.trim() || `尾号${input.phone.slice(-4)}`, b_node_id: input.b_node_id });
  await linkIdentity(tx, tenantId, customer.id, 'phone', input.phone);
  return customer;
}

/**
 * Where a subscribe message to a customer goes: their mini-program openid when they signed in
 * there (subscribe messages are the mini-program's), else the newest openid they have; and the app
 * that must send it, since an openid is valid only in the app that issued it — the official
 * account's subscription notices for an openid the tenant's official account issued (a buyer of
 * the H5 shop inside WeChat), the mini-program's messages otherwise. With `openid`, that openid's.
 */
export async function wechatRecipientOf(db: Conn, tenantId: string, customerId: string, openid?: string | null): Promise<{ openid: string; app: 'mini_program' | 'official_account' } | null> {
  const mini = isMiniProgramOpenid(tenantId, sql.ref('subject'), sql.ref('app_id'));
  let query = db.selectFrom('customer_identities').select(['subject', mini.as('mini'), isOfficialAccountApp(tenantId, sql.ref('app_id')).as('official')])
    .where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).where('provider', '=', 'wechat_openid');
  if (openid) query = query.where('subject', '=', openid);
  const row = await query.orderBy(mini, 'desc').orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  if (!row) return null;
  return { openid: row.subject, app: !row.mini && row.official ? 'official_account' : 'mini_program' };
}

/**
 * A customer a live code brought belongs to the code's B node: set when the customer still carries
 * that code's channel (they came through it), so a later scan never moves an existing customer.
 */
export async function attributeToNode(tx: Conn, tenantId: string, customerId: string, channel: string, bNodeId: string): Promise<boolean> {
  const moved = await tx.updateTable('customers').set({ b_node_id: bNodeId })
    .where('tenant_id', '=', tenantId).where('id', '=', customerId).where('channel', '=', channel).returning('id').executeTakeFirst();
  return Boolean(moved);
}
