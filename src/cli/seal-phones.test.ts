/**
 * The step `siyu start` and `siyu migrate` run after migrating seals both kinds of phones stored
 * before sealing: customers' (migration 032) and text messages' recipients (037).
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';
import { manualClock, seedWorld, testConfig, testPhones } from '../../test/fixtures.js';
import { newId } from '../platform/ids.js';
import { sealStoredPhones } from './seal-phones.js';

describe('sealing phones stored before they were sealed', async () => {
  const { db } = await createTestDatabase();
  const world = await seedWorld(db, manualClock());
  const t = world.tenantId;

  it('seals a customer\'s phone and a message\'s number in one step, then finds nothing to do', async () => {
    const customer = newId('cus');
    await db.insertInto('customers').values({ tenant_id: t, id: customer, b_node_id: world.bNodeId, name: 'Old' }).execute();
    await db.insertInto('customer_phones_unsealed').values({ tenant_id: t, customer_id: customer, phone: '13600001111' }).execute();
    const message = newId('sms');
    await sql`ALTER TABLE sms_messages DROP CONSTRAINT sms_messages_phone_sealed`.execute(db);
    await db.insertInto('sms_messages').values({ tenant_id: t, id: message, provider: 'sandbox', phone_sealed: null, phone_masked: null, purpose: 'otp', body: 'old', params: null, provider_message_id: null, error: null, created_at: new Date(), sent_at: null }).execute();
    await sql`ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_phone_sealed CHECK (phone_sealed IS NOT NULL) NOT VALID`.execute(db);
    await db.insertInto('sms_phones_unsealed').values({ tenant_id: t, message_id: message, phone: '13600002222' }).execute();

    expect(await sealStoredPhones(db, testConfig.secretKey)).toEqual({ customers: 1, messages: 1 });
    const sealedCustomer = await db.selectFrom('customers').select('phone_sealed').where('tenant_id', '=', t).where('id', '=', customer).executeTakeFirstOrThrow();
    expect(testPhones.open(sealedCustomer.phone_sealed!)).toBe('13600001111');
    const sealedMessage = await db.selectFrom('sms_messages').select(['phone_sealed', 'phone_masked']).where('tenant_id', '=', t).where('id', '=', message).executeTakeFirstOrThrow();
    expect(sealedMessage.phone_masked).toBe('136****2222');
    expect(testPhones.open(sealedMessage.phone_sealed!)).toBe('13600002222');
    expect(await sealStoredPhones(db, testConfig.secretKey)).toEqual({ customers: 0, messages: 0 });
  });
});
