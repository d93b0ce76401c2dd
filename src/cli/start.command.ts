import cluster from 'node:cluster';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type Config, type Mode } from '../platform/config.js';
import { openDatabase } from '../platform/db/connect.js';
import { sealStoredPhones } from './seal-phones.js';
import { createDb, SERVER_POOL_MAX } from '../platform/db/database.js';
import { takeOverShutdownSignals } from '../platform/db/embedded.js';
import { createSiyu } from '../app.js';
import { shopDirectory } from '../modules/b-nodes/b-nodes.service.js';
import { seedDemo, DEMO_LOGINS } from './seed/demo-seed.js';
import { prepareSandboxDemo } from './seed/demo-sandbox.js';
import type { Database } from '../database.js';
import { onWorkerStop, startCluster } from './cluster.js';

interface StartOptions { port?: number; host?: string; fresh?: boolean; demo?: boolean; workers: number }

/** How a worker finds the database the primary opened and migrated. */
const WORKER_DATABASE_URL = 'SIYU_WORKER_DATABASE_URL';
const WORKER_POOL_MAX = 'SIYU_WORKER_POOL_MAX';

export function registerStartCommand(program: Command) {
  program.command('start')
    .description('run the platform (embedded PostgreSQL unless DATABASE_URL is set)')
    .option('--port <port>', 'HTTP port', (v) => Number.parseInt(v, 10))
    .option('--host <host>', 'address to listen on')
    .option('--fresh', 'wipe the embedded database first')
    .option('--demo', 'seed the demo tenant into an empty database (the default in sandbox mode; live mode only with this flag)')
    .option('--no-demo', 'do not seed the demo tenant')
    .option('--workers <n>', 'server processes sharing the port (default: one per core; 1 runs a single process)', positiveInt, os.availableParallelism())
    .action(async (opts: StartOptions) => {
      const config = loadConfig();
      if (cluster.isWorker) return runWorker(config, opts);
      // A database of one's own might hold real customers: which mode it runs in is said, not guessed.
      if (config.databaseUrl && !config.modeExplicit) {
        throw new Error('DATABASE_URL is set but SIYU_MODE is not: set SIYU_MODE=live to run for real (real providers, every secret set), or SIYU_MODE=sandbox to try things out (simulated payments and SMS)');
      }
      const seedDemoData = opts.demo ?? config.mode === 'sandbox';
      if (opts.fresh && config.databaseUrl) throw new Error('--fresh only resets the embedded database; it never touches DATABASE_URL');
      // The primary alone opens (or starts) the database, migrates and seeds; workers only connect.
      const opened = await openDatabase<Database>(config, { fresh: opts.fresh ?? false });
      await sealStoredPhones(opened.db, config.secretKey);
      // From here this command owns the stop order: workers, then the database. A signal that
      // arrives while the workers start is acted on once they are up (a second one kills).
      let stop: (() => Promise<void>) | undefined;
      let stopRequested = false;
      const shutdown = () => {
        if (!stop) {
          stopRequested = true;
          return;
        }
        stop().then(() => process.exit(0), (err: unknown) => {
          console.error(err);
          process.exit(1);
        });
      };
      takeOverShutdownSignals();
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      if (seedDemoData) {
        const empty = !(await opened.db.selectFrom('tenants').select('id').limit(1).executeTakeFirst());
        if (empty) {
          console.log('empty database: seeding the demo tenant…');
          const summary = await seedDemo(opened.db, { progress: process.stderr.isTTY, phoneKey: config.secretKey, ...(config.mode === 'sandbox' ? { secretKey: config.secretKey } : {}) });
          console.log(`demo tenant seeded: ${summary.counts}`);
        }
      }
      const port = opts.port ?? config.port;
      const host = opts.host ?? config.host;
      // The sandbox's demo shops sign buyers in, take WeChat Pay and send order notifications
      // through the simulators at this server's address.
      if (config.mode === 'sandbox') await prepareSandboxDemo(opened.db, config.secretKey, config.publicUrl ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`);
      const shops = await shopDirectory(opened.db, undefined);
      // Decided once here: workers' output is piped to this process, so they cannot tell a terminal.
      const logFile = logFileFor(config, process.stdout.isTTY === true);
      let processes = '1 process';
      if (opts.workers === 1) {
        const siyu = await createSiyu(opened.db, config, { logger: loggerOf(config, logFile), closeDb: () => opened.close() });
        siyu.startBackground();
        await siyu.server.listen({ port, host });
        stop = () => siyu.close();
      } else {
        const workers = await startCluster({
          workers: opts.workers,
          env: { [WORKER_DATABASE_URL]: opened.url, [WORKER_POOL_MAX]: String(workerPoolMax(opts.workers)), SIYU_LOG_FILE: logFile ?? '-' },
        }).catch(async (err: unknown) => {
          await opened.close();
          throw err;
        });
        processes = `${opts.workers} worker processes (pids ${workers.pids().join(', ')})`;
        stop = async () => {
          // Each worker drains within the shutdown timeout itself; the margin covers its exit.
          await workers.stop(config.shutdownTimeoutMs + 5_000);
          await opened.close();
        };
      }
      const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
      console.log(startBanner({
        base, processes, logFile, shops: shops.shops,
        database: opened.embedded ? 'embedded PostgreSQL under .siyu/' : 'DATABASE_URL',
        logins: seedDemoData ? DEMO_LOGINS : [],
        mode: config.mode,
      }));
      if (stopRequested) shutdown();
    });
}

/** A cluster worker: the same server and background loop, on the primary's database. */
async function runWorker(config: Config, opts: StartOptions): Promise<void> {
  const url = process.env[WORKER_DATABASE_URL];
  if (!url) throw new Error(`${WORKER_DATABASE_URL} is not set: workers are started by siyu start`);
  const db = createDb<Database>(url, { max: Number(process.env[WORKER_POOL_MAX] ?? SERVER_POOL_MAX) });
  const siyu = await createSiyu(db, config, { logger: loggerOf(config, logFileFor(config, false)), closeDb: () => db.destroy(), clusterWorker: true });
  onWorkerStop(() => siyu.close());
  siyu.startBackground();
  await siyu.server.listen({ port: opts.port ?? config.port, host: opts.host ?? config.host });
}

/** Connections per worker pool: the processes together stay well inside PostgreSQL's default 200. */
function workerPoolMax(workers: number): number {
  return Math.max(4, Math.min(20, Math.floor(160 / workers)));
}

/**
 * Where the request logs go. From a terminal they would scroll the addresses and logins printed at
 * start out of sight, so they go to a file under the data directory; under a process manager
 * (no terminal) to stdout, where it collects them. SIYU_LOG_FILE names a file, or '-' for stdout.
 */
export function logFileFor(config: Pick<Config, 'logFile' | 'dataDir'>, interactive: boolean): string | undefined {
  if (config.logFile === '-') return undefined;
  if (config.logFile) return path.resolve(config.logFile);
  return interactive ? path.join(config.dataDir, 'siyu.log') : undefined;
}

function loggerOf(config: Config, file: string | undefined): false | { level: string; file?: string } {
  if (config.logLevel === 'silent') return false;
  if (!file) return { level: config.logLevel };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return { level: config.logLevel, file };
}

const SHOWN_SHOPS = 20;

/** What `siyu start` prints once it serves: where everything is, every shop, and how to sign in. */
export function startBanner(s: {
  base: string; database: string; processes: string; logFile: string | undefined;
  shops: { name: string; slug: string }[]; logins: { role: string; login: string; password: string }[];
  mode?: Mode;
}): string {
  const pad = (label: string) => `  ${label.padEnd(16)}`;
  const indent = ' '.repeat(18);
  const shops = s.shops.slice(0, SHOWN_SHOPS).map((shop, i) => `${i === 0 ? pad(s.shops.length > 1 ? 'shops' : 'shop') : indent}${s.base}/s/${shop.slug}  ${shop.name}`);
  if (s.shops.length > SHOWN_SHOPS) shops.push(`${indent}… and ${s.shops.length - SHOWN_SHOPS} more on the home page`);
  return [
    '',
    `Siyu is running (${s.database}; ${s.processes})`,
    s.mode === 'sandbox' ? `${pad('mode')}SANDBOX: simulated payments and text messages, phone-only shop sign-in, demo data. Not for real money or real customers (SIYU_MODE=live).` : '',
    s.mode === 'live' ? `${pad('mode')}live: real providers only` : '',
    `${pad('home')}${s.base}/`,
    `${pad('admin console')}${s.base}/admin`,
    ...shops,
    `${pad('API docs')}${s.base}/docs`,
    `${pad('OpenAPI')}${s.base}/api/v1/openapi.json`,
    `${pad('health')}${s.base}/healthz`,
    `${pad('metrics')}${s.base}/metrics`,
    s.logFile ? `${pad('logs')}${s.logFile}  (SIYU_LOG_FILE=- prints them here)` : '',
    s.logins.length ? `${pad('demo logins')}${s.logins.map((l) => `${l.role}: tenant demo / ${l.login} / ${l.password}`).join(`\n${indent}`)}` : '',
    '',
  ].filter(Boolean).join('\n');
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${v}`);
  return n;
}
