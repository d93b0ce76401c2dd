/**
 * `siyu bench wecom-callbacks`: WeCom callback events verified and kept per second over HTTP. A
 * server this process starts on a scratch database, a tenant connected to a corp; then
 * change_external_contact events — built, encrypted and signed ahead as WeCom does (its cost, not
 * ours) — POSTed to /hooks/wecom/{tenant} by concurrent clients, a quarter of them duplicates
 * (WeCom's retries: the same event, signed afresh, in random order so some race their original).
 * Each 200 is an event whose signature was checked, decrypted, parsed and stored once with its
 * wecom.event job. `stored_twice` counts, from the database, events stored more than once (must be 0).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { createSiyu, type Siyu } from '../src/app.js';
import type { Database } from '../src/database.js';
import { loadConfig, withoutPerAddressLimits } from '../src/platform/config.js';
import { openScratchDatabase } from '../src/platform/db/scratch.js';
import { newId } from '../src/platform/ids.js';
import { connectWecom, wecomSealKey } from '../src/modules/wecom/wecom.service.js';
import { signedCallback } from '../src/simulators/wecom/wecom.sim-state.js';
import { seedRng } from '../src/cli/seed/rng.js';
import { quantile, round } from './checkout.bench.js';
import { postgresCpuMs, processCpuMs } from './cpu-usage.js';
import { integerAtLeast } from './options.js';

const positiveInt = integerAtLeast(4);
const CORP = 'wwbenchcorp00001';
const TOKEN = 'BenchWecomToken';
const AES_KEY = 'BenchWecomEncodingAesKey0000000000000000000';

export interface WecomCallbackBenchResult {
  events: number; unique: number; duplicates: number; clients: number; seconds: number;
  per_s: number; p50_ms: number; p99_ms: number;
  /** Events kept, and events kept more than once (must be 0). */
  stored: number; stored_twice: number;
  /** Answers other than 200. */
  failed: number;
  load_average: number[];
  cpu_ms_per_event: { node: number; postgres: number | null }; cpu_bound_per_s: number | null;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function runWecomCallbackBench(opts: { events: number; clients: number; json: boolean }): Promise<WecomCallbackBenchResult> {
  const say = (m: string) => { if (!opts.json) process.stderr.write(`${m}\n`); };
  const config = withoutPerAddressLimits(loadConfig());
  const scratch = await openScratchDatabase<Database>(config, { poolMax: opts.clients + 4 });
  let siyu: Siyu | undefined;
  try {
    const duplicates = Math.floor(opts.events / 4);
    const unique = opts.events - duplicates;
    const tenantId = newId('ten');
    await scratch.db.insertInto('tenants').values({ id: tenantId, slug: 'bench-wecom', name: 'Bench WeCom' }).execute();
    await connectWecom(scratch.db, wecomSealKey(config.secretKey), tenantId, { corpId: CORP, token: TOKEN, encodingAesKey: AES_KEY, secret: 'bench-secret', apiBase: 'http://127.0.0.1:9/simulators/wecom' });
    siyu = await createSiyu(scratch.db, config, { logger: false, wecomHandlers: [] });
    await siyu.server.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(siyu.server.server.address() as AddressInfo).port}/hooks/wecom/bench-wecom`;

    say(`encrypting and signing ${opts.events} events…`);
    const rng = seedRng(11);
    const corp = { corp_id: CORP, secret: '', token: TOKEN, encoding_aes_key: AES_KEY, callback_url: url };
    const at = new Date();
    const targets = [...Array.from({ length: unique }, (_, i) => i + 1), ...Array.from({ length: duplicates }, () => rng.int(1, unique))];
    for (let i = targets.length - 1; i > 0; i--) { const j = rng.int(0, i); [targets[i], targets[j]] = [targets[j]!, targets[i]!]; }
    const calls = targets.map((g) => signedCallback(corp, {
      corpId: CORP, createTime: 1_700_000_000 + g, event: 'change_external_contact', changeType: 'add_external_contact',
      userId: `member${g % 50}`, externalUserId: `wmbench${g}`, state: `store-${g % 20}`, welcomeCode: `wc${g}`,
    }, at));

    say(`posting ${opts.events} events from ${opts.clients} clients…`);
    const latencies: number[] = [];
    let failed = 0;
    let next = 0;
    const pgBefore = await postgresCpuMs(scratch.db);
    const nodeBefore = processCpuMs();
    const started = performance.now();
    await Promise.all(Array.from({ length: opts.clients }, async () => {
      for (let i = next++; i < calls.length; i = next++) {
        const t = performance.now();
        const status = await post(calls[i]!.url, calls[i]!.body);
        latencies.push(performance.now() - t);
        if (status !== 200) failed++;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const nodeMs = (processCpuMs() - nodeBefore) / opts.events;
    const pgAfter = await postgresCpuMs(scratch.db);
    const pgMs = pgBefore !== undefined && pgAfter !== undefined ? (pgAfter - pgBefore) / opts.events : null;
    latencies.sort((a, b) => a - b);
    const { rows: [counts] } = await sql<{ stored: number; stored_twice: number }>`
      SELECT count(*)::int AS stored,
             (SELECT count(*)::int FROM (SELECT event->>'externalUserId' FROM wecom_callback_inbox WHERE tenant_id = ${tenantId} GROUP BY 1 HAVING count(*) > 1) d) AS stored_twice
        FROM wecom_callback_inbox WHERE tenant_id = ${tenantId}`.execute(scratch.db);
    const result: WecomCallbackBenchResult = {
      events: opts.events, unique, duplicates, clients: opts.clients, seconds: round(seconds, 2),
      per_s: round(opts.events / seconds, 1), p50_ms: round(quantile(latencies, 0.5), 2), p99_ms: round(quantile(latencies, 0.99), 2),
      stored: counts!.stored, stored_twice: counts!.stored_twice, failed,
      load_average: (await import('node:os')).loadavg().map((l) => round(l, 2)),
      cpu_ms_per_event: { node: round(nodeMs, 3), postgres: pgMs === null ? null : round(pgMs, 3) },
      cpu_bound_per_s: pgMs === null ? null : round(2000 / (nodeMs + pgMs), 0),
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write([
        `wecom-callbacks: ${result.events} WeCom events (${result.duplicates} duplicates) from ${result.clients} clients in ${result.seconds} s`,
        `  verified         ${result.per_s} events/s`,
        `  answer           p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms`,
        `  stored           ${result.stored} of ${result.unique}`,
        `  stored twice     ${result.stored_twice}`,
        `  failed answers   ${result.failed}`,
        `  CPU per event    ${result.cpu_ms_per_event.node} ms this process (server and clients), ${result.cpu_ms_per_event.postgres ?? '–'} ms PostgreSQL → ${result.cpu_bound_per_s ?? '–'}/s on two idle cores`,
        `  load average     ${result.load_average.join(' ')}`,
        '',
      ].join('\n'));
    }
    return result;
  } finally {
    await siyu?.close();
    await scratch.close();
  }
}

export function registerWecomCallbackBench(bench: Command): void {
  bench
    .command('wecom-callbacks')
    .description('WeCom callback events verified, decrypted and kept once per second over HTTP, a quarter duplicates')
    .option('--events <n>', 'events posted', positiveInt, 20_000)
    .option('--clients <n>', 'concurrent HTTP clients', positiveInt, 32)
    .option('--json', 'print one JSON line')
    .action(async (opts: { events: number; clients: number; json?: boolean }) => {
      await runWecomCallbackBench({ events: opts.events, clients: opts.clients, json: opts.json === true });
    });
}
