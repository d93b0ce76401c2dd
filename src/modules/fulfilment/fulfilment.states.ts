import { defineStateMachine } from '../../platform/states.js';
import type { PurchaseOrderStatus, WindowStatus } from './fulfilment.schema.js';

/**
 * A sales window takes orders while open; its cutoff closes it (once: a closed window is never
 * aggregated again), or an operator cancels it before. Campaign pre-sales reuse the same table.
 */
export const windowMachine = defineStateMachine<WindowStatus>('sales_window', 'open', {
  open: ['closed', 'cancelled'],
  closed: [],
  cancelled: [],
});

/** A purchase order waits for its supplier, who confirms the quantities it will ship once. */
export const purchaseOrderMachine = defineStateMachine<PurchaseOrderStatus>('purchase_order', 'open', {
  open: ['confirmed'],
  confirmed: [],
});
