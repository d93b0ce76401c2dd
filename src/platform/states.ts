import { platformError } from './errors.js';

export type TransitionTable<S extends string> = { readonly [K in S]: readonly S[] };

/**
 * A state machine as data. Checked when defined: every state named in a target exists, and every
 * state is reachable from the initial one, so a typo or an orphaned state fails at boot, not in production.
 */
export function defineStateMachine<S extends string>(name: string, initial: S, table: TransitionTable<S>) {
  const states = Object.keys(table) as S[];
  const seen = new Set<S>([initial]);
  const queue: S[] = [initial];
  while (queue.length) {
    for (const next of table[queue.shift()!]) {
      if (!(next in table)) throw new Error(`${name}: unknown state ${next}`);
      if (!seen.has(next)) { seen.add(next); queue.push(next); }
    }
  }
  const unreachable = states.filter((s) => !seen.has(s));
  if (unreachable.length) throw new Error(`${name}: unreachable states ${unreachable.join(', ')}`);

  return {
    name,
    initial,
    states,
    can: (from: S, to: S): boolean => table[from].includes(to),
    /** States from which `to` may be entered: used as the `WHERE status = ANY(...)` guard of conditional updates. */
    sourcesOf: (to: S): S[] => states.filter((s) => table[s].includes(to)),
    isTerminal: (s: S): boolean => table[s].length === 0,
    assert(from: S, to: S, entityId?: string): void {
      if (!table[from].includes(to)) throw platformError('illegal_transition', { machine: name, from, to, entity_id: entityId });
    },
  };
}

export type StateMachine<S extends string> = ReturnType<typeof defineStateMachine<S>>;
