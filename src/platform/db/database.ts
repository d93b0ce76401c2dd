import { Kysely, PostgresDialect, type Generated, type Transaction } from 'kysely';
import { createHash } from 'node:crypto';
import pg from 'pg';
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

// bigint stays a string from pg; we convert with `fen()` where it is read, keeping exactness checks in one place.
/**
 * Statements are prepared per connection and planned generically: on the checkout path PostgreSQL
 * spent more CPU planning than executing, and with custom plans it kept re-planning the checkout
 * CTE on every call (bench checkout, 2 cores: ratio 0.35–0.45 with custom plans, 0.71 generic;
 * docs/benchmarks.md). `SIYU_DB_PREPARE=0` turns both off, e.g. behind a transaction-mode pooler.
 */
export function createDb(connectionString: string, options: { max?: number; onQuery?: (sql: string) => void; prepare?: boolean } = {}): Db {
  const prepare = options.prepare ?? process.env.SIYU_DB_PREPARE !== '0';
  const pool = new pg.Pool({
    connectionString, max: options.max ?? 20, idleTimeoutMillis: 10_000,
    ...(prepare ? { options: '-c plan_cache_mode=force_generic_plan' } : {}),
  });
  pool.on('error', () => undefined); // an idle client's error must not crash the process; the next query reports it
  if (prepare) pool.on('connect', usePreparedStatements);
  const onQuery = options.onQuery;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    ...(onQuery ? { log: (event) => { if (event.level === 'query') onQuery(event.query.sql); } } : {}),
  });
  pools.set(db, pool);
  return db;
}

const pools = new WeakMap<Db, pg.Pool>();

/** The pool's connections (open, idle) and the queries waiting for one; for metrics. */
export function poolStats(db: Db): { total: number; idle: number; waiting: number } | undefined {
  const pool = pools.get(db);
  return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

const MAX_PREPARED_PER_CONNECTION = 2000;
const statementNames = new Map<string, string>();

/**
 * Sends every parameterised statement as a named prepared statement, so PostgreSQL parses and
 * plans it once per connection. Statement texts are few and fixed (Kysely compiles the same SQL for the same query
 * shape), and each connection stops preparing past a cap, so memory stays bounded.
 */
function usePreparedStatements(client: pg.PoolClient): void {
  // Looked up at call time, not bound once, so instrumentation of the prototype still sees every statement.
  const original = (...args: unknown[]) => (pg.Client.prototype.query as (...a: unknown[]) => unknown).apply(client, args);
  const prepared = new Set<string>();
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0) return original(text, values, callback);
    let name = statementNames.get(text);
    if (name === undefined) {
      name = `s${sha1(text)}`;
      if (statementNames.size < 10 * MAX_PREPARED_PER_CONNECTION) statementNames.set(text, name);
    }
    if (!prepared.has(name) && prepared.size >= MAX_PREPARED_PER_CONNECTION) return original(text, values, callback);
    prepared.add(name);
    return original({ name, text, values }, callback);
  };
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 24);
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
