/**
 * Runs in a worker thread (platform/workers/pool.ts): the simulator is pure CPU work, and a few
 * hundred schemes would otherwise hold the event loop for seconds. Errors cross the thread as
 * data, since a thrown AppError arrives on the other side as a plain Error without its code.
 */
import { EconomicsFailure, type EconomicsErrorCode, type EconomicsIssue } from './engine/errors.js';
import type { Plan } from './engine/plan.js';
import { simulate, type SimulationResult } from './engine/simulate.js';

export interface SimulateTask {
  plans: Plan[];
  days: number;
  seed: number;
}

export type SimulateOutcome =
  | { ok: true; result: SimulationResult }
  | { ok: false; code: EconomicsErrorCode; issues: EconomicsIssue[] };

export default function runSimulation(task: SimulateTask): SimulateOutcome {
  try {
    return { ok: true, result: simulate(task.plans, { days: task.days, seed: task.seed }) };
  } catch (err) {
    if (err instanceof EconomicsFailure) return { ok: false, code: err.code, issues: err.issues };
    throw err;
  }
}
