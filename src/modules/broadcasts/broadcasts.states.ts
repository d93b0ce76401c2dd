import { defineStateMachine } from '../../platform/states.js';
import type { BroadcastStatus } from './broadcasts.tables.js';

/**
 * A broadcast is planned (its recipients hold their cap slots), then confirmed: scheduled for its
 * time, sending when the job takes it, sent once every sender's task is at WeCom. Cancelling a
 * planned or scheduled one gives the slots back.
 */
export const broadcastMachine = defineStateMachine<BroadcastStatus>('broadcast', 'planned', {
  planned: ['scheduled', 'cancelled'],
  scheduled: ['sending', 'cancelled'],
  sending: ['sent'],
  // The operator resends recipients a crash left uncertain: sending again.
  sent: ['sending'],
  cancelled: [],
});
