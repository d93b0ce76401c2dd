import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import { newId } from '../../platform/ids.js';
import { createConsumerUser } from '../identity/identity.service.js';

/**
 * A consumer is a customer record plus a password-less user of role `consumer`. Keyed by phone:
 * the same phone in the same tenant is the same person, whichever shop they came through first
 * (that shop keeps ownership, which attribution later builds on).
 */
export async function findOrCreateConsumer(tx: Conn, tenantId: string, input: { name: string; phone: string; b_node_id: string }) {
  const customerId = newId('cus');
  const userId = newId('usr');
  const inserted = await sql<{ id: string }>`
    INSERT INTO customers (tenant_id, id, user_id, b_node_id, name, phone)
    VALUES (${tenantId}, ${customerId}, ${userId}, ${input.b_node_id}, ${input.name}, ${input.phone})
    ON CONFLICT (tenant_id, phone) DO NOTHING RETURNING id`.execute(tx);
  if (inserted.rows.length) {
    await createConsumerUser(tx, tenantId, userId, input);
    return { id: customerId, user_id: userId, name: input.name, phone: input.phone };
  }
  const existing = await tx.selectFrom('customers').select(['id', 'user_id', 'name', 'phone'])
    .where('tenant_id', '=', tenantId).where('phone', '=', input.phone).executeTakeFirstOrThrow();
  return { id: existing.id, user_id: existing.user_id!, name: existing.name, phone: existing.phone };
}

/** A customer's name and phone for an order's detail page; null if unknown. */
export async function customerCard(db: Conn, tenantId: string, customerId: string) {
  return (await db.selectFrom('customers').select(['id', 'name', 'phone']).where('tenant_id', '=', tenantId).where('id', '=', customerId).executeTakeFirst()) ?? null;
}
