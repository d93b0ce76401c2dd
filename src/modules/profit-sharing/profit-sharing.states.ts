import { defineStateMachine } from '../../platform/states.js';

export type ReceiverStatus = 'pending' | 'active' | 'failed' | 'removing' | 'removed';
export type SplitStatus = 'pending' | 'processing' | 'finished' | 'failed';
export type ReturnStatus = 'pending' | 'processing' | 'succeeded' | 'failed';

/** A receiver is usable once WeChat Pay accepted it; a refused one may be sent again after a fix. */
export const receiverMachine = defineStateMachine<ReceiverStatus>('profit_sharing_receiver', 'pending', {
  pending: ['active', 'failed'],
  failed: ['pending'],
  active: ['removing'],
  removing: ['removed'],
  removed: [],
});

/**
 * A split or unfreeze request: stored (pending) before the first call, so every retry sends the
 * same out_order_no; WeChat answers PROCESSING (then a query finds FINISHED) or FINISHED at once.
 * A refused request is final; a new one needs a new out_order_no.
 */
export const splitMachine = defineStateMachine<SplitStatus>('profit_sharing_order', 'pending', {
  pending: ['processing', 'finished', 'failed'],
  processing: ['finished', 'failed'],
  finished: [],
  failed: [],
});

export const returnMachine = defineStateMachine<ReturnStatus>('profit_sharing_return', 'pending', {
  pending: ['processing', 'succeeded', 'failed'],
  processing: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
});
