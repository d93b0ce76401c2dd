import { sql } from 'kysely';

/** Each tenant's unpaid-order timeout in minutes, to join by `id`. */
export function paymentTimeouts() {
  return sql`(SELECT id, order_payment_timeout_minutes FROM tenants)`;
}

/** Each tenant's time zone, to join by `id` (business days are the tenant's days). */
export function tenantTimeZones() {
  return sql<{ id: string; time_zone: string }>`(SELECT id, time_zone FROM tenants)`;
}
