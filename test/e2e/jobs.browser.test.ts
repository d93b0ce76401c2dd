import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/platform/jobs/outbox.js';
import { listJobs } from '../../src/platform/jobs/admin.js';
import { runDueJobs } from '../../src/platform/jobs/runner.js';
import { waitForAttribute, waitForText } from './browser.js';
import { loginAsDemoAdmin, demoConsoleForFile, screenshot, type DemoConsole } from './demo-console.js';

const c = demoConsoleForFile();
let db: DemoConsole['db'];
let tenantId: string;
let page: DemoConsole['page'];
let base: string;
beforeAll(() => { ({ db, tenantId, page, base } = c); });

const KIND = 'notify.sms';
const FAILURE = '短信网关超时 (sms gateway timed out)';

const queued = async (id: string) => {
  const { rows } = await sql<{ attempts: number; last_error: string | null; due: boolean }>`
    SELECT attempts, last_error, run_at <= now() AS due FROM graphile_worker.jobs WHERE id = ${id}::bigint`.execute(db);
  return rows[0];
};

/** Signs in over the API and returns the session token. */
async function tokenFor(login: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo', login, password }) });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

describe('failed background jobs in a browser', () => {
  let jobId: string;

  it('lists a parked job with its kind and error, and retry makes it due again with fresh attempts', async () => {
    // A real failure through the worker, then out of attempts the way the jobs route test parks one.
    await enqueue(db, tenantId, KIND, { phone: '13800000000' });
    expect(await runDueJobs(db, { [KIND]: async () => { throw new Error(FAILURE); } })).toBe(1);
    const [failed] = (await listJobs(db, { failed: true, tenantId })).filter((j) => j.kind === KIND);
    expect(failed).toMatchObject({ state: 'retrying', attempts: 1 });
    expect(failed!.last_error).toContain(FAILURE);
    jobId = failed!.id;
    await sql`UPDATE graphile_worker._private_jobs SET attempts = max_attempts WHERE id = ${jobId}::bigint`.execute(db);

    await loginAsDemoAdmin(page, base);
    await page.getByTestId('nav-jobs').click();
    const row = page.getByTestId(`job-${jobId}`);
    await waitForAttribute(row, 'data-state', 'parked');
    await waitForText(row.getByTestId('job-kind'), KIND);
    await waitForText(row.getByTestId('job-state'), '已暂停');
    await waitForText(row.getByTestId('job-attempts'), '10/10');
    await waitForText(row.getByTestId('job-error'), FAILURE);
    await waitForText(row.getByTestId('job-run-at'), '—');
    await screenshot(page, 'jobs-parked');

    await row.getByTestId(`job-retry-${jobId}`).click();
    await waitForAttribute(row, 'data-state', 'queued');
    await waitForText(row.getByTestId('job-attempts'), '0/10');
    await waitForText(row.getByTestId('job-state'), '排队中');
    expect(await page.getByTestId('jobs-retry-error').count()).toBe(0);
    const after = await queued(jobId);
    expect(after).toMatchObject({ attempts: 0, due: true });
    expect(after!.last_error).toContain(FAILURE);
    await screenshot(page, 'jobs-retried');
  });

  it('refuses the jobs list and retry to a staff member and a leader (403)', async () => {
    for (const [login, password] of [['staff1', 'staff123'], ['leader1', 'leader123']] as const) {
      const headers = { authorization: `Bearer ${await tokenFor(login, password)}` };
      const list = await fetch(`${base}/api/v1/jobs?state=failed`, { headers });
      expect(list.status, login).toBe(403);
      expect(await list.text()).not.toContain(FAILURE);
      const retry = await fetch(`${base}/api/v1/jobs/${jobId}/retry`, { method: 'POST', headers });
      expect(retry.status, login).toBe(403);
    }
    expect(await queued(jobId)).toMatchObject({ attempts: 0 });
    // The admin's token still reads it: the 403 above is the role, not a broken route.
    const admin = await fetch(`${base}/api/v1/jobs?state=failed`, { headers: { authorization: `Bearer ${await tokenFor('admin', 'admin123')}` } });
    expect(admin.status).toBe(200);
    expect(((await admin.json()) as { items: { id: string }[] }).items.map((j) => j.id)).toContain(jobId);
  });
});
