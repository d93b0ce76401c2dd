import type { Tx } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import { inTransaction } from '../platform/db/database.js';
import { publicShop, resolveShop } from '../modules/b-nodes/b-nodes.service.js';
import { attachPhone, customerOfUser, signInWithWechat, type CustomerMerge, type CustomerRef } from '../modules/customers/customer-identities.service.js';
import { issueToken } from '../modules/identity/identity.service.js';
import { applyCustomerMerges } from './crm-events.flow.js';
import { consumeOauthState, exchangeMiniProgramCode, exchangeOauthCode, phoneFromCode, startOauth } from '../modules/wechat/sign-in.service.js';
import type { WechatDeps } from '../modules/wechat/wechat.service.js';
import { openPhone, type PhoneVault } from '../modules/customers/customer-phones.service.js';

/** WeChat's deps plus the vault a customer's phone is sealed with (the buyer's own card shows it). */
export type SignInDeps = WechatDeps & { phones: PhoneVault };
import { platformError } from '../platform/errors.js';

/**
 * WeChat sign-in for a shop's buyers: official-account web authorisation inside WeChat's browser,
 * the mini-program's login, and the phone number shared from the mini-program. Every call to
 * WeChat happens before the transaction that finds (or creates, or merges) the customer and
 * issues the session, never inside it.
 */

/** Where the buyer's browser goes to authorise, and the browser secret to set as a cookie. */
export async function startShopOauth(deps: WechatDeps, slug: string, redirectUri: string) {
  const node = await resolveShop(deps.db, slug);
  return startOauth(deps, node.tenant_id, node.id, redirectUri);
}

/**
 * The redirect came back: the state is spent (this browser, once), the code exchanged; a snapshot
 * visitor stays anonymous (no customer, no session); anyone else gets a shop session — as the
 * customer they are signed in as, when the request carries their session (adding WeChat to it).
 */
export async function finishShopOauth(deps: SignInDeps, slug: string, input: { code: string; state: string | undefined; browser: string | undefined; actor?: Actor | null }) {
  const node = await resolveShop(deps.db, slug);
  await consumeOauthState(deps, node.tenant_id, node.id, input.state, input.browser);
  const who = await exchangeOauthCode(deps, node.tenant_id, input.code);
  if (who.snapshotUser) return { anonymous: true as const };
  // A buyer of this tenant already signed in (a phone code) adds WeChat to their own account.
  const signedIn = input.actor?.role === 'consumer' && input.actor.tenantId === node.tenant_id ? await customerOfUser(deps.db, node.tenant_id, input.actor.userId) : null;
  return openSession(deps, node, (tx) => signInWithWechat(tx, deps.clock, node.tenant_id, { openid: who.openid, appid: who.appid, unionid: who.unionid, b_node_id: node.id, signedInAs: signedIn?.id }));
}

/** A mini-program's `wx.login()` code: the buyer's session (the session_key stays on the server). */
export async function miniProgramSession(deps: SignInDeps, slug: string, code: string) {
  const node = await resolveShop(deps.db, slug);
  const who = await exchangeMiniProgramCode(deps, node.tenant_id, code);
  return openSession(deps, node, (tx) => signInWithWechat(tx, deps.clock, node.tenant_id, { openid: who.openid, appid: who.appid, unionid: who.unionid, b_node_id: node.id }));
}

/**
 * A signed-in buyer shares their phone from the mini-program: the phone joins their customer, or,
 * when another customer already has it, the two become one (the older survives). If the buyer is
 * now the survivor rather than the customer they were, their old sessions are revoked and a new
 * session for the survivor comes back.
 */
export async function shareMiniProgramPhone(deps: SignInDeps, actor: Actor, code: string) {
  const before = actor.customerId ? await customerOfUser(deps.db, actor.tenantId, actor.userId) : null;
  if (!before) throw platformError('forbidden');
  const phone = await phoneFromCode(deps, actor.tenantId, code);
  let merged = false;
  const shared = await inTransaction(deps.db, async (tx) => {
    const { customer, merges } = await attachPhone(tx, deps.clock, deps.phones, actor.tenantId, before.id, phone);
    merged = merges.length > 0;
    await applyCustomerMerges(tx, actor.tenantId, merges, deps.clock.now());
    const session = customer.id === before.id ? null : await issueToken(tx, deps.clock, actor.tenantId, customer.user_id, 'session');
    return { customer: card(deps.phones, customer), session: session ? { token: session.token, expires_at: session.expires_at } : null };
  });
  if (merged) deps.actorsChanged?.();
  return shared;
}

async function openSession(deps: SignInDeps, node: Awaited<ReturnType<typeof resolveShop>>, find: (tx: Tx) => Promise<{ customer: CustomerRef; merges: CustomerMerge[] }>) {
  let merged = false;
  const opened = await inTransaction(deps.db, async (tx) => {
    const { customer, merges } = await find(tx);
    merged = merges.length > 0;
    await applyCustomerMerges(tx, node.tenant_id, merges, deps.clock.now());
    const session = await issueToken(tx, deps.clock, node.tenant_id, customer.user_id, 'session');
    return { ...session, customer: card(deps.phones, customer), shop: publicShop(node) };
  });
  // The merged customer's tokens were revoked with the merge: they stop working here at once.
  if (merged) deps.actorsChanged?.();
  return opened;
}


/** The buyer's own card: their phone opened, for them alone. */
const card = (phones: PhoneVault, c: CustomerRef) => ({ id: c.id, name: c.name, phone: openPhone(phones, c.phone_sealed) });
