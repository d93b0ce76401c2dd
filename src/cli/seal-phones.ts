import type { Db } from '../database.js';
import { sealUnsealedPhones } from '../modules/customers/customers.service.js';
import { phoneVault } from '../modules/customers/customer-phones.service.js';
import { sealUnsealedSmsPhones } from '../modules/messaging/messaging.service.js';
import { smsRecipientPhones } from '../providers/sms.unit.js';

/**
 * Phones stored before they were sealed (customers' by migration 032, text messages' recipients by
 * 037) sealed with the application's key: run by `siyu start`'s primary right after migrating,
 * before anything is served, and by `siyu migrate`. Says what it sealed; a database with nothing
 * left to seal says nothing.
 */
export async function sealStoredPhones(db: Db, secretKey: string): Promise<{ customers: number; messages: number }> {
  const customers = await sealUnsealedPhones(db, phoneVault(secretKey));
  if (customers) console.log(`sealed ${customers} customer phones stored before phones were encrypted`);
  const messages = await sealUnsealedSmsPhones(db, smsRecipientPhones(secretKey));
  if (messages) console.log(`sealed ${messages} text-message numbers stored before they were encrypted`);
  return { customers, messages };
}
