import { createHash } from 'node:crypto';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

export const MAX_PREPARED_PER_CONNECTION = 2000;

/**
 * Kysely's view of a pg pool whose connections send every parameterised statement as a named
 * prepared statement (pg's `{ name, text, values }` query config), so PostgreSQL parses and plans
 * it once per connection. Kysely compiles the same SQL for the same query shape, so statement texts
 * are few and fixed; past `maxPerConnection` distinct statements a connection stops preparing new
 * ones, so server memory stays bounded. Statements without parameters (BEGIN, COMMIT, DDL) go as
 * they are. `onStatement` sees every statement sent, BEGIN and COMMIT included (benchmarks count
 * round trips with it).
 */
export function preparingPool(pool: pg.Pool, options: { prepare?: boolean; maxPerConnection?: number; onStatement?: (sql: string) => void } = {}): PostgresPool {
  // With prepare off nothing is prepared (a cap of 0); the wrapper then only reports statements.
  const max = options.prepare === false ? 0 : options.maxPerConnection ?? MAX_PREPARED_PER_CONNECTION;
  // One wrapper per pg client, so each connection's set of prepared names lives exactly as long as it.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = preparingClient(client, max, options.onStatement);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

function preparingClient(client: pg.PoolClient, max: number, onStatement: ((sql: string) => void) | undefined): PostgresPoolClient {
  const prepared = new Set<string>();
  function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
    onStatement?.(sqlOrCursor);
    const values = parameters as unknown[];
    if (values.length === 0) return client.query(sqlOrCursor, values) as unknown as Promise<PostgresQueryResult<R>>;
    const name = statementName(sqlOrCursor);
    if (!prepared.has(name)) {
      if (prepared.size >= max) return client.query(sqlOrCursor, values) as unknown as Promise<PostgresQueryResult<R>>;
      prepared.add(name);
    }
    return client.query({ name, text: sqlOrCursor, values }) as unknown as Promise<PostgresQueryResult<R>>;
  }
  return { query, release: (destroy?: boolean) => client.release(destroy) };
}

const names = new Map<string, string>();

/** A stable name per statement text; the memo is capped, past it names are recomputed (still stable). */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `s${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (names.size < 10 * MAX_PREPARED_PER_CONNECTION) names.set(text, name);
  }
  return name;
}
