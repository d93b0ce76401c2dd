import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = path.resolve('bin/siyu.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error(`${url} did not come up in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The `siyu` command as a user runs it: start on an embedded database kept under the data
 * directory, CLI commands against the same database while the server runs and after it stops.
 */
describe('siyu command', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'siyu-cli-'));
  fs.chmodSync(dataDir, 0o755);
  const env = { ...process.env, SIYU_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' };
  let server: ChildProcess | undefined;
  let serverPort = 0;
  let output = '';
  const run = (...args: string[]) => spawnSync('node', [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });

  // bin/siyu.js runs the compiled CLI: compile first if the sources are newer than dist/.
  beforeAll(() => {
    const build = spawnSync('node', ['scripts/build.mjs', '--if-stale', 'server'], { encoding: 'utf8', timeout: 300_000 });
    expect(build.status, build.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts without demo data, seeds the demo into the running server’s database, and serves it', async () => {
    const port = await freePort();
    serverPort = port;
    server = spawn('node', [BIN, 'start', '--port', String(port), '--no-demo'], { env });
    server.stdout!.on('data', (d) => { output += String(d); });
    server.stderr!.on('data', (d) => { output += String(d); });
    await waitFor(`http://127.0.0.1:${port}/healthz`, 60_000);
    // With several workers the first answers before the primary has seen them all listen and printed the URLs.
    for (let i = 0; i < 100 && !output.includes('Siyu is running'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain(`http://127.0.0.1:${port}/admin`);
    // The embedded database is the sandbox unless told otherwise, and the start says so.
    expect(output).toContain('mode            SANDBOX');
    expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);

    const seeded = run('seed', '--demo');
    expect(seeded.status, seeded.stderr).toBe(0);
    expect(seeded.stdout).toContain('2,000 orders');

    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo', login: 'admin', password: 'admin123' }),
    });
    expect(login.status).toBe(200);
    const token = (await login.json()).token as string;
    const orders = await (await fetch(`http://127.0.0.1:${port}/api/v1/orders?limit=5`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(orders.items).toHaveLength(5);

    const again = run('seed', '--demo');
    expect(again.stdout).toContain('already present');
  }, 180_000);

  it('wechat connect stores a tenant\'s app with its secret sealed; the console\'s list says a secret is set, never which', async () => {
    const bad = run('wechat', 'connect', '--tenant', 'demo', '--app', 'web', '--appid', 'wx1', '--secret', 's');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('official-account or mini-program');
    const connected = run('wechat', 'connect', '--tenant', 'demo', '--app', 'official-account', '--appid', 'wxcli0000000000001', '--secret', 'cli-secret-never-shown');
    expect(connected.status, connected.stderr).toBe(0);
    expect(connected.stdout).toContain('wxcli0000000000001 connected');
    // In the sandbox the default API base is this server's simulator.
    expect(connected.stdout).toContain('/simulators/wechat');
    expect(connected.stdout).not.toContain('cli-secret-never-shown');
    const login = await fetch(`http://127.0.0.1:${serverPort}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo', login: 'admin', password: 'admin123' }),
    });
    const token = (await login.json()).token as string;
    const apps = await fetch(`http://127.0.0.1:${serverPort}/api/v1/wechat/apps`, { headers: { authorization: `Bearer ${token}` } });
    const body = await apps.text();
    expect(JSON.parse(body).items).toEqual([expect.objectContaining({ app: 'official_account', appid: 'wxcli0000000000001', has_secret: true })]);
    expect(body).not.toContain('cli-secret-never-shown');
  }, 60_000);

  it('migrate works on the same database once the server has stopped; data survives a restart and --fresh wipes it', async () => {
    server!.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
    const migrated = run('migrate');
    expect(migrated.status, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain('migrations up to date');

    const login = async (port: number) => (await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo', login: 'admin', password: 'admin123' }),
    })).status;
    const restart = async (...flags: string[]) => {
      if (server && server.exitCode === null) {
        server.kill('SIGTERM');
        await new Promise((r) => server!.once('exit', r));
      }
      const port = await freePort();
      server = spawn('node', [BIN, 'start', '--port', String(port), '--no-demo', ...flags], { env });
      await waitFor(`http://127.0.0.1:${port}/healthz`, 60_000);
      return port;
    };
    // Kept between runs…
    expect(await login(await restart())).toBe(200);
    // …until --fresh wipes it.
    expect(await login(await restart('--fresh'))).toBe(401);
  }, 180_000);

  it('economics check exits 2 on a rejected plan and prints one JSON object', () => {
    const rejected = run('economics', 'check', 'examples/economics/three-level-distribution.json', '--json');
    expect(rejected.status).toBe(2);
    const parsed = JSON.parse(rejected.stdout);
    expect(parsed.verdict).toBe('reject');
    expect(parsed.rules.find((r: { id: string }) => r.id === 'G3').status).toBe('fail');
    expect(typeof parsed.waterfall.contribution_margin).toBe('number');
  });
});
