import { defineStateMachine } from '../../platform/states.js';

export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'partially_refunded' | 'refunded';
export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export const paymentMachine = defineStateMachine<PaymentStatus>('payment', 'pending', {
  pending: ['succeeded', 'failed'],
  succeeded: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  failed: [],
  refunded: [],
});

export const refundMachine = defineStateMachine<RefundStatus>('refund', 'pending', {
  pending: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
});
