import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';

const BIN = path.resolve('bin/siyu.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `siyu start --workers 2` against DATABASE_URL: one port, metrics for the whole server, a dead worker replaced, a clean stop. */
describe('siyu start --workers 2', async () => {
  const { url } = await createTestDatabase({ max: 2 });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  let output = '';
  let healthy = 0;
  const health = async () => {
    const res = await fetch(`${base}/healthz`);
    if (res.ok) healthy++;
    return res.ok;
  };

  beforeAll(() => {
    // bin/siyu.js runs the compiled CLI: compile first if the sources are newer than dist/.
    const build = spawnSync('node', ['scripts/build.mjs', '--if-stale', 'server'], { encoding: 'utf8', timeout: 300_000 });
    expect(build.status, build.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      process.kill(-server.pid!, 'SIGKILL');
      await new Promise((r) => server!.once('exit', r));
    }
  });

  it('serves from two processes on one port, and /metrics counts the requests of both', async () => {
    // Its own process group, as a terminal gives it: Ctrl-C below reaches the primary and its workers alike.
    server = spawn('node', [BIN, 'start', '--workers', '2', '--no-demo', '--port', String(port)], {
      env: { ...process.env, DATABASE_URL: url, SIYU_MODE: 'sandbox', LOG_LEVEL: 'warn' }, detached: true,
    });
    server.stdout!.on('data', (d) => { output += String(d); });
    server.stderr!.on('data', (d) => { output += String(d); });
    await until('the workers to listen', () => /2 worker processes \(pids \d+, \d+\)/.test(output));
    for (let i = 0; i < 30; i++) expect(await health()).toBe(true);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    const count = metrics.split('\n').find((l) => l.startsWith('http_request_duration_seconds_count{route="/healthz",method="GET",status_code="200"}'));
    // Connections go to the workers in turn: a single worker's figures would hold about half.
    expect(Number(count?.split(' ')[1])).toBe(healthy);
    expect(metrics).toMatch(/^siyu_jobs\{state="due"\} 0$/m);
  }, 120_000);

  it('replaces a worker that dies, and on Ctrl-C stops the workers, then itself, releasing every connection', async () => {
    const pids = /pids (\d+), (\d+)/.exec(output)!.slice(1).map(Number);
    process.kill(pids[0]!, 'SIGKILL');
    await until('a replacement', () => output.includes(`worker ${pids[0]} exited (signal SIGKILL); starting a replacement`));
    for (let i = 0; i < 10; i++) expect(await health()).toBe(true);
    await until('the replacement to answer metrics', async () => (await fetch(`${base}/metrics`)).ok);

    const exited = new Promise<number | null>((r) => server!.once('exit', (code) => r(code)));
    process.kill(-server!.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    await admin.end();
    expect(rows[0]!.n).toBe(0);
  }, 120_000);
});
