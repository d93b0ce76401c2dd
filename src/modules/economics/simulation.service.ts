/**
 * Simulations requested over HTTP: bounded in size, and run in a worker thread so a few hundred
 * schemes do not hold the event loop (and /healthz) for seconds. The CLI runs the engine directly
 * and has no bound.
 */
import { createWorkerPool, type WorkerPoolOptions } from '../../platform/workers/pool.js';
import { EconomicsError, EconomicsFailure, economicsError } from './engine/errors.js';
import type { Plan } from './engine/plan.js';
import type { SimulationResult } from './engine/simulate.js';
import type { SimulateOutcome, SimulateTask } from './simulate.worker.js';

/**
 * The most work one request may ask for, as Σ over schemes of (participants + days) × days: the
 * simulator's cost grows with the recruitment tree (participants per day) and with the day-by-day
 * cohort sums (days²). About a second of one core; 25 schemes of 200,000 participants over a year fit.
 */
export const SIMULATION_WORK_BOUND = 2_000_000_000;

/** Participants a scheme may have over HTTP, whatever its plan says. */
export const SIMULATION_MAX_PARTICIPANTS = 200_000;

export function simulationWork(plans: readonly Plan[], days: number): number {
  return plans.reduce((sum, plan) => sum + (plan.simulation.population + days) * days, 0);
}

export interface Simulator {
  run(plans: Plan[], opts: { days: number; seed: number }): Promise<SimulationResult>;
  close(): Promise<void>;
}

export function createSimulator(options: WorkerPoolOptions = {}): Simulator {
  const pool = createWorkerPool<SimulateTask, SimulateOutcome>(new URL('./simulate.worker.js', import.meta.url), options);
  return {
    async run(plans, { days, seed }) {
      const work = simulationWork(plans, days);
      if (work > SIMULATION_WORK_BOUND) {
        throw economicsError(EconomicsError.SimulationTooLarge, {
          bound: SIMULATION_WORK_BOUND,
          work,
          errors: [{ path: '', message: `${plans.length} schemes × (participants + days) × ${days} days = ${work}, above the bound of ${SIMULATION_WORK_BOUND}` }],
        });
      }
      const outcome = await pool.run({ plans, days, seed });
      if (!outcome.ok) throw new EconomicsFailure(outcome.code, outcome.issues);
      return outcome.result;
    },
    close: () => pool.close(),
  };
}
