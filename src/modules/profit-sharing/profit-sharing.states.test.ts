import { describe, expect, it } from 'vitest';
import { receiverMachine, returnMachine, splitMachine } from './profit-sharing.states.js';

describe('profit-sharing states', () => {
  it('a split or return ends finished or failed, and nothing leaves those', () => {
    expect(splitMachine.states.filter((s) => splitMachine.isTerminal(s)).sort()).toEqual(['failed', 'finished']);
    expect(returnMachine.states.filter((s) => returnMachine.isTerminal(s)).sort()).toEqual(['failed', 'succeeded']);
    for (const to of splitMachine.states) {
      expect(() => splitMachine.assert('finished', to)).toThrow(expect.objectContaining({ code: 'illegal_transition' }));
      expect(() => splitMachine.assert('failed', to)).toThrow(expect.objectContaining({ code: 'illegal_transition' }));
    }
  });

  it('a split goes back to pending never: a resend uses the stored out_order_no from where it is', () => {
    expect(splitMachine.sourcesOf('pending')).toEqual([]);
    expect(splitMachine.sourcesOf('finished').sort()).toEqual(['pending', 'processing']);
  });

  it('only an accepted receiver is removed; a removed one stays removed', () => {
    expect(receiverMachine.sourcesOf('removing')).toEqual(['active']);
    expect(receiverMachine.isTerminal('removed')).toBe(true);
  });
});
