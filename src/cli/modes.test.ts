/**
 * `siyu start` and the two modes, as an operator meets them: live refuses a missing or default
 * secret and names the variable; a DATABASE_URL start must say its mode; a live start seeds no
 * demo and says it is live.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';
import { buildServerOnce, freePort, until } from '../../test/server-process.js';
import { SANDBOX_SECRET_KEY } from '../platform/config.js';

const BIN = path.resolve('bin/siyu.js');
const LIVE_KEY = 'live-key-'.padEnd(48, 'x');

describe('siyu start in sandbox and live mode', async () => {
  const { db, url } = await createTestDatabase();
  beforeAll(() => buildServerOnce(), 300_000);
  const start = (env: Record<string, string>) => spawnSync('node', [BIN, 'start', '--workers', '1', '--port', '0'], {
    env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', SIYU_MODE: '', SIYU_SECRET_KEY: '', ...env }, encoding: 'utf8', timeout: 60_000,
  });

  it('live mode refuses to start without SIYU_SECRET_KEY, with the published default, or on the embedded database', () => {
    const missing = start({ SIYU_MODE: 'live', DATABASE_URL: url });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('SIYU_SECRET_KEY is not set');
    const published = start({ SIYU_MODE: 'live', DATABASE_URL: url, SIYU_SECRET_KEY: SANDBOX_SECRET_KEY });
    expect(published.status).toBe(1);
    expect(published.stderr).toContain('SIYU_SECRET_KEY is the published sandbox default');
    const embedded = start({ SIYU_MODE: 'live', SIYU_SECRET_KEY: LIVE_KEY });
    expect(embedded.status).toBe(1);
    expect(embedded.stderr).toContain('DATABASE_URL is not set');
  });

  it('on DATABASE_URL the mode must be chosen', () => {
    const unsaid = start({ DATABASE_URL: url });
    expect(unsaid.status).toBe(1);
    expect(unsaid.stderr).toContain('SIYU_MODE is not');
  });

  describe('a live start', () => {
    let output = '';
    let child: ReturnType<typeof spawn> | undefined;
    afterAll(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child!.once('exit', r));
      }
    });

    it('says it is live, seeds no demo, and serves no sandbox route', async () => {
      const port = await freePort();
      child = spawn('node', [BIN, 'start', '--workers', '1', '--port', String(port)], {
        env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: url, SIYU_MODE: 'live', SIYU_SECRET_KEY: LIVE_KEY },
      });
      child.stdout!.on('data', (d) => { output += String(d); });
      child.stderr!.on('data', (d) => { output += String(d); });
      await until('the server to print its URLs', () => output.includes('Siyu is running'), 60_000);
      expect(output).toContain('mode            live');
      expect(output).not.toContain('demo logins');
      expect(await db.selectFrom('tenants').select('id').execute()).toHaveLength(0);
      const meta = await (await fetch(`http://127.0.0.1:${port}/api/v1/meta`)).json();
      expect(meta).toEqual({ mode: 'live' });
      const cashier = await fetch(`http://127.0.0.1:${port}/api/v1/sandbox/payments/pay_x/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(cashier.status).toBe(404);
    });
  });
});
