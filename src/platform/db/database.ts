import { Kysely, PostgresDialect, type Generated, type Transaction } from 'kysely';
import pg from 'pg';
import { siyuTypes } from './int8.js';
import { preparingPool } from './prepared.js';
import type { IdentityTables } from '../../modules/identity/identity.tables.js';
import type { CatalogTables } from '../../modules/catalog/catalog.tables.js';
import type { BNodeTables } from '../../modules/b-nodes/b-nodes.tables.js';
import type { CustomerTables } from '../../modules/customers/customers.tables.js';
import type { OrderTables } from '../../modules/orders/orders.tables.js';
import type { PaymentTables } from '../../modules/payments/payments.tables.js';
import type { EconomicsTables } from '../../modules/economics/economics.tables.js';
import type { CampaignTables } from '../../modules/campaigns/campaigns.tables.js';

interface PlatformTables {
  idempotency_keys: {
    tenant_id: string; scope: string; key: string; request_hash: string;
    response_status: number; response_body: string; created_at: Generated<Date>;
  };
  jobs: {
    id: Generated<string>; tenant_id: string; kind: string; payload: unknown; run_at: Generated<Date>;
    attempts: Generated<number>; last_error: string | null; done_at: Date | null; created_at: Generated<Date>;
  };
  audit_log: {
    tenant_id: string; id: Generated<string>; actor: string | null; action: string; entity: string;
    entity_id: string; details: Generated<unknown>; created_at: Generated<Date>;
  };
}

/** Each module declares the tables it owns; this is only their union for Kysely's typing. */
export interface Database extends PlatformTables, IdentityTables, CatalogTables, BNodeTables, CustomerTables, OrderTables, PaymentTables, EconomicsTables, CampaignTables {}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Services accept either: a Db when they open their own transaction, a Tx when they join the caller's. */
export type Conn = Db | Tx;

/**
 * Statements are prepared per connection and planned generically: on the checkout path PostgreSQL
 * spent more CPU planning than executing, and with custom plans it kept re-planning the checkout
 * CTE on every call (bench checkout, 2 cores: ratio 0.35–0.45 with custom plans, 0.71 generic;
 * docs/benchmarks.md). `SIYU_DB_PREPARE=0` turns both off, e.g. behind a transaction-mode pooler.
 * bigint columns arrive as numbers, exact or not at all (int8.ts).
 */
export function createDb(connectionString: string, options: { max?: number; onQuery?: (sql: string) => void; onStatement?: (sql: string) => void; prepare?: boolean } = {}): Db {
  const prepare = options.prepare ?? process.env.SIYU_DB_PREPARE !== '0';
  const pool = new pg.Pool({
    connectionString, max: options.max ?? 20, idleTimeoutMillis: 10_000, types: siyuTypes,
    ...(prepare ? { options: '-c plan_cache_mode=force_generic_plan' } : {}),
  });
  pool.on('error', () => undefined); // an idle client's error must not crash the process; the next query reports it
  const onQuery = options.onQuery;
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: prepare || options.onStatement ? preparingPool(pool, { prepare, ...(options.onStatement ? { onStatement: options.onStatement } : {}) }) : pool }),
    ...(onQuery ? { log: (event) => { if (event.level === 'query') onQuery(event.query.sql); } } : {}),
  });
}

const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Runs `fn` in a transaction, retrying on serialization failures and deadlocks, which PostgreSQL
 * asks the client to retry; any other error rolls back and propagates.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await db.transaction().execute(fn);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= attempts || code === undefined || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 5 * i + Math.random() * 10));
    }
  }
}
