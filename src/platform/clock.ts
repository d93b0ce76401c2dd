/** The one source of "now", so tests and simulations can move time without touching the system clock. */
export interface Clock { now(): Date }
export const systemClock: Clock = { now: () => new Date() };
