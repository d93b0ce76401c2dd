import { describe, expect, it } from 'vitest';
import { assortmentMachine } from './assortments.states.js';

describe('assortment states', () => {
  it('publishes a draft once; withdrawal and expiry are final', () => {
    expect(assortmentMachine.can('draft', 'published')).toBe(true);
    expect(assortmentMachine.can('published', 'draft')).toBe(false);
    expect(assortmentMachine.can('draft', 'expired')).toBe(false);
    expect(assortmentMachine.sourcesOf('withdrawn').sort()).toEqual(['draft', 'published']);
    expect(assortmentMachine.sourcesOf('expired')).toEqual(['published']);
    expect(assortmentMachine.isTerminal('withdrawn') && assortmentMachine.isTerminal('expired')).toBe(true);
    expect(() => assortmentMachine.assert('withdrawn', 'published')).toThrow();
  });
});
