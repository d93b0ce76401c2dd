import type { Db } from '../database.js';
import type { Clock } from '../platform/clock.js';
import { inTransaction } from '../platform/db/database.js';
import { cutOff, cutOffDueWindows } from '../modules/fulfilment/fulfilment.service.js';

/**
 * Sales-window cutoffs, as the job queue, the CLI (`siyu cutoff run`) and the console's button run
 * them: each window in a transaction of its own, under its row lock. What a cutoff does — paid
 * demand aggregated into purchase orders per supplier × warehouse and pick lists per pickup point,
 * in set-based SQL — is the fulfilment module's; refunds for short shipments come later, when the
 * supplier confirms (short-shipment.flow.ts).
 */
export function runCutoff(db: Db, clock: Clock, tenantId: string, windowId: string) {
  return inTransaction(db, (tx) => cutOff(tx, clock, tenantId, windowId));
}

/** Periodic work: every window past its cutoff, once across processes (rows claimed with SKIP LOCKED). */
export function runDueCutoffs(db: Db, clock: Clock) {
  return cutOffDueWindows(db, clock);
}
