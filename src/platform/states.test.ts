import { describe, expect, it } from 'vitest';
import { defineStateMachine } from './states.js';

type S = 'new' | 'open' | 'done' | 'void';
const machine = defineStateMachine<S>('probe', 'new', { new: ['open', 'void'], open: ['done', 'open'], done: [], void: [] });

describe('transition tables', () => {
  it('refuse an unreachable state at definition', () => {
    expect(() => defineStateMachine<'a' | 'b' | 'c'>('t', 'a', { a: ['b'], b: [], c: ['a'] })).toThrow(/unreachable states c/);
  });

  it('refuse states that reach only each other, never from the initial one', () => {
    expect(() => defineStateMachine<'a' | 'b' | 'c' | 'd'>('t', 'a', { a: ['b'], b: ['a'], c: ['d'], d: ['c'] }))
      .toThrow(/unreachable states c, d/);
    // The same states are accepted once the initial state leads to them.
    expect(defineStateMachine<'a' | 'b' | 'c' | 'd'>('t', 'a', { a: ['b'], b: ['a', 'c'], c: ['d'], d: ['c'] }).states).toHaveLength(4);
  });

  it('refuse a target that is not a state', () => {
    expect(() => defineStateMachine<'a' | 'b'>('t', 'a', { a: ['b', 'z' as 'b'], b: [] })).toThrow(/unknown state z/);
  });

  it('allow exactly the listed steps and refuse every other with a stable code', () => {
    const allowed = new Set(['new>open', 'new>void', 'open>done', 'open>open']);
    for (const from of machine.states) {
      for (const to of machine.states) {
        const legal = allowed.has(`${from}>${to}`);
        expect(machine.can(from, to), `${from} → ${to}`).toBe(legal);
        if (legal) expect(() => machine.assert(from, to)).not.toThrow();
        else {
          expect(() => machine.assert(from, to, 'x1'), `${from} → ${to}`)
            .toThrow(expect.objectContaining({ code: 'illegal_transition', status: 409, details: { machine: 'probe', from, to, entity_id: 'x1' } }));
        }
      }
    }
  });

  it('name terminal states and the sources conditional updates guard on', () => {
    expect(machine.states.filter((s) => machine.isTerminal(s))).toEqual(['done', 'void']);
    expect(machine.sourcesOf('open').sort()).toEqual(['new', 'open']);
    expect(machine.sourcesOf('done')).toEqual(['open']);
    expect(machine.sourcesOf('new')).toEqual([]);
  });
});
