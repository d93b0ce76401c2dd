/**
 * What the callback benchmarks (WeChat Pay notify, WeCom callbacks) share: prepared requests POSTed
 * by concurrent keep-alive clients, each answer timed, the CPU spent by this process and by
 * PostgreSQL per request, and the figures and lines those make.
 */
import http from 'node:http';
import os from 'node:os';
import type { Command } from 'commander';
import type { AddressInfo } from 'node:net';
import { createSiyu, type Siyu, type SiyuOptions } from '../src/app.js';
import type { Database, Db } from '../src/database.js';
import { loadConfig, withoutPerAddressLimits, type Config } from '../src/platform/config.js';
import { openScratchDatabase } from '../src/platform/db/scratch.js';
import { quantile, round } from './checkout.bench.js';
import { postgresCpuMs, processCpuMs } from './cpu-usage.js';
import { integerAtLeast } from './options.js';
import { registerBench, type CountOption } from './report.js';

/**
 * A scratch database with a pool for `clients`, `prepare`d (seeded, a tenant connected), then the
 * server listening on a loopback port; both closed after `run`, however it ends.
 */
export async function withBenchServer<P, T>(spec: {
  clients: number; prepare: (db: Db, config: Config) => Promise<P>; server: SiyuOptions;
  run: (ctx: { db: Db; origin: string; prepared: P }) => Promise<T>;
}): Promise<T> {
  const config = withoutPerAddressLimits(loadConfig());
  const scratch = await openScratchDatabase<Database>(config, { poolMax: spec.clients + 4 });
  let siyu: Siyu | undefined;
  try {
    const prepared = await spec.prepare(scratch.db, config);
    siyu = await createSiyu(scratch.db, config, { logger: false, ...spec.server });
    await siyu.server.listen({ port: 0, host: '127.0.0.1' });
    return await spec.run({ db: scratch.db, origin: `http://127.0.0.1:${(siyu.server.server.address() as AddressInfo).port}`, prepared });
  } finally {
    await siyu?.close();
    await scratch.close();
  }
}

export interface PreparedPost { url: string; headers: Record<string, string>; body: string }

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
function post(req: PreparedPost): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = http.request(req.url, { method: 'POST', agent, headers: { ...req.headers, 'content-length': Buffer.byteLength(req.body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

/** The figures every callback benchmark reports, whatever it checks besides. */
export interface EventRateFigures {
  events: number; unique: number; duplicates: number; clients: number; seconds: number;
  per_s: number; p50_ms: number; p99_ms: number;
  /** Answers other than the expected status. */
  failed: number;
  load_average: number[];
  /**
   * CPU per event, this process (server and clients) and PostgreSQL: the load-independent cost.
   * `cpu_bound_per_s` is what two cores would take if nothing else ran: 2000 / the sum.
   */
  cpu_ms_per_event: { node: number; postgres: number | null }; cpu_bound_per_s: number | null;
}

/** A quarter of `events` are duplicates of the rest (a sender's retries). */
export function splitDuplicates(events: number) {
  const duplicates = Math.floor(events / 4);
  return { unique: events - duplicates, duplicates };
}

/** Every request POSTed once by `clients` concurrent clients, in order; timed and costed. */
export async function postConcurrently(db: Db, requests: PreparedPost[], opts: { clients: number; duplicates: number; expectStatus: number }): Promise<EventRateFigures> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const pgBefore = await postgresCpuMs(db);
  const nodeBefore = processCpuMs();
  const started = performance.now();
  await Promise.all(Array.from({ length: opts.clients }, async () => {
    for (let i = next++; i < requests.length; i = next++) {
      const t = performance.now();
      const status = await post(requests[i]!);
      latencies.push(performance.now() - t);
      if (status !== opts.expectStatus) failed++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const events = requests.length;
  const nodeMs = (processCpuMs() - nodeBefore) / events;
  const pgAfter = await postgresCpuMs(db);
  const pgMs = pgBefore !== undefined && pgAfter !== undefined ? (pgAfter - pgBefore) / events : null;
  latencies.sort((a, b) => a - b);
  return {
    events, unique: events - opts.duplicates, duplicates: opts.duplicates, clients: opts.clients, seconds: round(seconds, 2),
    per_s: round(events / seconds, 1), p50_ms: round(quantile(latencies, 0.5), 2), p99_ms: round(quantile(latencies, 0.99), 2),
    failed, load_average: os.loadavg().map((l) => round(l, 2)),
    cpu_ms_per_event: { node: round(nodeMs, 3), postgres: pgMs === null ? null : round(pgMs, 3) },
    cpu_bound_per_s: pgMs === null ? null : round(2000 / (nodeMs + pgMs), 0),
  };
}

/** The readable report: the title, the rate line, the benchmark's own lines, then answers, CPU and load. */
export function eventRateLines(f: EventRateFigures, label: { title: string; events: string; rate: string }, own: string[]): string[] {
  return [
    `${label.title}: ${f.events} ${label.events} (${f.duplicates} duplicates) from ${f.clients} clients in ${f.seconds} s`,
    `  ${label.rate.padEnd(16)} ${f.per_s} events/s`,
    `  answer           p50 ${f.p50_ms} ms, p99 ${f.p99_ms} ms`,
    ...own,
    `  failed answers   ${f.failed}`,
    `  CPU per event    ${f.cpu_ms_per_event.node} ms this process (server and clients), ${f.cpu_ms_per_event.postgres ?? '–'} ms PostgreSQL → ${f.cpu_bound_per_s ?? '–'}/s on two idle cores`,
    `  load average     ${f.load_average.join(' ')}`,
  ];
}

/** Registers a callback benchmark with `--events` (what it posts) and `--clients`. */
export function registerEventRateBench(bench: Command, spec: {
  name: string; description: string; posts: string; run: (opts: { events: number; clients: number; json: boolean }) => Promise<unknown>;
}): void {
  const atLeast4 = integerAtLeast(4);
  const options: CountOption[] = [
    { flags: '--events <n>', description: `${spec.posts} posted`, parse: atLeast4, default: 20_000 },
    { flags: '--clients <n>', description: 'concurrent HTTP clients', parse: atLeast4, default: 32 },
  ];
  registerBench<{ events: number; clients: number }>(bench, { name: spec.name, description: spec.description, options, run: spec.run });
}

/** Fisher-Yates with the benchmark's seeded generator: originals and duplicates in a random order. */
export function shuffledTargets(unique: number, duplicates: number, rng: { int(min: number, max: number): number }): number[] {
  const targets = [...Array.from({ length: unique }, (_, i) => i + 1), ...Array.from({ length: duplicates }, () => rng.int(1, unique))];
  for (let i = targets.length - 1; i > 0; i--) { const j = rng.int(0, i); [targets[i], targets[j]] = [targets[j]!, targets[i]!]; }
  return targets;
}
