/**
 * Shared helpers for the race and bad-input suites: a seeded PRNG, one client shape over both
 * `inject` (in-process) and `fetch` (real sockets), problem+json assertions, signed sandbox
 * notifications, row counts and stock invariants.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import type { Db } from '../../src/database.js';
import type { Siyu } from '../../src/app.js';
import { sandboxKeyOf } from '../fixtures.js';
import { buildSandboxNotification, type SandboxNotifyJob } from '../../src/simulators/sandboxpay/sandbox.psp.js';

// ---------------------------------------------------------------- seeds and PRNG

/**
 * Two fixed seeds (reproducible) and one fresh per run (explores); `RACE_SEEDS=1,2,3` replays exact
 * seeds. Every assertion message carries the seed.
 */
export const SEEDS: number[] = process.env.RACE_SEEDS
  ? process.env.RACE_SEEDS.split(',').map((s) => Number(s.trim()) >>> 0)
  : [0x5eed01, 0xc0ffee, (Date.now() ^ (process.pid << 8)) >>> 0];

/** mulberry32: small, fast, good enough to vary carts and request order. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  return {
    next,
    int,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    shuffle: <T>(xs: readonly T[]): T[] => {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}
export type Rng = ReturnType<typeof rng>;

// ---------------------------------------------------------------- HTTP clients

export interface Res { status: number; headers: Record<string, string>; text: string; json: () => any }
export interface RequestOptions {
  token?: string | undefined;
  /** JSON-encoded unless `raw` is given. */
  body?: unknown;
  /** Sent as is (malformed JSON, oversized bodies, signed notifications). */
  raw?: string | undefined;
  headers?: Record<string, string>;
  /** Idempotency-Key: omitted → a fresh unique key; `false` → no header at all. */
  key?: string | false;
}
export interface Api {
  request(method: string, url: string, options?: RequestOptions): Promise<Res>;
  post(url: string, body: unknown, options?: Omit<RequestOptions, 'body'>): Promise<Res>;
  get(url: string, options?: RequestOptions): Promise<Res>;
}

let keySeq = 0;
export const freshKey = (prefix = 'k') => `${prefix}-${process.pid}-${++keySeq}-${randomBytes(4).toString('hex')}`;

function headersFor(method: string, o: RequestOptions): Record<string, string> {
  const h: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token) h.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined || o.raw !== undefined) h['content-type'] ??= 'application/json';
  if (method !== 'GET' && o.key !== false) h['idempotency-key'] ??= o.key ?? freshKey();
  return h;
}

function payloadOf(o: RequestOptions): string | undefined {
  if (o.raw !== undefined) return o.raw;
  if (o.body !== undefined) return JSON.stringify(o.body);
  return undefined;
}

function wrap(request: Api['request']): Api {
  return {
    request,
    post: (url, body, options = {}) => request('POST', url, { ...options, body }),
    get: (url, options = {}) => request('GET', url, options),
  };
}

/** In-process requests (still truly concurrent against PostgreSQL through the pool). */
export function injectApi(siyu: Siyu): Api {
  return wrap(async (method, url, o = {}) => {
    const payload = payloadOf(o);
    const res = await siyu.server.inject({ method: method as 'GET', url, headers: headersFor(method, o), ...(payload !== undefined ? { payload } : {}) });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    const text = res.body;
    return { status: res.statusCode, headers, text, json: () => JSON.parse(text) };
  });
}

/** Real sockets: starts the server on an ephemeral port and talks to it with Node's fetch (undici). */
export async function fetchApi(siyu: Siyu, timeoutMs = 30_000): Promise<Api & { base: string }> {
  await siyu.server.listen({ port: 0, host: '127.0.0.1' });
  const address = siyu.server.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a TCP port');
  const base = `http://127.0.0.1:${address.port}`;
  const api = wrap(async (method, url, o = {}) => {
    const payload = payloadOf(o);
    let res: Response;
    try {
      res = await fetch(base + url, { method, headers: headersFor(method, o), ...(payload !== undefined ? { body: payload } : {}), signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      // A time-out or a dropped connection is a result the tests must see, not a crash of the test.
      return { status: 0, headers: {}, text: String((err as Error)?.message ?? err), json: () => ({}) };
    }
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => { headers[k.toLowerCase()] = v; });
    return { status: res.status, headers, text, json: () => JSON.parse(text) };
  });
  return { ...api, base };
}

type RawListener = (req: unknown, res: unknown) => void;

/**
 * A starting gate on the real HTTP server: requests are held as they arrive and handed to Fastify all
 * together once `expected` of them are in, so they really run at once rather than in the order their
 * sockets happened to connect. (If fewer arrive, a generous deadline opens the gate so a test fails on
 * its assertions instead of hanging.) The gate removes itself after opening.
 */
export function startingGate(siyu: Siyu, expected: number, deadlineMs = 20_000) {
  const server = siyu.server.server;
  const handlers = server.listeners('request') as RawListener[];
  const held: [unknown, unknown][] = [];
  let open = false;
  const release = () => {
    if (open) return;
    open = true;
    clearTimeout(timer);
    server.removeListener('request', gate);
    for (const h of handlers) server.on('request', h);
    for (const [req, res] of held) for (const h of handlers) h(req, res);
  };
  const gate: RawListener = (req, res) => {
    held.push([req, res]);
    if (held.length >= expected) release();
  };
  for (const h of handlers) server.removeListener('request', h);
  server.on('request', gate);
  const timer = setTimeout(release, deadlineMs);
  return { get released() { return open; }, get held() { return held.length; } };
}

/** Requests currently being handled by the real HTTP server, and the most seen at once. */
export function inFlightMeter(siyu: Siyu) {
  let now = 0;
  let peak = 0;
  const onRequest = (_req: unknown, res: { once(event: 'close', fn: () => void): void }) => {
    now++;
    peak = Math.max(peak, now);
    res.once('close', () => { now--; });
  };
  siyu.server.server.on('request', onRequest);
  return {
    get peak() { return peak; },
    stop() { siyu.server.server.off('request', onRequest); },
  };
}

/** Polls pg_stat_activity from its own connection: the most backends of this database busy at once. */
export async function dbActivityMeter(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')`);
      peak = Math.max(peak, rows[0]?.n ?? 0);
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      return peak;
    },
  };
}

// ---------------------------------------------------------------- assertions

/** A 4xx/5xx answer in problem+json with the given stable code. */
export function expectProblem(res: Res, status: number, code: string, context = '') {
  const where = `${context} → ${res.status} ${res.text.slice(0, 400)}`;
  expect(res.status, where).toBe(status);
  expect(res.headers['content-type'] ?? '', where).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body.code, where).toBe(code);
  expect(body.status, where).toBe(status);
  return body;
}

const COUNTED = ['orders', 'order_lines', 'stock_reservations', 'payments', 'payment_events', 'payment_notification_nonces', 'refunds', 'idempotency_keys', 'audit_log', 'jobs', 'coupons', 'coupon_holders', 'coupon_redemptions'] as const;
export type RowCounts = Record<(typeof COUNTED)[number], number>;

/** Row counts of every table a request could write to (all tenants). */
export async function rowCounts(db: Db): Promise<RowCounts> {
  // Jobs live in graphile-worker's schema.
  const source = (t: string) => (t === 'jobs' ? 'graphile_worker._private_jobs' : t);
  const { rows } = await sql<RowCounts>`SELECT ${sql.raw(COUNTED.map((t) => `(SELECT count(*)::int FROM ${source(t)}) AS ${t}`).join(', '))}`.execute(db);
  return rows[0]!;
}

/** Every stock row of a tenant with the sum of its active reservations. */
export async function stockRows(db: Db, tenantId: string) {
  const { rows } = await sql<{ sku_id: string; on_hand: number; reserved: number; live: number }>`
    SELECT s.sku_id, s.on_hand, s.reserved,
           coalesce((SELECT sum(r.quantity) FROM stock_reservations r
                      WHERE r.tenant_id = s.tenant_id AND r.warehouse_id = s.warehouse_id AND r.sku_id = s.sku_id AND r.status = 'active'), 0)::int AS live
      FROM stock s WHERE s.tenant_id = ${tenantId} ORDER BY s.sku_id`.execute(db);
  return rows;
}

/** reserved = Σ active reservations, and 0 ≤ reserved ≤ on_hand, for every SKU of the tenant. */
export async function expectStockConsistent(db: Db, tenantId: string, context = '') {
  const rows = await stockRows(db, tenantId);
  for (const r of rows) {
    expect(r.reserved, `${context}: sku ${r.sku_id} reserved vs active reservations`).toBe(r.live);
    expect(r.reserved, `${context}: sku ${r.sku_id} reserved >= 0`).toBeGreaterThanOrEqual(0);
    expect(r.on_hand - r.reserved, `${context}: sku ${r.sku_id} never oversold`).toBeGreaterThanOrEqual(0);
  }
  return new Map(rows.map((r) => [r.sku_id, r]));
}

/** No outbox job failed (a failing handler would otherwise only show up as a retry much later). */
export async function expectNoFailedJobs(db: Db, context = '') {
  // A finished job is deleted from the queue; what is left either failed or was never run.
  const { rows: failed } = await sql`SELECT id, task_identifier AS kind, last_error FROM graphile_worker.jobs WHERE last_error IS NOT NULL`.execute(db);
  expect(failed, `${context}: failed jobs`).toEqual([]);
  const { rows: pending } = await sql`SELECT id, task_identifier AS kind FROM graphile_worker.jobs WHERE task_identifier NOT LIKE 'periodic:%'`.execute(db);
  expect(pending, `${context}: jobs left undone after tick()`).toEqual([]);
}

// ---------------------------------------------------------------- domain shortcuts

/** `n` consumers, each with their own session in the given shop. */
export async function consumerTokens(siyu: Siyu, shop: string, n: number, prefix = '139'): Promise<string[]> {
  const api = injectApi(siyu);
  const out: string[] = [];
  for (let start = 0; start < n; start += 25) {
    const batch = await Promise.all(Array.from({ length: Math.min(25, n - start) }, async (_, j) => {
      const i = start + j;
      const res = await api.post(`/api/v1/shops/${shop}/session`, { name: `C${i}`, phone: `${prefix}${String(i).padStart(8, '0')}` }, { key: false });
      if (res.status !== 201) throw new Error(`session ${i} failed: ${res.status} ${res.text}`);
      return res.json().token as string;
    }));
    out.push(...batch);
  }
  return out;
}

export type Line = { sku_id: string; quantity: number };

export async function placeOrder(api: Api, token: string, shop: string, lines: Line[]) {
  const res = await api.post('/api/v1/orders', { shop, lines }, { token });
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${res.text}`);
  return res.json() as { id: string; total: number; status: string; lines: { line_no: number; sku_id: string; quantity: number; unit_price: number; line_total: number }[] };
}

export async function startPayment(api: Api, token: string, orderId: string) {
  const res = await api.post(`/api/v1/orders/${orderId}/payments`, {}, { token });
  if (res.status !== 201) throw new Error(`payment failed: ${res.status} ${res.text}`);
  return res.json() as { payment_id: string; amount: number };
}

export const NOTIFY_URL = '/api/v1/payments/notify/sandbox';

/** The sandbox key of a tenant seedWorld created. */
export const sandboxSecret = (tenantId: string): string => sandboxKeyOf(tenantId).secret;

/** A correctly signed sandbox notification (headers + exact body), by default at the tenant's world clock. */
export function signedNotification(job: SandboxNotifyJob, now = sandboxKeyOf(job.tenant_id).clock.now()) {
  return buildSandboxNotification(sandboxSecret(job.tenant_id), job, now);
}

export function postNotification(api: Api, signed: { headers: Record<string, string>; body: string }) {
  return api.request('POST', NOTIFY_URL, { raw: signed.body, headers: { ...signed.headers, 'content-type': 'application/json' }, key: false });
}

export const newEventId = () => `evt_${randomBytes(10).toString('hex')}`;

/** Checkout, start a payment and deliver one successful notification: a paid order. */
export async function paidOrder(api: Api, tenantId: string, token: string, shop: string, lines: Line[]) {
  const order = await placeOrder(api, token, shop, lines);
  const payment = await startPayment(api, token, order.id);
  const res = await postNotification(api, signedNotification({ kind: 'payment', tenant_id: tenantId, payment_id: payment.payment_id, amount: payment.amount, event_id: newEventId() }));
  if (res.status !== 200 || res.json().outcome !== 'order_paid') throw new Error(`payment notification failed: ${res.status} ${res.text}`);
  return { order, payment };
}

export async function orderRow(db: Db, tenantId: string, orderId: string) {
  return db.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where('id', '=', orderId).executeTakeFirstOrThrow();
}

export async function paymentRow(db: Db, tenantId: string, paymentId: string) {
  return db.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('id', '=', paymentId).executeTakeFirstOrThrow();
}
