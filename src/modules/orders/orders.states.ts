import { defineStateMachine } from '../../platform/states.js';
import type { OrderStatus } from './orders.schema.js';

export type { OrderStatus };

/**
 * `expired` (auto-cancelled for non-payment) is not terminal: a payment that arrives late revives the
 * order if its stock can be reserved again. `cancelled` (by the buyer or staff) is terminal; a late
 * payment for it is refunded.
 */
export const orderMachine = defineStateMachine<OrderStatus>('order', 'pending_payment', {
  pending_payment: ['paid', 'expired', 'cancelled'],
  expired: ['paid'],
  paid: ['ready_for_pickup', 'completed', 'partially_refunded', 'refunded'],
  ready_for_pickup: ['completed', 'partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'ready_for_pickup', 'completed', 'refunded'],
  completed: ['partially_refunded', 'refunded'],
  refunded: [],
  cancelled: [],
});

/**
 * A refund the provider reports failed is taken back: the order leaves the state the refund put it in
 * for what is really refunded — still partially refunded, or where its goods are (paid, ready,
 * completed). Kept apart from the transition table so that nothing else (a late payment, say) can
 * move a refunded order.
 */
export const refundReversal = {
  from: ['refunded', 'partially_refunded'] as const satisfies readonly OrderStatus[],
  to: ['partially_refunded', 'paid', 'ready_for_pickup', 'completed'] as const satisfies readonly OrderStatus[],
};
export type ReversedStatus = (typeof refundReversal.to)[number];
