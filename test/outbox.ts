import type { Db } from '../src/database.js';
import { maskPhone } from '../src/modules/customers/customer-phones.service.js';
import type { RecipientPhones } from '../src/modules/messaging/messaging.service.js';
import { testPhones } from './fixtures.js';

/** How test servers keep an SMS recipient's number: the test phone vault and the customers' mask. */
export const testRecipientPhones: RecipientPhones = { seal: testPhones.seal, open: testPhones.open, mask: (phone) => maskPhone(phone)! };

/**
 * A tenant's text messages to a phone, newest first, as the database keeps them (no plain number:
 * the masked form narrows the rows, the sealed number opened with the test servers' key picks them).
 */
export async function smsTo(db: Db, tenantId: string, phone: string) {
  const rows = await db.selectFrom('sms_messages').selectAll().where('tenant_id', '=', tenantId).where('phone_masked', '=', maskPhone(phone))
    .orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.filter((r) => r.phone_sealed !== null && testPhones.open(r.phone_sealed) === phone);
}
