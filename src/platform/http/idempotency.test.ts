import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../../test/test-db.js';
import { loadConfig } from '../config.js';
import { pruneIdempotencyKeys } from './idempotency.js';

describe('idempotency key retention', async () => {
  const { db } = await createTestDatabase();

  it('prunes keys older than the retention period and keeps the rest', async () => {
    await sql`INSERT INTO tenants (id, slug, name) VALUES ('ten_idem', 'idem', 'Idem')`.execute(db);
    const ages = { fresh: 1, day: 30, old: 49, ancient: 24 * 90 };
    for (const [key, hours] of Object.entries(ages)) {
      await sql`INSERT INTO idempotency_keys (tenant_id, scope, key, request_hash, response_status, response_body, created_at)
                VALUES ('ten_idem', 'u:orders', ${key}, 'h', 201, '{}', now() - ${hours} * interval '1 hour')`.execute(db);
    }
    expect(await pruneIdempotencyKeys(db, 48)).toBe(2);
    const { rows } = await sql<{ key: string }>`SELECT key FROM idempotency_keys WHERE tenant_id = 'ten_idem' ORDER BY key`.execute(db);
    expect(rows.map((r) => r.key)).toEqual(['day', 'fresh']);
    expect(await pruneIdempotencyKeys(db, 24)).toBe(1);
  });

  it('the retention is configurable, 48 h by default, never under 24 h', () => {
    expect(loadConfig({}).idempotencyRetentionHours).toBe(48);
    expect(loadConfig({ SIYU_IDEMPOTENCY_RETENTION_HOURS: '72' }).idempotencyRetentionHours).toBe(72);
    expect(() => loadConfig({ SIYU_IDEMPOTENCY_RETENTION_HOURS: '12' })).toThrow(/at least 24/);
  });
});
