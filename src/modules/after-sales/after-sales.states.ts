import { defineStateMachine } from '../../platform/states.js';
import type { AfterSalesStatus } from './after-sales.schema.js';

export type { AfterSalesStatus };

/**
 * A buyer's refund request. Approval starts the refund; the provider's outcome then makes it
 * refunded or failed. A failed one can be approved again (the refund retried) once the order was
 * put back to what was really refunded.
 */
export const afterSalesMachine = defineStateMachine<AfterSalesStatus>('after_sales_request', 'requested', {
  requested: ['approved', 'rejected', 'cancelled'],
  approved: ['refunded', 'failed'],
  failed: ['approved'],
  refunded: [],
  rejected: [],
  cancelled: [],
});
