import { defineStateMachine } from '../../platform/states.js';
import type { AssortmentStatus } from './assortments.schema.js';

export type { AssortmentStatus };

/**
 * A draft is edited freely and published once; a published assortment is withdrawn by its supplier
 * or expires at the end of its validity. A draft may be discarded (withdrawn) unpublished.
 */
export const assortmentMachine = defineStateMachine<AssortmentStatus>('assortment', 'draft', {
  draft: ['published', 'withdrawn'],
  published: ['withdrawn', 'expired'],
  withdrawn: [],
  expired: [],
});
