import { Kysely, PostgresDialect, type Generated, type Transaction } from 'kysely';
import pg from 'pg';
import { siyuTypes } from './int8.js';
import { preparingPool } from './prepared.js';

/** The tables the platform itself owns; each module declares its own in its *.tables.ts. */
export interface PlatformTables {
  idempotency_keys: {
    tenant_id: string; scope: string; key: string; request_hash: string;
    response_status: number; response_body: string; created_at: Generated<Date>;
  };
  audit_log: {
    tenant_id: string; id: Generated<string>; actor: string | null; action: string; entity: string;
    entity_id: string; details: Generated<unknown>; created_at: Generated<Date>;
  };
}

/**
 * A connection to a database holding at least the platform's tables. The platform is generic in
 * the rest of the schema: the application's union of all modules' tables lives in src/database.ts.
 */
export type Db<DB = PlatformTables> = Kysely<DB>;
export type Tx<DB = PlatformTables> = Transaction<DB>;
/** Services accept either: a Db when they open their own transaction, a Tx when they join the caller's. */
export type Conn<DB = PlatformTables> = Db<DB> | Tx<DB>;

/** The platform's own view of any application database: only its own tables are typed. */
export function platformView(db: Conn<any>): Conn<PlatformTables> {
  return db as Conn<PlatformTables>;
}

/**
 * Statements are prepared per connection and planned generically: on the checkout path PostgreSQL
 * spent more CPU planning than executing, and with custom plans it kept re-planning the checkout
 * CTE on every call (bench checkout, 2 cores: ratio 0.35–0.45 with custom plans, 0.71 generic;
 * docs/benchmarks.md). `SIYU_DB_PREPARE=0` turns both off, e.g. behind a transaction-mode pooler.
 * bigint columns arrive as numbers, exact or not at all (int8.ts).
 */
/** Connections a server process keeps to PostgreSQL unless told otherwise. */
export const SERVER_POOL_MAX = 20;

export function createDb<DB = PlatformTables>(connectionString: string, options: { max?: number; onQuery?: (sql: string) => void; onStatement?: (sql: string) => void; prepare?: boolean } = {}): Db<DB> {
  const prepare = options.prepare ?? process.env.SIYU_DB_PREPARE !== '0';
  const pool = new pg.Pool({
    connectionString, max: options.max ?? SERVER_POOL_MAX, idleTimeoutMillis: 10_000, types: siyuTypes,
    // A database host that drops packets instead of refusing would leave requests hanging on
    // connect; after this long they answer 503 database_unavailable instead.
    connectionTimeoutMillis: 10_000,
    ...(prepare ? { options: '-c plan_cache_mode=force_generic_plan' } : {}),
  });
  // PostgreSQL going away (restart, failover, a killed backend) makes pg emit `error` on the pool
  // for idle clients and on the client itself for checked-out ones; unheard, either event ends the
  // process. The query in flight fails on its own and the pool replaces the broken client.
  pool.on('error', ignoreConnectionError);
  pool.on('connect', (client) => client.on('error', ignoreConnectionError));
  const onQuery = options.onQuery;
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: prepare || options.onStatement ? preparingPool(pool, { prepare, ...(options.onStatement ? { onStatement: options.onStatement } : {}) }) : pool }),
    ...(onQuery ? { log: (event) => { if (event.level === 'query') onQuery(event.query.sql); } } : {}),
  });
  pools.set(db, pool);
  return db;
}

const pools = new WeakMap<object, pg.Pool>();

/** The pg pool under a Db made by createDb(), for libraries that take a pool (the job queue). */
export function poolOf(db: Db<any>): pg.Pool | undefined {
  return pools.get(db);
}

/** For `error` events of connections whose failures also reach the caller as a rejected query. */
export function ignoreConnectionError(): void {}

/** A single pg client whose lost connection fails its queries instead of the process. */
export function newClient(connectionString: string): pg.Client {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  client.on('error', ignoreConnectionError);
  return client;
}

/**
 * The SQLSTATE classes and socket errors that mean the database is unreachable or went away, as
 * opposed to a bad statement: 08 connection exception, 57P01–57P03 shutdown/cannot connect now,
 * 53300 too many connections; and pg's own errors for a closed or timed-out connection.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /^Connection terminated|^Client has encountered a connection error|^timeout exceeded when trying to connect|^Client was closed and is not queryable/.test(message);
}

/** The pool's connections (open, idle) and the queries waiting for one; for metrics. */
export function poolStats(db: Db<any>): { total: number; idle: number; waiting: number } | undefined {
  const pool = pools.get(db);
  return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Runs `fn` in a transaction, retrying on serialization failures and deadlocks, which PostgreSQL
 * asks the client to retry; any other error rolls back and propagates.
 */
export async function inTransaction<DB, T>(db: Db<DB>, fn: (tx: Tx<DB>) => Promise<T>, attempts = 4): Promise<T> {
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
