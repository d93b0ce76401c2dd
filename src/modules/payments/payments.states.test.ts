import { describe, expect, it } from 'vitest';
import { paymentMachine, refundMachine } from './payments.states.js';

describe('payment and refund states', () => {
  it('end where the money has settled: a refunded payment, a succeeded or failed refund', () => {
    expect(paymentMachine.states.filter((s) => paymentMachine.isTerminal(s))).toEqual(['refunded']);
    expect(refundMachine.states.filter((s) => refundMachine.isTerminal(s)).sort()).toEqual(['failed', 'succeeded']);
  });

  it('refuse every step out of a terminal state, and never let a failure override a success', () => {
    for (const to of paymentMachine.states) {
      expect(() => paymentMachine.assert('refunded', to)).toThrow(expect.objectContaining({ code: 'illegal_transition' }));
    }
    for (const from of ['failed', 'succeeded'] as const) {
      for (const to of refundMachine.states) expect(() => refundMachine.assert(from, to)).toThrow(expect.objectContaining({ code: 'illegal_transition' }));
    }
    expect(() => paymentMachine.assert('succeeded', 'failed')).toThrow(expect.objectContaining({ code: 'illegal_transition' }));
    expect(() => paymentMachine.assert('failed', 'succeeded')).not.toThrow();
  });
});
