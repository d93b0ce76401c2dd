import type { Command } from 'commander';
import { sql } from 'kysely';
import type { Database } from '../src/database.js';
import { loadConfig } from '../src/platform/config.js';
import { openScratchDatabase } from '../src/platform/db/scratch.js';
import { inTransaction } from '../src/platform/db/database.js';
import { planBroadcast } from '../src/modules/broadcasts/broadcasts.service.js';
import { customerPlanStatement } from '../src/modules/broadcasts/broadcasts.repo.js';
import { postgresCpuMs } from './cpu-usage.js';
import { integerAtLeast } from './options.js';
import { explainRolledBack, peakRssMb, printFigures, progress, registerBench } from './report.js';

export interface MessagingBenchFigures {
  customers: number; members: number; history_rows: number; will_receive: number; skipped: number; seconds: number;
  /** PostgreSQL's CPU for the plan (its server on this machine): the load-independent cost. */
  postgres_cpu_s: number | null;
  rss_mb: number;
}

const MEMBERS = 200;
const NODES = 50;
const TAGS = 20;
const PAST_BROADCASTS = 30;

/**
 * The mass-message planner at scale: a scratch database with `customers` customers across 50 B
 * nodes, each following one of 200 WeCom members (one in 50 no longer a contact), tagged with 2
 * of 20 tags, and 30 earlier broadcasts this month to a fifth of them each (the send history the
 * cap counts; one customer in ten already at the cap). Timed: planning a broadcast to customers
 * with any of 10 tags — the whole statement that decides and writes each recipient as will-receive
 * or skipped with its reason, in its transaction, as the console runs it.
 */
export async function runMessagingBench(opts: { customers: number; json: boolean }): Promise<MessagingBenchFigures> {
  const say = progress(opts.json);
  const scratch = await openScratchDatabase<Database>(loadConfig(), { poolMax: 4 });
  const { db } = scratch;
  try {
    const t = 'ten_msgbench';
    const n = opts.customers;
    say(`seeding ${n} customers, ${MEMBERS} members, ${TAGS} tags and ${PAST_BROADCASTS} earlier broadcasts…`);
    await sql`INSERT INTO tenants (id, slug, name) VALUES (${t}, 'msgbench', 'Messaging bench')`.execute(db);
    await sql`INSERT INTO warehouses (tenant_id, id, name) VALUES (${t}, 'wh', 'Central')`.execute(db);
    await sql`INSERT INTO b_nodes (tenant_id, id, kind, name, slug, warehouse_id)
      SELECT ${t}, 'bn_' || i, 'store', 'Store ' || i, 'msg-' || i, 'wh' FROM generate_series(1, ${NODES}) i`.execute(db);
    await sql`INSERT INTO wecom_members (tenant_id, userid, name, b_node_id)
      SELECT ${t}, 'm' || i, 'Member ' || i, 'bn_' || (1 + i % ${NODES}) FROM generate_series(1, ${MEMBERS}) i`.execute(db);
    await sql`INSERT INTO customers (tenant_id, id, b_node_id, name)
      SELECT ${t}, 'cus_' || i, 'bn_' || (1 + i % ${NODES}), 'Customer ' || i FROM generate_series(1, ${n}) i`.execute(db);
    await sql`INSERT INTO customer_follows (tenant_id, customer_id, userid, external_userid, added_at, ended_at, ended_by)
      SELECT ${t}, 'cus_' || i, 'm' || (1 + i % ${MEMBERS}), 'wm' || i, now() - interval '60 days',
             CASE WHEN i % 50 = 0 THEN now() - interval '1 day' END, CASE WHEN i % 50 = 0 THEN 'customer' END
        FROM generate_series(1, ${n}) i`.execute(db);
    await sql`INSERT INTO customer_tag_groups (tenant_id, id, name) VALUES (${t}, 'tg', 'Bench')`.execute(db);
    await sql`INSERT INTO customer_tags (tenant_id, id, group_id, name) SELECT ${t}, 'tag_' || i, 'tg', 'Tag ' || i FROM generate_series(1, ${TAGS}) i`.execute(db);
    await sql`INSERT INTO customer_tag_links (tenant_id, customer_id, tag_id)
      SELECT ${t}, 'cus_' || i, 'tag_' || (1 + (i + k * 7) % ${TAGS}) FROM generate_series(1, ${n}) i, generate_series(0, 1) k`.execute(db);
    // Send history this month (in Shanghai): broadcast b reached every fifth customer from offset
    // b % 5; one customer in ten got all 30 and more, filling a 30- or 31-day month.
    await sql`INSERT INTO broadcasts (tenant_id, id, chat_type, initiator, audience, content, status, send_at, planned_at)
      SELECT ${t}, 'past_' || b, 'single', 'corp', '{}', '{}', 'sent', date_trunc('month', now(), 'Asia/Shanghai') + interval '1 hour', now()
        FROM generate_series(1, ${PAST_BROADCASTS + 1}) b`.execute(db);
    await sql`INSERT INTO broadcast_recipients (tenant_id, broadcast_id, recipient_key, initiator, customer_id, external_userid, sender_userid, status, counted_at)
      SELECT ${t}, 'past_' || b, 'cus_' || i, 'corp', 'cus_' || i, 'wm' || i, 'm' || (1 + i % ${MEMBERS}), 'sent', date_trunc('month', now(), 'Asia/Shanghai') + interval '1 hour'
        FROM generate_series(1, ${PAST_BROADCASTS}) b, generate_series(1, ${n}) i
       WHERE i % 5 = b % 5`.execute(db);
    await sql`INSERT INTO broadcast_recipients (tenant_id, broadcast_id, recipient_key, initiator, customer_id, status, counted_at)
      SELECT ${t}, p.id, 'cus_' || i, 'corp', 'cus_' || i, 'sent', date_trunc('month', now(), 'Asia/Shanghai') + interval '1 hour'
        FROM generate_series(1, ${n}) i, (SELECT 'past_' || b AS id FROM generate_series(1, ${PAST_BROADCASTS + 1}) b) p
       WHERE i % 10 = 0
      ON CONFLICT DO NOTHING`.execute(db);
    const historyRows = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM broadcast_recipients WHERE tenant_id = ${t}`.execute(db)).rows[0]!.n);
    await sql`ANALYZE`.execute(db);

    const input = {
      chat_type: 'single' as const, initiator: 'corp' as const, content: { text: 'This weekend: apples', attachments: [] },
      audience: { tags_any: Array.from({ length: 10 }, (_, i) => `tag_${i + 1}`) }, send_at: new Date(),
    };
    // The plan of the planner's statement: where the time goes.
    const explained = { tenantId: t, broadcastId: 'bc_explain', initiator: 'corp' as const, senderUserid: null, sendAt: input.send_at };
    await explainRolledBack(db, customerPlanStatement(explained, input.audience),
      (tx) => sql`INSERT INTO broadcasts (tenant_id, id, chat_type, audience, content, send_at, planned_at) VALUES (${t}, 'bc_explain', 'single', '{}', '{}', now(), now())`.execute(tx));
    say('planning…');
    const pgBefore = await postgresCpuMs(db);
    const start = performance.now();
    const id = await inTransaction(db, (tx) => planBroadcast(tx, t, input, null, new Date()));
    const seconds = (performance.now() - start) / 1000;
    const pgAfter = await postgresCpuMs(db);
    const counts = (await sql<{ status: string; n: string }>`SELECT status, count(*) AS n FROM broadcast_recipients WHERE tenant_id = ${t} AND broadcast_id = ${id} GROUP BY status`.execute(db)).rows;
    const of = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
    const figures: MessagingBenchFigures = {
      customers: n, members: MEMBERS, history_rows: historyRows, will_receive: of('planned'), skipped: of('skipped'),
      seconds: Number(seconds.toFixed(3)),
      postgres_cpu_s: pgBefore !== undefined && pgAfter !== undefined ? Number(((pgAfter - pgBefore) / 1000).toFixed(2)) : null,
      rss_mb: peakRssMb(),
    };
    if (figures.will_receive + figures.skipped === 0) throw new Error('the plan chose nobody');
    return printFigures(opts.json, figures, (f) => [
      `messaging: ${n} customers, ${MEMBERS} members, ${historyRows} earlier sends this month`,
      `  plan              ${f.seconds} s (PostgreSQL CPU ${f.postgres_cpu_s ?? '–'} s)`,
      `  will receive      ${f.will_receive}`,
      `  skipped           ${f.skipped}`,
      `  peak RSS          ${f.rss_mb} MB`,
    ]);
  } finally {
    await scratch.close();
  }
}

export function registerMessagingBench(bench: Command): void {
  registerBench<{ customers: number }>(bench, {
    name: 'messaging',
    description: 'the mass-message planner: a broadcast to customers by tag, caps checked against the send history, in one statement',
    options: [{ flags: '--customers <n>', description: 'customers in the tenant', parse: integerAtLeast(1), default: 100_000 }],
    run: runMessagingBench,
  });
}
