/**
 * A customer's phone at rest: no column, identity, login or one-time code keeps the number; the
 * database refuses one put there; sign-in, search and the admin's audited reveal still work; phones
 * stored before sealing are sealed by the start step.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu, testPhones } from '../../../test/fixtures.js';
import { newId } from '../../platform/ids.js';
import { sealUnsealedPhones, signInWithPhone } from './customers.service.js';
import { maskPhone, phoneVault } from './customer-phones.service.js';

describe('phones sealed at rest', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 100 });
  const t = world.tenantId;
  const inject = siyu.server.inject.bind(siyu.server);
  const phone = '13912348765';

  /** Every text a tenant's rows of these tables hold, as one string to search for the number. */
  const everything = async () => {
    const { rows } = await sql<{ dump: string }>`
      SELECT (SELECT coalesce(string_agg(c::text, '|'), '') FROM customers c WHERE c.tenant_id = ${t})
          || (SELECT coalesce(string_agg(i::text, '|'), '') FROM customer_identities i WHERE i.tenant_id = ${t})
          || (SELECT coalesce(string_agg(u::text, '|'), '') FROM users u WHERE u.tenant_id = ${t})
          || (SELECT coalesce(string_agg(o::text, '|'), '') FROM otp_challenges o WHERE o.tenant_id = ${t}) AS dump`.execute(db);
    return rows[0]!.dump;
  };

  it('a buyer signed in by phone leaves no plain number in customers, identities, users or codes', async () => {
    await inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/otp`, payload: { phone } });
    const token = await consumerToken(siyu, world.shop, phone);
    const order = await inject({ method: 'POST', url: '/api/v1/orders', headers: auth(token, { 'idempotency-key': 'p-1' }), payload: { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }] } });
    expect(order.statusCode, order.body).toBe(201);
    const dump = await everything();
    expect(dump).not.toContain(phone);
    expect(dump).not.toContain(phone.slice(3, 7));
    const row = await db.selectFrom('customers').selectAll().where('tenant_id', '=', t).where('phone_index', '=', testPhones.index(phone)).executeTakeFirstOrThrow();
    expect(row.phone_masked).toBe('139****8765');
    expect(row.phone_sealed).toMatch(/^v1\./);
    expect(testPhones.open(row.phone_sealed!)).toBe(phone);
    // Another key opens nothing: the sealed value is not an encoding of the number.
    expect(() => phoneVault('another-key-another-key-another-key-0000').open(row.phone_sealed!)).toThrow();
  });

  it('the same phone signs in as the same customer, found by its blind index', async () => {
    const first = (await inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/session`, payload: { phone } })).json();
    const again = (await inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/session`, payload: { phone } })).json();
    expect(again.customer).toEqual(first.customer);
    expect(first.customer.phone).toBe(phone);
  });

  it('staff find the order by the phone or its tail; the list shows it masked', async () => {
    for (const q of [phone, phone.slice(-4), phone.slice(-7)]) {
      const r = await inject({ method: 'GET', url: `/api/v1/orders?q=${q}`, headers: auth(world.adminToken) });
      expect(r.json().items.map((o: { customer_phone: string }) => o.customer_phone), q).toEqual(['139****8765']);
    }
    expect((await inject({ method: 'GET', url: `/api/v1/orders?q=${phone.slice(2, 8)}`, headers: auth(world.adminToken) })).json().total).toBe(0);
  });

  it('a tenant admin reveals the phone, audited; the CRM shows it masked', async () => {
    const id = (await db.selectFrom('customers').select('id').where('tenant_id', '=', t).where('phone_index', '=', testPhones.index(phone)).executeTakeFirstOrThrow()).id;
    const page = await inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers: auth(world.adminToken) });
    expect(page.json().phone).toBe('139****8765');
    expect(page.json().identities.filter((i: { provider: string }) => i.provider === 'phone').map((i: { subject: string }) => i.subject)).toEqual(['139****8765']);
    const before = await db.selectFrom('audit_log').select('id').where('tenant_id', '=', t).where('action', '=', 'customer.phone_revealed').execute();
    expect((await inject({ method: 'POST', url: `/api/v1/customers/${id}/phone`, headers: auth(world.adminToken) })).json()).toEqual({ phone });
    expect(await db.selectFrom('audit_log').select('id').where('tenant_id', '=', t).where('action', '=', 'customer.phone_revealed').execute()).toHaveLength(before.length + 1);
  });

  it('the database refuses a plain number in any phone column', async () => {
    const insert = (values: Record<string, unknown>) => db.insertInto('customers').values({ tenant_id: t, id: newId('cus'), name: 'x', ...values } as never).execute();
    await expect(insert({ phone_masked: '13900001111' })).rejects.toThrow(/check/i);
    await expect(insert({ phone_sealed: '13900001111', phone_index: testPhones.index('13900001111'), phone_masked: '139****1111', phone_tails: ['a'] })).rejects.toThrow(/check/i);
    await expect(insert({ phone_sealed: testPhones.seal('13900001111'), phone_index: '13900001111', phone_masked: '139****1111', phone_tails: ['a'] })).rejects.toThrow(/check/i);
    const other = newId('cus');
    await db.insertInto('customers').values({ tenant_id: t, id: other, name: 'y' }).execute();
    await expect(db.insertInto('customer_identities').values({ tenant_id: t, provider: 'phone', subject: '13900001111', customer_id: other }).execute()).rejects.toThrow(/check/i);
  });

  it('phones stored before sealing are sealed at start: columns, identity and login; sign-in finds them', async () => {
    const old = newId('cus');
    const user = newId('usr');
    const plain = '13700006543';
    await db.insertInto('users').values({ tenant_id: t, id: user, login: `consumer:${plain}`, display_name: 'Old', role: 'consumer', password_hash: null, supplier_id: null, b_node_id: null }).execute();
    await db.insertInto('customers').values({ tenant_id: t, id: old, user_id: user, b_node_id: world.bNodeId, name: 'Old' }).execute();
    await db.insertInto('customer_phones_unsealed').values({ tenant_id: t, customer_id: old, phone: plain }).execute();
    // As migration 032 left it: the check skips rows from before until the step validates it.
    await sql`ALTER TABLE customer_identities DROP CONSTRAINT customer_identities_phone_blind`.execute(db);
    await db.insertInto('customer_identities').values({ tenant_id: t, provider: 'phone', subject: plain, customer_id: old }).execute();
    await sql`ALTER TABLE customer_identities ADD CONSTRAINT customer_identities_phone_blind CHECK (provider <> 'phone' OR subject ~ '^[0-9a-f]{64}$') NOT VALID`.execute(db);

    expect(await sealUnsealedPhones(db, testPhones, 1)).toBe(1);
    expect(await db.selectFrom('customer_phones_unsealed').selectAll().execute()).toEqual([]);
    expect(await everything()).not.toContain(plain);
    const row = await db.selectFrom('customers').select(['phone_masked', 'phone_sealed']).where('tenant_id', '=', t).where('id', '=', old).executeTakeFirstOrThrow();
    expect(row.phone_masked).toBe(maskPhone(plain));
    expect(testPhones.open(row.phone_sealed!)).toBe(plain);
    const { rows: [check] } = await sql<{ convalidated: boolean }>`SELECT convalidated FROM pg_constraint WHERE conname = 'customer_identities_phone_blind'`.execute(db);
    expect(check!.convalidated).toBe(true);
    const signedIn = await db.transaction().execute((tx) => signInWithPhone(tx, testPhones, t, { phone: plain, b_node_id: world.bNodeId }));
    expect(signedIn).toMatchObject({ id: old, user_id: user, phone: plain });
    // A second start finds nothing to do.
    expect(await sealUnsealedPhones(db, testPhones)).toBe(0);
  });
});
