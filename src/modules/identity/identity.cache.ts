import type { NotificationHub } from '../../platform/db/notifications.js';
import type { TokenRow } from './identity.repo.js';

/**
 * Sent (by triggers, migration 016) when a row an actor is made of changes: a token revoked or
 * expired, a user's role or scope, a customer's link to its user. Every process drops its cache.
 */
export const ACTORS_CHANNEL = 'siyu_actors';

/** Long enough to spare the lookup on every call of a journey; short, as a backstop only. */
const TTL_MS = 30_000;
const MAX_ENTRIES = 20_000;

export interface ActorCache {
  /** The cached row of a token hash, or undefined (not cached, stale, or the cache is off). */
  get(tokenHash: string): TokenRow | undefined;
  /** Starts a lookup: the returned `store` keeps its row unless the cache was cleared meanwhile. */
  begin(): { store(tokenHash: string, row: TokenRow): void };
  /** Forgets everything: after this process revokes or changes something an actor is made of. */
  clear(): void;
  size(): number;
  close(): void;
}

/**
 * Token → actor rows, kept in this process while the notification hub listens on
 * ACTORS_CHANNEL. Any change to tokens, users' roles or customers' users is notified by the
 * database on commit and clears every process's cache; the process that made the change also
 * clears its own at once, so the answer to a sign-out is never followed by the old token working
 * here. While the hub's connection is down nothing is cached (a change could go unheard), and
 * a lookup that was running when the cache was cleared does not store what it read. Revoked and
 * unknown tokens are not cached: they are rare, and every call of them keeps failing anyway.
 */
export function createActorCache(hub: NotificationHub, now: () => number = Date.now): ActorCache {
  const rows = new Map<string, { row: TokenRow; at: number }>();
  let epoch = 0;
  const clear = () => { epoch++; rows.clear(); };
  const unwatch = hub.watch(ACTORS_CHANNEL, { notified: clear, lost: clear });
  return {
    get(tokenHash) {
      if (!hub.listening()) return undefined;
      const hit = rows.get(tokenHash);
      if (!hit) return undefined;
      if (now() - hit.at > TTL_MS) { rows.delete(tokenHash); return undefined; }
      return hit.row;
    },
    begin() {
      const started = epoch;
      const at = now();
      return {
        store(tokenHash, row) {
          if (epoch !== started || !hub.listening() || row.revoked_at) return;
          if (rows.size >= MAX_ENTRIES) rows.delete(rows.keys().next().value!);
          rows.set(tokenHash, { row, at });
        },
      };
    },
    clear,
    size: () => rows.size,
    close() { unwatch(); clear(); },
  };
}
