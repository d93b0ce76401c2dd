import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { parsePlans } from './engine/plan.js';
import { simulate } from './engine/simulate.js';
import { SIMULATION_WORK_BOUND, createSimulator, simulationWork } from './simulation.service.js';

const compare = JSON.parse(fs.readFileSync('examples/economics/compare-schemes.json', 'utf8')) as { schemes: Record<string, unknown>[] };
/** `count` schemes from the example, renamed so each is distinct. */
const schemes = (count: number) => ({
  schemes: Array.from({ length: count }, (_, i) => ({ ...compare.schemes[i % compare.schemes.length], name: `scheme ${i}` })),
});

describe('simulations over HTTP run off the event loop, bounded', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock);
  const admin = auth(world.adminToken);

  it('keeps /healthz answering while a heavy simulation runs, and returns the engine’s own result', async () => {
    await siyu.server.listen({ port: 0, host: '127.0.0.1' });
    const address = siyu.server.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    // Near the bound: about a second of one core, long enough to be running when /healthz is asked.
    const body = schemes(24);
    const plans = parsePlans(body).map((p) => ({ ...p, simulation: { ...p.simulation, population: 200_000 } }));
    expect(simulationWork(plans, 365)).toBeLessThanOrEqual(SIMULATION_WORK_BOUND);

    const finished: string[] = [];
    const heavy = fetch(`${base}/api/v1/economics/simulate?days=365&seed=3`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(async (res) => { finished.push('simulate'); return { status: res.status, json: await res.json() }; });
    // A timer: it fires late if the loop is held by the simulation.
    await new Promise((r) => setTimeout(r, 50));
    const asked = performance.now();
    const health = await fetch(`${base}/healthz`);
    const healthMs = performance.now() - asked;
    finished.push('healthz');
    expect(health.status).toBe(200);
    const result = await heavy;
    expect(result.status).toBe(200);
    // Had the simulation run on the event loop, /healthz could only answer after it.
    expect(finished).toEqual(['healthz', 'simulate']);
    expect(healthMs).toBeLessThan(500);

    const local = simulate(plans, { days: 365, seed: 3 });
    expect(result.json).toEqual(JSON.parse(JSON.stringify(local)));
  }, 60_000);

  it('refuses a simulation above the bound with 422 simulation_too_large, naming the bound', async () => {
    // 30 schemes × (200,000 + 365) × 365 ≈ 2.2 billion > 2 billion.
    const res = await siyu.server.inject({ method: 'POST', url: '/api/v1/economics/simulate?days=365&participants=200000', headers: admin, payload: schemes(30) });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'simulation_too_large', bound: SIMULATION_WORK_BOUND });
    expect(res.json().work).toBeGreaterThan(SIMULATION_WORK_BOUND);
    // The same schemes over fewer days fit.
    const fewer = await siyu.server.inject({ method: 'POST', url: '/api/v1/economics/simulate?days=30&participants=1000', headers: admin, payload: schemes(30) });
    expect(fewer.statusCode).toBe(200);
    expect(fewer.json().schemes).toHaveLength(30);
  }, 60_000);

  it('carries the engine’s own refusals back from the thread with their code', async () => {
    const simulator = createSimulator({ threads: 1 });
    try {
      const plan = parsePlans(schemes(1))[0]!;
      await expect(simulator.run([plan], { days: 0, seed: 1 })).rejects.toMatchObject({ code: 'invalid_option', status: 400 });
    } finally {
      await simulator.close();
    }
  }, 60_000);

  it('answers 503 server_busy when the threads and the queue are full, and serves again after', async () => {
    const simulator = createSimulator({ threads: 1, maxQueue: 1 });
    try {
      const plans = parsePlans(schemes(6)).map((p) => ({ ...p, simulation: { ...p.simulation, population: 200_000 } }));
      const running = [simulator.run(plans, { days: 365, seed: 1 }), simulator.run(plans, { days: 365, seed: 2 })];
      await expect(simulator.run(plans, { days: 365, seed: 3 })).rejects.toMatchObject({ code: 'server_busy', status: 503 });
      const done = await Promise.all(running);
      expect(done.map((r) => r.seed)).toEqual([1, 2]);
      expect((await simulator.run(plans.slice(0, 1), { days: 30, seed: 4 })).schemes).toHaveLength(1);
    } finally {
      await simulator.close();
    }
  }, 60_000);
});
