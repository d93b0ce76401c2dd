import { describe, expect, it } from 'vitest';
import { campaignMachine } from './campaigns.states.js';

describe('campaign states', () => {
  it('an ended campaign stays ended', () => {
    expect(campaignMachine.states.filter((s) => campaignMachine.isTerminal(s))).toEqual(['ended']);
    expect(() => campaignMachine.assert('ended', 'active')).toThrow(expect.objectContaining({ code: 'illegal_transition', status: 409 }));
    expect(() => campaignMachine.assert('active', 'ended')).not.toThrow();
  });
});
