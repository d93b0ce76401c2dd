import { describe, expect, it } from 'vitest';
import { afterSalesMachine } from './after-sales.states.js';

describe('after-sales request states', () => {
  it('only approval leads to a refund; decided and cancelled requests are final', () => {
    expect(afterSalesMachine.sourcesOf('approved').sort()).toEqual(['failed', 'requested']);
    expect(afterSalesMachine.sourcesOf('refunded')).toEqual(['approved']);
    expect(afterSalesMachine.can('requested', 'refunded')).toBe(false);
    expect(afterSalesMachine.can('rejected', 'approved')).toBe(false);
    expect(afterSalesMachine.can('cancelled', 'approved')).toBe(false);
    for (const s of ['refunded', 'rejected', 'cancelled'] as const) expect(afterSalesMachine.isTerminal(s)).toBe(true);
  });
});
