import type { Db } from '../database.js';
import type { Clock } from '../platform/clock.js';
import { inTransaction } from '../platform/db/database.js';
import { publicShop, resolveShop } from '../modules/b-nodes/b-nodes.service.js';
import { signInWithPhone } from '../modules/customers/customers.service.js';
import type { PhoneVault } from '../modules/customers/customer-phones.service.js';
import { checkOtp, issueOtp, OTP_RULES, refuseOtp, type OtpRefusal } from '../modules/customers/otp.service.js';
import { issueToken } from '../modules/identity/identity.service.js';
import { queueOtpSms, type Messaging } from '../modules/messaging/messaging.service.js';

/** The purpose one-time codes are hashed under (a key derived from SIYU_SECRET_KEY). */
export const OTP_KEY_PURPOSE = 'otp-hash';

/**
 * A shop visitor asks for a code: the code is stored hashed and its text message queued in one
 * transaction (the provider is called by the job, after the commit). The answer never depends on
 * whether the phone belongs to a customer; only throttling (per phone, per address) refuses.
 */
export async function requestShopOtp(db: Db, clock: Clock, hashKey: Buffer, messaging: Messaging, slug: string, input: { phone: string; clientIp: string }) {
  const node = await resolveShop(db, slug);
  await inTransaction(db, async (tx) => {
    const { code } = await issueOtp(tx, clock, hashKey, node.tenant_id, input);
    await queueOtpSms(tx, clock, messaging, node.tenant_id, { phone: input.phone, code, ttlMinutes: OTP_RULES.ttlMs / 60_000 });
  });
  return { sent: true as const, expires_in_s: OTP_RULES.ttlMs / 1000, resend_after_s: OTP_RULES.phoneGapMs / 1000 };
}

/**
 * The code proves the phone; only then is the customer found (or created) and a session issued,
 * in the same transaction as the code's consumption. A wrong code's counted try commits; the
 * refusal is thrown after.
 */
export async function openVerifiedShopSession(db: Db, clock: Clock, hashKey: Buffer, phones: PhoneVault, slug: string, input: { phone: string; code: string; name?: string | undefined }) {
  const node = await resolveShop(db, slug);
  const outcome = await inTransaction(db, async (tx): Promise<{ refused?: OtpRefusal; session?: Awaited<ReturnType<typeof issueToken>> & { customer: { id: string; name: string; phone: string }; shop: ReturnType<typeof publicShop> } }> => {
    const check = await checkOtp(tx, clock, hashKey, node.tenant_id, input.phone, input.code);
    if (!check.ok) return { refused: check };
    const customer = await signInWithPhone(tx, phones, node.tenant_id, { phone: input.phone, name: input.name, b_node_id: node.id });
    const session = await issueToken(tx, clock, node.tenant_id, customer.user_id, 'session');
    return { session: { ...session, customer: { id: customer.id, name: customer.name, phone: customer.phone }, shop: publicShop(node) } };
  });
  if (outcome.refused) refuseOtp(outcome.refused);
  return outcome.session!;
}
