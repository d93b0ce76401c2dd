import { describe, expect, it } from 'vitest';
import { defineStateMachine, type StateMachine } from './states.js';
import { orderMachine } from '../modules/orders/orders.states.js';
import { paymentMachine, refundMachine } from '../modules/payments/payments.states.js';

describe('transition tables', () => {
  it('refuse an unreachable state at definition', () => {
    expect(() => defineStateMachine<'a' | 'b' | 'c'>('t', 'a', { a: ['b'], b: [], c: ['a'] })).toThrow(/unreachable states c/);
  });

  it('refuse a target that is not a state', () => {
    expect(() => defineStateMachine<'a' | 'b'>('t', 'a', { a: ['b', 'z' as 'b'], b: [] })).toThrow(/unknown state z/);
  });

  it('keep terminal states absorbing and report illegal steps with a stable code', () => {
    for (const m of [orderMachine, paymentMachine, refundMachine] as unknown as StateMachine<string>[]) {
      for (const s of m.states.filter((x) => m.isTerminal(x))) {
        for (const t of m.states) expect(m.can(s, t)).toBe(false);
      }
    }
    expect(() => orderMachine.assert('cancelled', 'paid')).toThrow(expect.objectContaining({ code: 'illegal_transition', status: 409 }));
    expect(orderMachine.sourcesOf('paid').sort()).toEqual(['expired', 'pending_payment']);
  });
});
