import type { Command } from 'commander';
import { sql } from 'kysely';
import { loadConfig } from '../src/platform/config.js';
import { openScratchDatabase } from '../src/platform/db/scratch.js';
import { inTransaction } from '../src/platform/db/database.js';
import { enqueue, jobQueueStats } from '../src/platform/jobs/outbox.js';
import { startJobRunner } from '../src/platform/jobs/runner.js';
import { integerAtLeast } from './options.js';

const positiveInt = integerAtLeast(1);

export interface QueueBenchFigures {
  jobs: number; clients: number; concurrency: number; offered_per_s: number | null;
  jobs_per_s: number; start_p50_ms: number; start_p99_ms: number; max_due: number; rss_mb: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/**
 * The job queue alone, in a scratch database: `clients` loops each commit transactions that
 * enqueue one job, one runner with `concurrency` workers runs them (each job a small transaction
 * of its own). Reported: jobs per second from the first commit to the last job run, the time from
 * a job's commit to its handler starting (p50, p99), and the most jobs ever due at once.
 */
export async function runQueueBench(opts: { jobs: number; clients: number; concurrency: number; rate: number; json: boolean }): Promise<QueueBenchFigures> {
  const scratch = await openScratchDatabase(loadConfig(), { poolMax: opts.clients + opts.concurrency + 4 });
  const { db } = scratch;
  const committedAt = new Map<number, number>();
  const startDelays: number[] = [];
  let done = 0;
  let allDone: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => { allDone = resolve; });
  const silent = { error: (o: object, m: string) => console.error(m, o), warn: () => undefined, info: () => undefined, debug: () => undefined };
  const runner = await startJobRunner({
    db,
    handlers: {
      'bench.work': async (jobDb, job) => {
        const committed = committedAt.get(job.payload.n);
        if (committed !== undefined) startDelays.push(performance.now() - committed);
        await inTransaction(jobDb, (tx) => sql`SELECT 1`.execute(tx));
        if (++done === opts.jobs) allDone();
      },
    },
    concurrency: opts.concurrency,
    log: silent,
  });
  let maxDue = 0;
  const sampler = setInterval(() => { void jobQueueStats(db).then((s) => { maxDue = Math.max(maxDue, s.due); }, () => undefined); }, 100);
  const start = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: opts.clients }, async () => {
    for (let n = next++; n < opts.jobs; n = next++) {
      // An offered rate: job n is committed no earlier than n / rate seconds after the start.
      const wait = opts.rate > 0 ? start + (n * 1000) / opts.rate - performance.now() : 0;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await inTransaction(db, (tx) => enqueue(tx, 'ten_bench', 'bench.work', { n }));
      committedAt.set(n, performance.now());
    }
  }));
  await finished;
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  await runner.stop();
  await scratch.close();
  startDelays.sort((a, b) => a - b);
  const figures: QueueBenchFigures = {
    jobs: opts.jobs, clients: opts.clients, concurrency: opts.concurrency, offered_per_s: opts.rate > 0 ? opts.rate : null,
    jobs_per_s: Math.round(opts.jobs / seconds),
    start_p50_ms: Number(quantile(startDelays, 0.5).toFixed(1)),
    start_p99_ms: Number(quantile(startDelays, 0.99).toFixed(1)),
    max_due: maxDue,
    rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  else {
    process.stdout.write([
      `queue: ${figures.jobs} jobs from ${figures.clients} clients${figures.offered_per_s ? ` at ${figures.offered_per_s}/s` : ', as fast as they commit'}, ${figures.concurrency} workers`,
      `  throughput        ${figures.jobs_per_s} jobs/s`,
      `  commit → start    p50 ${figures.start_p50_ms} ms, p99 ${figures.start_p99_ms} ms`,
      `  most due at once  ${figures.max_due}`,
      `  peak RSS          ${figures.rss_mb} MB`,
      '',
    ].join('\n'));
  }
  return figures;
}


export function registerQueueBench(bench: Command): void {
  bench
    .command('queue')
    .description('the job queue alone: jobs committed by concurrent clients, run by one runner')
    .option('--jobs <n>', 'jobs', positiveInt, 3000)
    .option('--clients <n>', 'concurrent enqueuing clients', positiveInt, 16)
    .option('--concurrency <n>', 'jobs run at once', positiveInt, 8)
    .option('--rate <n>', 'jobs offered per second (default: as fast as the clients commit)', positiveInt)
    .option('--json', 'print one JSON line')
    .action(async (opts: { jobs: number; clients: number; concurrency: number; rate?: number; json?: boolean }) => {
      await runQueueBench({ jobs: opts.jobs, clients: opts.clients, concurrency: opts.concurrency, rate: opts.rate ?? 0, json: opts.json === true });
    });
}
