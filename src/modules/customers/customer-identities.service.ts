import { sql } from 'kysely';
import type { Conn, Tx } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { audit } from '../../platform/audit.js';
import { newId } from '../../platform/ids.js';
import { createConsumerUser, revokeMergedConsumerTokens } from '../identity/identity.service.js';
import { phoneColumns, type PhoneVault } from './customer-phones.service.js';
import type { IdentityProvider } from './customers.tables.js';

/**
 * One customer per person per tenant. A person proves who they are by a phone, a WeChat openid
 * (each official account and mini-program has its own) or a unionid (one across the tenant's
 * WeChat apps, and the key that later joins them to the same person in WeCom). Every proof is a row
 * of customer_identities pointing at one customer; when proofs held by two customers turn out to
 * belong to one person, the two are merged: the older customer (created first; the smaller id on a
 * tie) survives, the other keeps its row for the record, pointing at the survivor.
 */
/** A customer as sign-ins answer with it; the phone stays sealed until a caller allowed to show it opens it (customer-phones.service.ts). */
export interface CustomerRef { id: string; user_id: string; name: string; phone_sealed: string | null }

/** An openid belongs to one app (`appid`): paying with WeChat Pay needs the openid of the app that pays. */
export interface WechatProof { openid: string; appid: string; unionid: string | null }

/** A merge that happened: what other modules re-point (orders, requests) from `merged` to `survivor`. */
export interface CustomerMerge { survivor: string; merged: string; mergedUserId: string | null }

/**
 * Serialises sign-ins that could create or merge the same person: transaction-scoped advisory
 * locks on every proof, taken in one sorted order, so two first sign-ins never make two customers.
 */
async function lockProofs(tx: Tx, tenantId: string, proofs: { provider: IdentityProvider; subject: string }[]) {
  const keys = [...new Set(proofs.map((p) => `customer-proof:${tenantId}:${p.provider}:${p.subject}`))].sort();
  for (const key of keys) await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
}

async function customersOfProofs(tx: Conn, tenantId: string, proofs: { provider: IdentityProvider; subject: string }[]) {
  if (!proofs.length) return [];
  return tx.selectFrom('customer_identities as i').innerJoin('customers as c', (j) => j.onRef('c.tenant_id', '=', 'i.tenant_id').onRef('c.id', '=', 'i.customer_id'))
    .select(['i.provider', 'i.subject', 'c.id', 'c.user_id', 'c.name', 'c.phone_sealed', 'c.created_at'])
    .where('i.tenant_id', '=', tenantId)
    .where((eb) => eb.or(proofs.map((p) => eb.and([eb('i.provider', '=', p.provider), eb('i.subject', '=', p.subject)]))))
    .orderBy('c.created_at').orderBy('c.id')
    .execute();
}

async function link(tx: Conn, tenantId: string, customerId: string, provider: IdentityProvider, subject: string, appId: string | null = null) {
  await tx.insertInto('customer_identities').values({ tenant_id: tenantId, provider, subject, customer_id: customerId, app_id: appId })
    .onConflict((oc) => oc.columns(['tenant_id', 'provider', 'subject']).doNothing()).execute();
}

async function customerRef(tx: Conn, tenantId: string, id: string): Promise<CustomerRef> {
  const c = await tx.selectFrom('customers').select(['id', 'user_id', 'name', 'phone_sealed']).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirstOrThrow();
  return { id: c.id, user_id: c.user_id!, name: c.name, phone_sealed: c.phone_sealed };
}

/**
 * The customer a WeChat sign-in speaks for: found by openid or unionid, created on first sign-in
 * (no phone yet, called 微信用户 and the openid's last four characters), with every proof given
 * linked to them. Proofs already held by two customers merge them; so do proofs held by another
 * customer than the one the buyer is signed in as (`signedInAs`), who otherwise simply gets them. `merges` lists what the caller
 * must re-point in other modules, in the same transaction.
 */
export async function signInWithWechat(tx: Tx, clock: Clock, tenantId: string, input: WechatProof & { b_node_id: string; signedInAs?: string | undefined }): Promise<{ customer: CustomerRef; merges: CustomerMerge[] }> {
  const proofs: { provider: IdentityProvider; subject: string }[] = [{ provider: 'wechat_openid', subject: input.openid }];
  if (input.unionid) proofs.push({ provider: 'wechat_unionid', subject: input.unionid });
  await lockProofs(tx, tenantId, proofs);
  const holders = await customersOfProofs(tx, tenantId, proofs);
  // A buyer already signed in (with a phone code) who adds WeChat: the same person as whoever
  // holds these proofs. The one to merge into is found like the holders, by age.
  if (input.signedInAs && !holders.some((h) => h.id === input.signedInAs)) {
    const current = await tx.selectFrom('customers').select(['id', 'user_id', 'name', 'phone_sealed', 'created_at'])
      .where('tenant_id', '=', tenantId).where('id', '=', input.signedInAs).where('merged_into', 'is', null).executeTakeFirst();
    if (current) {
      holders.push({ provider: 'phone', subject: '', ...current });
      holders.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : 1));
    }
  }
  const merges: CustomerMerge[] = [];
  let customerId: string;
  if (!holders.length) {
    customerId = newId('cus');
    const userId = newId('usr');
    const name = `微信用户${input.openid.slice(-4)}`;
    await tx.insertInto('customers').values({ tenant_id: tenantId, id: customerId, user_id: userId, b_node_id: input.b_node_id, name }).execute();
    await createConsumerUser(tx, tenantId, userId, { name, proof: `wechat:${input.openid}` });
  } else {
    customerId = holders[0]!.id;
    for (const other of new Set(holders.map((h) => h.id))) {
      if (other !== customerId) merges.push(await mergeCustomers(tx, clock, tenantId, customerId, other));
    }
  }
  for (const p of proofs) await link(tx, tenantId, customerId, p.provider, p.subject, p.provider === 'wechat_openid' ? input.appid : null);
  return { customer: await customerRef(tx, tenantId, customerId), merges };
}

/**
 * A phone the customer proved (WeChat's phone button) joins them: recorded as their phone
 * identity (and their phone, if they had none); a different customer already holding the phone
 * is the same person, and the two merge. Returns the customer the person is now.
 */
export async function attachPhone(tx: Tx, clock: Clock, phones: PhoneVault, tenantId: string, customerId: string, phone: string): Promise<{ customer: CustomerRef; merges: CustomerMerge[] }> {
  const stored = phoneColumns(phones, phone);
  await lockProofs(tx, tenantId, [{ provider: 'phone', subject: stored.phone_index }]);
  const byIdentity = await customersOfProofs(tx, tenantId, [{ provider: 'phone', subject: stored.phone_index }]);
  // A customer from before identities existed holds the phone only in its own row.
  const holder = byIdentity[0]?.id ?? (await tx.selectFrom('customers').select('id').where('tenant_id', '=', tenantId).where('phone_index', '=', stored.phone_index).where('merged_into', 'is', null).executeTakeFirst())?.id;
  const merges: CustomerMerge[] = [];
  let survivor = customerId;
  if (holder && holder !== customerId) {
    const merge = await mergeCustomers(tx, clock, tenantId, holder, customerId);
    merges.push(merge);
    survivor = merge.survivor;
  }
  await tx.updateTable('customers').set(stored).where('tenant_id', '=', tenantId).where('id', '=', survivor).where('phone_index', 'is', null).execute();
  await link(tx, tenantId, survivor, 'phone', stored.phone_index);
  return { customer: await customerRef(tx, tenantId, survivor), merges };
}

/**
 * Two customers are one person: the older survives. The other's proofs move to the survivor, its
 * phone too when the survivor has none; it is marked merged (never deleted, its orders are
 * re-pointed by the caller), its sessions revoked, and the merge audited.
 */
export async function mergeCustomers(tx: Tx, clock: Clock, tenantId: string, a: string, b: string): Promise<CustomerMerge> {
  const rows = await tx.selectFrom('customers').select(['id', 'user_id', 'phone_sealed', 'phone_index', 'phone_masked', 'phone_tails', 'created_at'])
    .where('tenant_id', '=', tenantId).where('id', 'in', [a, b]).orderBy('id').forUpdate().execute();
  const [survivor, merged] = [...rows].sort((x, y) => x.created_at.getTime() - y.created_at.getTime() || (x.id < y.id ? -1 : 1));
  if (!survivor || !merged) throw new Error(`cannot merge customers ${a} and ${b}: not both found`);
  await tx.updateTable('customer_identities').set({ customer_id: survivor.id }).where('tenant_id', '=', tenantId).where('customer_id', '=', merged.id).execute();
  // The phone is unique per tenant: off the merged row first, then onto the survivor if it has none.
  await tx.updateTable('customers').set({ merged_into: survivor.id, phone_sealed: null, phone_index: null, phone_masked: null, phone_tails: [] }).where('tenant_id', '=', tenantId).where('id', '=', merged.id).execute();
  if (!survivor.phone_index && merged.phone_index) {
    await tx.updateTable('customers').set({ phone_sealed: merged.phone_sealed, phone_index: merged.phone_index, phone_masked: merged.phone_masked, phone_tails: merged.phone_tails })
      .where('tenant_id', '=', tenantId).where('id', '=', survivor.id).execute();
  }
  if (merged.user_id) await revokeMergedConsumerTokens(tx, clock, tenantId, merged.user_id);
  await audit(tx, tenantId, 'customer.merged', 'customer', survivor.id, { merged: merged.id });
  return { survivor: survivor.id, merged: merged.id, mergedUserId: merged.user_id };
}

/** The customer a consumer's user is; null for a user without one. */
export async function customerOfUser(db: Conn, tenantId: string, userId: string): Promise<CustomerRef | null> {
  const c = await db.selectFrom('customers').select(['id', 'user_id', 'name', 'phone_sealed']).where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
  return c ? { id: c.id, user_id: c.user_id!, name: c.name, phone_sealed: c.phone_sealed } : null;
}

/** What WeCom tells of an external contact: their external_userid, and the unionid when the corp is bound to the WeChat apps. */
export interface WecomContactProof { externalUserid: string; unionid: string | null; name: string; b_node_id: string | null; channel: string | null }

/**
 * The customer a WeCom external contact is: found by external_userid or unionid (the unionid is
 * what joins them to the buyer who signed in through WeChat), created on first contact with a
 * consumer user of their own (no phone yet), with both proofs linked. Proofs held by two customers
 * merge them by the same rule as sign-ins (the older survives). A new customer takes the node and
 * channel given; an existing one keeps theirs, gaining a node or channel only where it had none.
 */
export async function findOrCreateWecomCustomer(tx: Tx, clock: Clock, tenantId: string, input: WecomContactProof): Promise<{ customer: CustomerRef; merges: CustomerMerge[]; created: boolean }> {
  const proofs: { provider: IdentityProvider; subject: string }[] = [{ provider: 'wecom_external_userid', subject: input.externalUserid }];
  if (input.unionid) proofs.push({ provider: 'wechat_unionid', subject: input.unionid });
  await lockProofs(tx, tenantId, proofs);
  const holders = await customersOfProofs(tx, tenantId, proofs);
  const merges: CustomerMerge[] = [];
  let customerId: string;
  const created = !holders.length;
  if (created) {
    customerId = newId('cus');
    const userId = newId('usr');
    const name = input.name.trim().slice(0, 64) || `企微客户${input.externalUserid.slice(-4)}`;
    await tx.insertInto('customers').values({ tenant_id: tenantId, id: customerId, user_id: userId, b_node_id: input.b_node_id, name, channel: input.channel }).execute();
    await createConsumerUser(tx, tenantId, userId, { name, proof: `wecom:${input.externalUserid}` });
  } else {
    customerId = holders[0]!.id;
    for (const other of new Set(holders.map((h) => h.id))) {
      if (other !== customerId) merges.push(await mergeCustomers(tx, clock, tenantId, customerId, other));
    }
    await tx.updateTable('customers').set((eb) => ({ b_node_id: eb.fn.coalesce('b_node_id', eb.val(input.b_node_id)), channel: eb.fn.coalesce('channel', eb.val(input.channel)) }))
      .where('tenant_id', '=', tenantId).where('id', '=', customerId).execute();
  }
  for (const p of proofs) await link(tx, tenantId, customerId, p.provider, p.subject);
  return { customer: await customerRef(tx, tenantId, customerId), merges, created };
}

/** The customer (standing) a WeCom external_userid proves; null when none. */
export async function customerOfExternalUserid(db: Conn, tenantId: string, externalUserid: string): Promise<CustomerRef | null> {
  const row = await db.selectFrom('customer_identities as i').innerJoin('customers as c', (j) => j.onRef('c.tenant_id', '=', 'i.tenant_id').onRef('c.id', '=', 'i.customer_id'))
    .select(['c.id', 'c.user_id', 'c.name', 'c.phone_sealed'])
    .where('i.tenant_id', '=', tenantId).where('i.provider', '=', 'wecom_external_userid').where('i.subject', '=', externalUserid).executeTakeFirst();
  return row ? { id: row.id, user_id: row.user_id!, name: row.name, phone_sealed: row.phone_sealed } : null;
}

/** The customers WeCom external_userids prove, as external_userid → customer id. */
export async function customersOfExternalUserids(db: Conn, tenantId: string, externalUserids: string[]): Promise<Map<string, string>> {
  if (!externalUserids.length) return new Map();
  const rows = await db.selectFrom('customer_identities').select(['subject', 'customer_id'])
    .where('tenant_id', '=', tenantId).where('provider', '=', 'wecom_external_userid').where('subject', 'in', externalUserids).execute();
  return new Map(rows.map((r) => [r.subject, r.customer_id]));
}

/** The name WeCom gives a contact replaces the one made up at first contact (never a name the customer or staff set). */
export async function nameFromWecom(tx: Conn, tenantId: string, customerId: string, externalUserid: string, name: string): Promise<void> {
  const cut = name.trim().slice(0, 64);
  if (!cut) return;
  await tx.updateTable('customers').set({ name: cut }).where('tenant_id', '=', tenantId).where('id', '=', customerId).where('name', '=', `企微客户${externalUserid.slice(-4)}`).execute();
}

/**
 * The proofs a customer holds (provider, subject), oldest first: the CRM's customer page. A phone
 * identity's subject is its blind index, which means nothing to a reader: it shows as the
 * customer's masked phone instead.
 */
export async function identitiesOf(db: Conn, tenantId: string, customerId: string) {
  return db.selectFrom('customer_identities as i').innerJoin('customers as c', (j) => j.onRef('c.tenant_id', '=', 'i.tenant_id').onRef('c.id', '=', 'i.customer_id'))
    .select((eb) => ['i.provider', eb.case().when('i.provider', '=', 'phone').then(eb.fn.coalesce('c.phone_masked', eb.val('****'))).else(eb.ref('i.subject')).end().as('subject'), 'i.created_at'])
    .where('i.tenant_id', '=', tenantId).where('i.customer_id', '=', customerId).orderBy('i.created_at').orderBy('i.provider').execute();
}
