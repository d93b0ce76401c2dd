/**
 * A `siyu start` child process on a PostgreSQL the test owns, for tests that kill one or the
 * other: the test's own embedded server (so it can SIGKILL the postmaster and start it again on the
 * same data directory and port), the server process, a seeded shop and HTTP helpers. Waits are
 * conditions with generous deadlines, never fixed sleeps that decide an outcome.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startEmbedded, type EmbeddedServer } from '../src/platform/db/embedded.js';
import { ensureDatabase } from '../src/platform/db/connect.js';
import { migrate } from '../src/platform/db/migrate.js';
import { createDb } from '../src/platform/db/database.js';
import { systemClock } from '../src/platform/clock.js';
import type { Db } from '../src/database.js';
import { seedWorld, type World } from './fixtures.js';

const BIN = path.resolve('bin/siyu.js');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** bin/siyu.js runs the compiled CLI: compile first if the sources are newer than dist/. */
export function buildServerOnce(): void {
  const build = spawnSync('node', ['scripts/build.mjs', '--if-stale', 'server'], { encoding: 'utf8', timeout: 300_000 });
  expect(build.status, build.stderr).toBe(0);
}

/** An embedded PostgreSQL of the test's own that it may kill (-9) and start again where it was. */
export interface OwnPostgres {
  url: string;
  postmasterPid(): number;
  kill(): void;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

// Durable settings, unlike the scratch clusters of other tests: with synchronous_commit off, a
// commit already answered to the client is lost when the postmaster is killed before the WAL
// writer flushed it — exactly what these tests must tell apart from a real loss.
export async function ownPostgres(): Promise<OwnPostgres> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'siyu-own-pg-'));
  fs.chmodSync(dataDir, 0o755);
  let server: EmbeddedServer | undefined = await startEmbedded({ dataDir, maxConnections: 100 });
  const port = Number(new URL(server.url('postgres')).port);
  await ensureDatabase(server.url('postgres'), 'siyu');
  const url = server.url('siyu');
  await migrate(url);
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  const postmasterPid = () => Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  return {
    url,
    postmasterPid,
    kill() {
      // Dead without a word: no shutdown checkpoint, clients see their sockets closed.
      process.kill(postmasterPid(), 'SIGKILL');
      server = undefined;
    },
    async restart() {
      // Backends of the killed postmaster leave on their own once they notice it is gone; until
      // they have, a new postmaster refuses the shared memory they still hold, so retry.
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          server = await startEmbedded({ dataDir, maxConnections: 100, port });
          return;
        } catch (err) {
          if (Date.now() > deadline) throw err ?? new Error('PostgreSQL did not restart');
          await sleep(250);
        }
      }
    },
    async stop() {
      await server?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `siyu start --workers 1 --no-demo` on DATABASE_URL, with its output kept for failure messages. */
export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  base: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startServerProcess(databaseUrl: string, port: number): Promise<ServerProcess> {
  const child = spawn('node', [BIN, 'start', '--workers', '1', '--no-demo', '--port', String(port)], {
    env: { ...process.env, DATABASE_URL: databaseUrl, SIYU_MODE: 'sandbox', LOG_LEVEL: 'error', SIYU_SHUTDOWN_TIMEOUT_MS: '10000' },
  });
  let output = '';
  child.stdout!.on('data', (d) => { output = (output + String(d)).slice(-20_000); });
  child.stderr!.on('data', (d) => { output = (output + String(d)).slice(-20_000); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  await until('the server to answer /healthz', async () => {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}): ${output}`);
    try {
      return (await fetch(`${base}/healthz`)).ok;
    } catch {
      return false;
    }
  });
  return { child, pid: child.pid!, base, output: () => output, exited };
}

export async function health(base: string): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

/** A tenant with a shop of plenty of stock, seeded straight into the database. */
export async function seedShop(url: string): Promise<{ world: World; db: Db }> {
  const db = createDb(url, { max: 4 }) as Db;
  const world = await seedWorld(db, systemClock, { skuCount: 3, stock: 1_000_000 });
  return { world, db };
}

export async function consumerSession(base: string, shop: string, phone: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/shops/${shop}/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `C${phone.slice(-4)}`, phone }),
  });
  if (res.status !== 201) throw new Error(`session failed: ${res.status} ${await res.text()}`);
  return (await res.json()).token as string;
}

export interface Answer { status: number; text: string; headers: Headers }

/** One POST; a network failure or timeout resolves to undefined (the outcome is unknown). */
export async function post(base: string, url: string, token: string, body: unknown, key?: string): Promise<Answer | undefined> {
  try {
    const res = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  } catch {
    return undefined;
  }
}

/**
 * One test file's own PostgreSQL, built server and clean-up: whatever server process and pool the
 * test hands to `track` is killed and closed after the file, then the database is stopped.
 */
export function serverProcessSuite() {
  let pg: OwnPostgres | undefined;
  let server: ServerProcess | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    buildServerOnce();
    pg = await ownPostgres();
  }, 300_000);
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await db?.destroy();
    await pg?.stop();
  });
  return {
    get pg(): OwnPostgres { return pg!; },
    server(started: ServerProcess): ServerProcess { server = started; return started; },
    db(opened: Db): Db { db = opened; return opened; },
  };
}
