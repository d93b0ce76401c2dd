import { defineStateMachine } from '../../platform/states.js';
import type { PaymentStatus, RefundStatus } from './payments.schema.js';

export type { PaymentStatus, RefundStatus };

/**
 * A provider's success is final: money was taken. A failure reported earlier (a failed attempt,
 * or an event overtaken by the success) therefore gives way to it, and the order is settled or
 * the money returned. A failure never overrides a success.
 */
export const paymentMachine = defineStateMachine<PaymentStatus>('payment', 'pending', {
  pending: ['succeeded', 'failed'],
  failed: ['succeeded'],
  succeeded: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
});

export const refundMachine = defineStateMachine<RefundStatus>('refund', 'pending', {
  pending: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
});
