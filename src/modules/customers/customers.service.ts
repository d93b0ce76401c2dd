import { sql } from 'kysely';
import type { Conn, Db } from '../../database.js';
import { newId } from '../../platform/ids.js';
import { createConsumerUser, renameConsumerLogins } from '../identity/identity.service.js';
import { isMiniProgramOpenid, isOfficialAccountApp } from '../wechat/wechat.fragments.js';
import { openPhone, phoneColumns, type PhoneVault } from './customer-phones.service.js';
import type { IdentityProvider } from './customers.tables.js';

/**
 * A consumer is a customer record plus a password-less user of role `consumer`. Keyed by phone
 * (its blind index: the number itself is stored only sealed): the same phone in the same tenant is
 * the same person, whichever shop they came through first (that shop keeps ownership, which
 * attribution later builds on). The answer carries the plain phone the caller gave or, for a customer
 * found, the one they hold.
 */
export async function findOrCreateConsumer(tx: Conn, phones: PhoneVault, tenantId: string, input: { name: string; phone: string; b_node_id: string }) {
  const index = phones.index(input.phone);
  // A phone that moved to another customer in a merge is that customer's now.
  const proven = await tx.selectFrom('customer_identities as i').innerJoin('customers as c', (j) => j.onRef('c.tenant_id', '=', 'i.tenant_id').onRef('c.id', '=', 'i.customer_id'))
    .select(['c.id', 'c.user_id', 'c.name', 'c.phone_sealed'])
    .where('i.tenant_id', '=', tenantId).where('i.provider', '=', 'phone').where('i.subject', '=', index).executeTakeFirst();
  if (proven?.user_id) return { id: proven.id, user_id: proven.user_id, name: proven.name, phone: openPhone(phones, proven.phone_sealed) ?? input.phone };
  const customerId = newId('cus');
  const userId = newId('usr');
  const stored = phoneColumns(phones, input.phone);
  const inserted = await sql<{ id: string }>`
    INSERT INTO customers (tenant_id, id, user_id, b_node_id, name, phone_sealed, phone_index, phone_masked, phone_tails)
    VALUES (${tenantId}, ${customerId}, ${userId}, ${input.b_node_id}, ${input.name}, ${stored.phone_sealed}, ${stored.phone_index}, ${stored.phone_masked}, ${stored.phone_tails}::text[])
    ON CONFLICT (tenant_id, phone_index) DO NOTHING RETURNING id`.execute(tx);
  if (inserted.rows.length) {
    await createConsumerUser(tx, tenantId, userId, { name: input.name, proof: `phone:${index}` });
    await linkIdentity(tx, tenantId, customerId, 'phone', index);
    return { id: customerId, user_id: userId, name: input.name, phone: input.phone };
  }
  const existing = await tx.selectFrom('customers').select(['id', 'user_id', 'name', 'phone_sealed'])
    .where('tenant_id', '=', tenantId).where('phone_index', '=', index).executeTakeFirstOrThrow();
  return { id: existing.id, user_id: existing.user_id!, name: existing.name, phone: openPhone(phones, existing.phone_sealed) ?? input.phone };
}

/** A customer's name and phone for an order's detail page (the phone opened: the page's readers may call the buyer); null if unknown. */
export async function customerCard(db: Conn, phones: PhoneVault, tenantId: string, customerId: string) {
  const row = await db.selectFrom('customers').select(['id', 'name', 'phone_sealed']).where('tenant_id', '=', tenantId).where('id', '=', customerId).executeTakeFirst();
  return row ? { id: row.id, name: row.name, phone: openPhone(phones, row.phone_sealed) } : null;
}

/** A customer's phone opened, for a caller entitled to it (a tenant admin's audited reveal); null when none. */
export async function phoneOf(db: Conn, phones: PhoneVault, tenantId: string, customerId: string): Promise<string | null> {
  const row = await db.selectFrom('customers').select('phone_sealed').where('tenant_id', '=', tenantId).where('id', '=', customerId).executeTakeFirst();
  return openPhone(phones, row?.phone_sealed ?? null);
}

/** Records a way in for a customer; one already recorded (for this or, racing, another customer) is left alone. */
async function linkIdentity(tx: Conn, tenantId: string, customerId: string, provider: IdentityProvider, subject: string) {
  await tx.insertInto('customer_identities').values({ tenant_id: tenantId, provider, subject, customer_id: customerId })
    .onConflict((oc) => oc.columns(['tenant_id', 'provider', 'subject']).doNothing()).execute();
}

/**
 * The customer a proven phone signs in as, created on first sign-in. Found through the identity
 * (provider `phone`, subject the phone's blind index), as a WeChat openid will be; a customer
 * found by phone without the identity is linked. A new customer without a name is called by
 * the phone's last four digits; an existing customer's name is never changed here.
 */
export async function signInWithPhone(tx: Conn, phones: PhoneVault, tenantId: string, input: { phone: string; name?: string | undefined; b_node_id: string }) {
  const index = phones.index(input.phone);
  const known = await tx.selectFrom('customer_identities as i').innerJoin('customers as c', (j) => j.onRef('c.tenant_id', '=', 'i.tenant_id').onRef('c.id', '=', 'i.customer_id'))
    .select(['c.id', 'c.user_id', 'c.name', 'c.phone_sealed'])
    .where('i.tenant_id', '=', tenantId).where('i.provider', '=', 'phone').where('i.subject', '=', index).executeTakeFirst();
  if (known?.user_id) return { id: known.id, user_id: known.user_id, name: known.name, phone: openPhone(phones, known.phone_sealed) ?? input.phone };
  const customer = await findOrCreateConsumer(tx, phones, tenantId, { phone: input.phone, name: input.name?.trim() || `尾号${input.phone.slice(-4)}`, b_node_id: input.b_node_id });
  await linkIdentity(tx, tenantId, customer.id, 'phone', index);
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

/**
 * Seals the plain phones migration 032 set aside (SQL cannot seal with the application's key): each
 * customer gets the sealed phone, its blind index, tails and masked form; phone identities and
 * consumer logins named by the number are renamed to the index. Run by the primary after
 * migrating, before anything is served; a batch at a time, each in one transaction, so a crash
 * midway leaves only unsealed rows still to do. Once none is left, the identities' check holds for
 * old rows too (validated). Returns how many phones it sealed.
 */
export async function sealUnsealedPhones(db: Db, phones: PhoneVault, batch = 500): Promise<number> {
  let sealed = 0;
  for (;;) {
    const done = await db.transaction().execute(async (tx) => {
      const rows = await tx.selectFrom('customer_phones_unsealed').select(['tenant_id', 'customer_id', 'phone']).orderBy('tenant_id').orderBy('customer_id').limit(batch).forUpdate().skipLocked().execute();
      for (const r of rows) {
        await tx.updateTable('customers').set(phoneColumns(phones, r.phone)).where('tenant_id', '=', r.tenant_id).where('id', '=', r.customer_id).execute();
      }
      await renameConsumerLogins(tx, rows.map((r) => ({ tenantId: r.tenant_id, from: r.phone, to: `phone:${phones.index(r.phone)}` })));
      if (rows.length) {
        await tx.deleteFrom('customer_phones_unsealed').where((eb) => eb.or(rows.map((r) => eb.and([eb('tenant_id', '=', r.tenant_id), eb('customer_id', '=', r.customer_id)])))).execute();
      }
      // Phone identities still naming the number (a customer's own, or one a merge moved).
      const plain = await tx.selectFrom('customer_identities').select(['tenant_id', 'subject']).where('provider', '=', 'phone')
        .where(sql<boolean>`subject !~ '^[0-9a-f]{64}$'`).limit(batch).forUpdate().skipLocked().execute();
      for (const i of plain) {
        await tx.updateTable('customer_identities').set({ subject: phones.index(i.subject) })
          .where('tenant_id', '=', i.tenant_id).where('provider', '=', 'phone').where('subject', '=', i.subject).execute();
      }
      return { customers: rows.length, identities: plain.length };
    });
    sealed += done.customers;
    if (!done.customers && !done.identities) break;
  }
  await sql`ALTER TABLE customer_identities VALIDATE CONSTRAINT customer_identities_phone_blind`.execute(db);
  return sealed;
}
