import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql, type RawBuilder } from 'kysely';
import { platformError, type AppError } from '../errors.js';
import { sha256 } from '../ids.js';
import { inTransaction, platformView, type Db, type Tx } from '../db/database.js';
import type { Actor } from './auth.js';

export interface Outcome { status: number; body: unknown }

/**
 * A refusal that one read decides before anything is written, such as a flash sale already sold
 * out: a burst of buyers then costs one statement each instead of a transaction that writes the
 * key and rolls it back. It is asked in the same statement as whether the key was seen, so in one
 * snapshot: the effect commits its key with its writes, so a key that took the last unit is seen
 * as that unit is, and replays its stored answer instead of being refused.
 */
export interface EarlyRefusal { refused: RawBuilder<boolean>; error: () => AppError }

/**
 * Runs a money-moving or order-creating request at most once per Idempotency-Key.
 * The key row is inserted in the same transaction as the effect: a concurrent request with the same
 * key blocks on that insert until the first commits, then replays its stored response. A failed
 * request rolls back its key too, so a corrected retry with the same key may run (as Stripe does).
 */
export async function idempotent<DB>(
  db: Db<DB>,
  request: FastifyRequest,
  reply: FastifyReply,
  actor: Actor,
  scope: string,
  effect: (tx: Tx<DB>) => Promise<Outcome>,
  /**
   * Work that must not hold the transaction open (a provider's network call), run after it
   * committed, on the first answer and on every replay: it turns the stored body into the one sent.
   */
  finish?: (body: unknown) => Promise<unknown>,
  early?: EarlyRefusal,
): Promise<FastifyReply> {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) throw platformError('idempotency_key_required');
  const key = Array.isArray(raw) ? raw[0] ?? '' : raw;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw platformError('idempotency_key_invalid');
  const requestHash = sha256(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`);
  const fullScope = `${actor.userId}:${scope}`;
  if (early) {
    const { rows } = await sql<{ refused: boolean; seen: boolean }>`
      SELECT ${early.refused} AS refused,
             EXISTS (SELECT 1 FROM idempotency_keys WHERE tenant_id = ${actor.tenantId} AND scope = ${fullScope} AND key = ${key}) AS seen`.execute(db);
    if (rows[0]!.refused && !rows[0]!.seen) throw early.error();
  }

  const outcome = await inTransaction(db, async (tx) => {
    const inserted = await sql<{ key: string }>`
      INSERT INTO idempotency_keys (tenant_id, scope, key, request_hash, response_status, response_body)
      VALUES (${actor.tenantId}, ${fullScope}, ${key}, ${requestHash}, 0, '')
      ON CONFLICT (tenant_id, scope, key) DO NOTHING
      RETURNING key`.execute(tx);
    if (inserted.rows.length === 0) {
      const stored = await platformView(tx).selectFrom('idempotency_keys')
        .select(['request_hash', 'response_status', 'response_body'])
        .where('tenant_id', '=', actor.tenantId).where('scope', '=', fullScope).where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (stored.request_hash !== requestHash) throw platformError('idempotency_key_reused');
      return { status: stored.response_status, text: stored.response_body, replayed: true };
    }
    const result = await effect(tx);
    const text = JSON.stringify(result.body);
    await platformView(tx).updateTable('idempotency_keys')
      .set({ response_status: result.status, response_body: text })
      .where('tenant_id', '=', actor.tenantId).where('scope', '=', fullScope).where('key', '=', key)
      .execute();
    return { status: result.status, text, replayed: false };
  });
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  if (finish && outcome.status < 300) {
    const body = await finish(JSON.parse(outcome.text));
    return reply.status(outcome.status).type('application/json; charset=utf-8').send(JSON.stringify(body));
  }
  return reply.status(outcome.status).type('application/json; charset=utf-8').send(outcome.text);
}

/** Key order must not change the hash: `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Deletes idempotency keys older than the retention period (a daily cron job); a retry after that
 * runs as a new request. Deletes in batches so a large backlog never holds one long transaction.
 */
export async function pruneIdempotencyKeys(db: Db<any>, retentionHours: number): Promise<number> {
  let pruned = 0;
  for (;;) {
    const { numAffectedRows } = await sql`
      DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM idempotency_keys WHERE created_at < now() - ${retentionHours} * interval '1 hour' LIMIT 5000))`.execute(db);
    const n = Number(numAffectedRows ?? 0);
    pruned += n;
    if (n < 5000) return pruned;
  }
}
