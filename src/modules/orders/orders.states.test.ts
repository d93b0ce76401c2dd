import { describe, expect, it } from 'vitest';
import { orderMachine } from './orders.states.js';

describe('order states', () => {
  it('end only in cancelled and refunded; an expired order can still be paid', () => {
    expect(orderMachine.states.filter((s) => orderMachine.isTerminal(s)).sort()).toEqual(['cancelled', 'refunded']);
    expect(() => orderMachine.assert('expired', 'paid')).not.toThrow();
  });

  it('refuse every step out of a terminal state with a stable code', () => {
    for (const from of ['cancelled', 'refunded'] as const) {
      for (const to of orderMachine.states) {
        expect(() => orderMachine.assert(from, to), `${from} → ${to}`).toThrow(expect.objectContaining({ code: 'illegal_transition', status: 409 }));
        expect(orderMachine.sourcesOf(to)).not.toContain(from);
      }
    }
    expect(orderMachine.sourcesOf('paid').sort()).toEqual(['expired', 'pending_payment']);
  });
});
