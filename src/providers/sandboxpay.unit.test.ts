/**
 * The sandbox provider pays like a real one: its notifications reach the notify route over HTTP,
 * signed with the tenant's own key, inside a ±5 minute window and with a nonce that is not reused;
 * they are delivered again on a schedule until the route answers 2xx; and only the buyer confirms.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createSiyu } from '../app.js';
import { loadConfig } from '../platform/config.js';
import { createUser, issueToken } from '../modules/identity/identity.service.js';
import { signSandbox, SANDBOX_HEADERS } from '../adapters/sandboxpay/sandbox.signature.js';
import { buildSandboxNotification, SANDBOX_RETRY_SCHEDULE_MS, type SandboxNotifyJob } from '../simulators/sandboxpay/sandbox.psp.js';
import { injectPost, type NotifyPost } from './sandboxpay.unit.js';
import { testConfig } from '../../test/fixtures.js';
import { raceHarness } from '../../test/race/harness.js';
import {
  expectNoFailedJobs, expectProblem, newEventId, orderRow, paymentRow, placeOrder, postNotification, rowCounts,
  sandboxSecret, signedNotification, startPayment,
} from '../../test/race/helpers.js';

describe('sandbox payment provider', async () => {
  const race = await raceHarness({ pool: 20, transport: 'inject' });
  const { db, clock, siyu, api } = race;
  const world = await race.shop({ skuCount: 1, stock: 1000, buyers: 3 });
  const other = await race.shop({ skuCount: 1, stock: 10, buyers: 1 });
  const [buyer, stranger] = [world.tokens[0]!, world.tokens[1]!];

  async function pending(token = buyer) {
    const order = await placeOrder(api, token, world.shop, [{ sku_id: world.skus[0]!.id, quantity: 1 }]);
    const payment = await startPayment(api, token, order.id);
    return { order, payment };
  }
  const job = (p: { payment_id: string; amount: number }, eventId = newEventId()): SandboxNotifyJob =>
    ({ kind: 'payment', tenant_id: world.tenantId, payment_id: p.payment_id, amount: p.amount, outcome: 'success', event_id: eventId });
  const nonces = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM payment_notification_nonces WHERE tenant_id = ${world.tenantId}`.execute(db)).rows[0]!.n);
  const pendingStill = async (p: { order: { id: string }; payment: { payment_id: string } }) => {
    expect((await paymentRow(db, world.tenantId, p.payment.payment_id)).status).toBe('pending');
    expect((await orderRow(db, world.tenantId, p.order.id)).status).toBe('pending_payment');
  };

  describe('the tenant key', () => {
    it('each tenant has its own 64-character key, and no route returns it', async () => {
      const [mine, theirs] = [sandboxSecret(world.tenantId), sandboxSecret(other.tenantId)];
      expect(mine).toMatch(/^[0-9a-f]{64}$/);
      expect(theirs).toMatch(/^[0-9a-f]{64}$/);
      expect(mine).not.toBe(theirs);
      const login = await api.post('/api/v1/auth/login', { tenant: world.tenantSlug, login: 'admin', password: 'admin-password' }, { key: false });
      expect(login.status, login.text).toBe(200);
      const settings = await api.get('/api/v1/tenant', { token: world.adminToken });
      expect(settings.status, settings.text).toBe(200);
      for (const res of [login, settings]) expect(res.text).not.toContain(mine);
    });

    it("a notification signed with another tenant's key, or a made-up one, → 401 invalid_signature, nothing written", async () => {
      const p = await pending();
      const before = await rowCounts(db);
      const withOthersKey = buildSandboxNotification(sandboxSecret(other.tenantId), job(p.payment), clock.now());
      const withMadeUpKey = buildSandboxNotification('siyu-sandbox-secret', job(p.payment), clock.now());
      for (const forged of [withOthersKey, withMadeUpKey]) expectProblem(await postNotification(api, forged), 401, 'invalid_signature');
      // A body naming a tenant that does not exist has no key at all.
      const ghost = buildSandboxNotification(sandboxSecret(world.tenantId), { ...job(p.payment), tenant_id: 'ten_ghost' }, clock.now());
      expectProblem(await postNotification(api, ghost), 401, 'invalid_signature');
      expect(await rowCounts(db)).toEqual(before);
      await pendingStill(p);
      // The other tenant's key does sign that tenant's own notifications.
      const theirs = await placeOrder(api, other.tokens[0]!, other.shop, [{ sku_id: other.skus[0]!.id, quantity: 1 }]);
      const theirPayment = await startPayment(api, other.tokens[0]!, theirs.id);
      const own = signedNotification({ ...job(theirPayment), tenant_id: other.tenantId });
      expect((await postNotification(api, own)).json()).toMatchObject({ outcome: 'order_paid', duplicate: false });
    });
  });

  describe('the timestamp window', () => {
    it('a timestamp more than 5 minutes off the server clock, either way, → 401 stale_notification, nothing written', async () => {
      const p = await pending();
      const before = await rowCounts(db);
      const now = clock.now().getTime();
      for (const at of [now - 301_000, now + 301_000, Date.UTC(2001, 0, 1)]) {
        const stale = signedNotification(job(p.payment), new Date(at));
        expectProblem(await postNotification(api, stale), 401, 'stale_notification', new Date(at).toISOString());
      }
      expect(await rowCounts(db)).toEqual(before);
      await pendingStill(p);
      // Inside the window it goes through.
      expect((await postNotification(api, signedNotification(job(p.payment), new Date(now - 299_000)))).json().outcome).toBe('order_paid');
    });

    it('a request replayed after the window is refused for its age', async () => {
      const p = await pending();
      const signed = signedNotification(job(p.payment));
      expect((await postNotification(api, signed)).json().outcome).toBe('order_paid');
      clock.advance(6 * 60_000);
      expectProblem(await postNotification(api, signed), 401, 'stale_notification');
    });
  });

  describe('the nonce', () => {
    it('a nonce reused with another message → 401 replayed_nonce and nothing is applied', async () => {
      const first = await pending();
      const second = await pending();
      const signed = signedNotification(job(first.payment));
      expect((await postNotification(api, signed)).json().outcome).toBe('order_paid');
      const before = await rowCounts(db);
      // A correctly signed notification for the second payment under the first one's nonce.
      const reused = buildSandboxNotification(sandboxSecret(world.tenantId), job(second.payment), clock.now());
      const ts = reused.headers[SANDBOX_HEADERS.timestamp]!;
      const nonce = signed.headers[SANDBOX_HEADERS.nonce]!;
      const replay = { body: reused.body, headers: { ...reused.headers, [SANDBOX_HEADERS.nonce]: nonce, [SANDBOX_HEADERS.signature]: signSandbox(sandboxSecret(world.tenantId), ts, nonce, reused.body) } };
      expectProblem(await postNotification(api, replay), 401, 'replayed_nonce');
      expect(await rowCounts(db)).toEqual(before);
      await pendingStill(second);
      // With a nonce of its own the same notification goes through.
      expect((await postNotification(api, reused)).json().outcome).toBe('order_paid');
    });

    it('the very same request again is a resend: answered as a duplicate, nothing applied twice', async () => {
      const p = await pending();
      const signed = signedNotification(job(p.payment));
      const results = await Promise.all([postNotification(api, signed), postNotification(api, signed)]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      expect(results.map((r) => r.json().outcome).sort()).toEqual(['duplicate', 'order_paid']);
      expect(await sql`SELECT 1 FROM payment_notification_nonces WHERE tenant_id = ${world.tenantId} AND nonce = ${signed.headers[SANDBOX_HEADERS.nonce]!}`.execute(db).then((r) => r.rows.length)).toBe(1);
    });

    it('nonces are pruned once their notifications are too old to be accepted', async () => {
      await postNotification(api, signedNotification(job((await pending()).payment)));
      expect(await nonces()).toBeGreaterThan(0);
      clock.advance(9 * 60_000);
      await siyu.tick();
      expect(await nonces(), 'kept for 10 minutes').toBeGreaterThan(0);
      clock.advance(2 * 60_000);
      await siyu.tick();
      expect(await nonces()).toBe(0);
    });
  });

  describe('delivery', async () => {
    /** A second app over the same database whose PSP delivers through `post` (it sees every delivery). */
    async function appWith(transport: (real: NotifyPost) => NotifyPost) {
      const app = await createSiyu(db, testConfig, { clock, sandboxNotifyPost: (server) => transport(injectPost(server)) });
      await app.server.ready();
      afterAll(() => app.server.close());
      return app;
    }
    const deliveries: { status: number; attempt: number; headers: Record<string, string>; body: string }[] = [];
    let failNext = 0;
    const flaky = await appWith((real) => async (headers, body) => {
      if (failNext > 0) {
        failNext--;
        deliveries.push({ status: 503, attempt: deliveries.length + 1, headers, body });
        return { status: 503, body: 'unavailable' };
      }
      const res = await real(headers, body);
      deliveries.push({ status: res.status, attempt: deliveries.length + 1, headers, body });
      return res;
    });

    it('the cashier enqueues a signed POST to the notify route; delivered twice, it is applied once', async () => {
      deliveries.length = 0;
      const p = await pending();
      const res = await api.post(`/api/v1/sandbox/payments/${p.payment.payment_id}/pay`, { copies: 2 }, { token: buyer, key: false });
      expect(res.status, res.text).toBe(200);
      await flaky.tick();
      await expectNoFailedJobs(db);
      expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
      for (const d of deliveries) {
        expect(Number(d.headers[SANDBOX_HEADERS.timestamp])).toBe(Math.floor(clock.now().getTime() / 1000));
        expect(d.headers[SANDBOX_HEADERS.nonce]).toMatch(/^[0-9a-f]{32}$/);
        expect(JSON.parse(d.body)).toMatchObject({ id: res.json().event_id, resource: { tenant_id: world.tenantId, out_trade_no: p.payment.payment_id } });
      }
      expect(deliveries[0]!.headers[SANDBOX_HEADERS.nonce]).not.toBe(deliveries[1]!.headers[SANDBOX_HEADERS.nonce]);
      const events = await db.selectFrom('payment_events').select('outcome').where('tenant_id', '=', world.tenantId).where('event_id', '=', res.json().event_id).execute();
      expect(events.map((e) => e.outcome)).toEqual(['order_paid']);
      expect((await orderRow(db, world.tenantId, p.order.id)).status).toBe('paid');
    });

    it('after a 5xx the PSP delivers again on its schedule (1 s later), signed afresh, until a 2xx', async () => {
      deliveries.length = 0;
      const p = await pending();
      const res = await api.post(`/api/v1/sandbox/payments/${p.payment.payment_id}/pay`, {}, { token: buyer, key: false });
      expect(res.status, res.text).toBe(200);
      failNext = 1;
      await flaky.tick();
      expect(deliveries.map((d) => d.status)).toEqual([503]);
      await pendingStill(p);
      const next = await db.selectFrom('jobs').select(['payload', sql<number>`extract(epoch FROM run_at - now())::float8`.as('due_in')]).where('kind', '=', 'sandbox.notify').where('done_at', 'is', null).execute();
      expect(next.map((j) => (j.payload as SandboxNotifyJob).attempt)).toEqual([2]);
      expect(next[0]!.due_in).toBeGreaterThan(0.5);
      expect(next[0]!.due_in).toBeLessThanOrEqual(SANDBOX_RETRY_SCHEDULE_MS[1] / 1000);
      await flaky.tick(); // not due yet
      expect(deliveries).toHaveLength(1);
      await new Promise((r) => setTimeout(r, SANDBOX_RETRY_SCHEDULE_MS[1] + 100));
      await flaky.tick();
      expect(deliveries.map((d) => d.status)).toEqual([503, 200]);
      expect(deliveries[1]!.headers[SANDBOX_HEADERS.nonce]).not.toBe(deliveries[0]!.headers[SANDBOX_HEADERS.nonce]);
      expect(JSON.parse(deliveries[1]!.body).id).toBe(res.json().event_id);
      expect((await orderRow(db, world.tenantId, p.order.id)).status).toBe('paid');
      await expectNoFailedJobs(db);
    });

    it('by default the job posts over HTTP to the address the server listens on, or to SIYU_PUBLIC_URL', async () => {
      const live = await createSiyu(db, testConfig, { clock });
      await live.server.listen({ port: 0, host: '127.0.0.1' });
      afterAll(() => live.close());
      const { port } = live.server.server.address() as { port: number };
      const p = await pending();
      expect((await api.post(`/api/v1/sandbox/payments/${p.payment.payment_id}/pay`, {}, { token: buyer, key: false })).status).toBe(200);
      await live.tick();
      await expectNoFailedJobs(db);
      expect((await orderRow(db, world.tenantId, p.order.id)).status).toBe('paid');

      // A configured public URL wins over the listening address: here one where nothing answers.
      const elsewhere = await createSiyu(db, loadConfig({ SIYU_PUBLIC_URL: `http://127.0.0.1:${port + 1}/` }), { clock });
      await elsewhere.server.listen({ port: 0, host: '127.0.0.1' });
      afterAll(() => elsewhere.close());
      const q = await pending();
      expect((await api.post(`/api/v1/sandbox/payments/${q.payment.payment_id}/pay`, {}, { token: buyer, key: false })).status).toBe(200);
      await elsewhere.tick();
      await pendingStill(q);
      const retry = await db.selectFrom('jobs').select('payload').where('kind', '=', 'sandbox.notify').where('done_at', 'is', null).execute();
      expect(retry.map((j) => (j.payload as SandboxNotifyJob).attempt)).toEqual([2]);
      await live.tick(); // the next attempt is not due yet
      await pendingStill(q);
      await sql`UPDATE jobs SET run_at = now() WHERE kind = 'sandbox.notify' AND done_at IS NULL`.execute(db);
      await live.tick();
      expect((await orderRow(db, world.tenantId, q.order.id)).status).toBe('paid');
    });

    it('past the last scheduled attempt the job fails, where the queue shows it', async () => {
      deliveries.length = 0;
      const p = await pending();
      const last = SANDBOX_RETRY_SCHEDULE_MS.length;
      await sql`INSERT INTO jobs (tenant_id, kind, payload) VALUES (${world.tenantId}, 'sandbox.notify', ${JSON.stringify({ ...job(p.payment), attempt: last })}::jsonb)`.execute(db);
      failNext = 1;
      await flaky.tick();
      const failed = await db.selectFrom('jobs').select(['last_error', 'done_at']).where('kind', '=', 'sandbox.notify').where('last_error', 'is not', null).execute();
      expect(failed).toHaveLength(1);
      expect(failed[0]!.last_error).toContain(`attempt ${last}: 503`);
      await sql`DELETE FROM jobs WHERE last_error IS NOT NULL`.execute(db);
      await pendingStill(p);
    });
  });

  describe('the cashier', () => {
    it("only the payment's buyer confirms it: another consumer 404, staff and admins 403, nothing enqueued", async () => {
      const p = await pending();
      const staff = await createUser(db, world.tenantId, { login: 'staff-cashier', display_name: 'Staff', role: 'staff', b_node_id: world.bNodeId });
      const staffToken = (await issueToken(db, clock, world.tenantId, staff.id, 'api', 'tests')).token;
      const before = await rowCounts(db);
      const url = `/api/v1/sandbox/payments/${p.payment.payment_id}/pay`;
      expectProblem(await api.post(url, {}, { token: stranger, key: false }), 404, 'payment_not_found');
      expectProblem(await api.post(url, {}, { token: other.tokens[0]!, key: false }), 404, 'payment_not_found');
      expectProblem(await api.post(url, {}, { token: world.adminToken, key: false }), 403, 'forbidden');
      expectProblem(await api.post(url, {}, { token: staffToken, key: false }), 403, 'forbidden');
      expect(await rowCounts(db)).toEqual(before);
      const ok = await api.post(url, {}, { token: buyer, key: false });
      expect(ok.status, ok.text).toBe(200);
    });

    it('copies 1–5 and delay_ms 0–60 000, else 400 validation_failed and nothing enqueued', async () => {
      const p = await pending();
      const url = `/api/v1/sandbox/payments/${p.payment.payment_id}/pay`;
      const before = await rowCounts(db);
      for (const body of [{ copies: 0 }, { copies: 6 }, { copies: 1.5 }, { delay_ms: -1 }, { delay_ms: 60_001 }, { delay_ms: 86_400_000 }]) {
        expectProblem(await api.post(url, body, { token: buyer, key: false }), 400, 'validation_failed', JSON.stringify(body));
      }
      expect(await rowCounts(db)).toEqual(before);
      const ok = await api.post(url, { copies: 5, delay_ms: 60_000 }, { token: buyer, key: false });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json().notifications).toBe(5);
      // Not due for a minute: nothing runs now, and the jobs go so that later ticks in this file stay clean.
      await sql`DELETE FROM jobs WHERE done_at IS NULL AND payload->>'payment_id' = ${p.payment.payment_id}`.execute(db);
    });
  });
});
