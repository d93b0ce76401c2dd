import type pg from 'pg';
import { ignoreConnectionError } from './database.js';

/**
 * Wakes requests waiting for a row to change, across every process on the database: a committed
 * transaction sends `pg_notify(channel, key)` and each process's one listening connection wakes
 * the waiters for that key. A wait is a hint, never the truth: callers re-read the row after it,
 * and it also ends on its timeout, so a notification lost while the connection was down only
 * delays an answer.
 */
export interface NotificationHub {
  /**
   * Starts listening for `key` on `channel` before the caller reads the row, so a change committed
   * between the read and the wait is not missed. `notified` resolves true on the notification,
   * false after `timeoutMs`, on cancel or on close. `listening` is false while the connection is
   * down: then only the timeout ends the wait, and callers should keep it short. Undefined once
   * the hub is closed: the caller answers what it has.
   */
  subscribe(channel: string, key: string, timeoutMs: number): Promise<Subscription | undefined>;
  /**
   * Calls `listener.notified` on every notification of `channel` (whatever its payload) and
   * `listener.lost` whenever the connection drops or comes back: a notification may have been
   * missed in between, so caches built on them must start over. Connects at once. Returns the
   * way to stop.
   */
  watch(channel: string, listener: ChannelListener): () => void;
  /** Whether the listening connection is up right now (notifications are being received). */
  listening(): boolean;
  /** Waiters currently parked, for metrics and tests. */
  waiting(): number;
  /** Wakes every waiter (false) and ends the connection; later waits resolve false at once. */
  close(): Promise<void>;
}

export interface Subscription { notified: Promise<boolean>; listening: boolean; cancel(): void }

export interface ChannelListener { notified(payload: string): void; lost(): void }

interface Waiter { resolve: (notified: boolean) => void; timer: NodeJS.Timeout }

const RECONNECT_MS = [100, 500, 1_000, 5_000];

/**
 * Listens on `channels` through its own connection (not the pool's: LISTEN belongs to a session),
 * opened on the first wait and re-opened with backoff when the database goes away.
 */
export function createNotificationHub(connect: () => pg.Client, channels: readonly string[]): NotificationHub {
  const waiters = new Map<string, Set<Waiter>>();
  const watchers = new Map<string, Set<ChannelListener>>();
  const allWatchers = () => [...watchers.values()].flatMap((set) => [...set]);
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const slot = (channel: string, key: string) => `${channel}\u0000${key}`;

  function wake(id: string, notified: boolean) {
    const set = waiters.get(id);
    if (!set) return;
    waiters.delete(id);
    for (const w of set) { clearTimeout(w.timer); w.resolve(notified); }
  }

  function listen(): Promise<void> {
    if (client || connecting || closed || retry) return connecting ?? Promise.resolve();
    const c = connect();
    connecting = (async () => {
      try {
        c.on('error', ignoreConnectionError);
        c.on('notification', (n) => {
          for (const w of watchers.get(n.channel) ?? []) w.notified(n.payload ?? '');
          if (n.payload !== undefined) wake(slot(n.channel, n.payload), true);
        });
        c.on('end', () => {
          if (client !== c) return;
          client = undefined;
          for (const w of allWatchers()) w.lost();
          scheduleReconnect();
        });
        await c.connect();
        for (const channel of channels) await c.query(`LISTEN ${quoteIdent(channel)}`);
        if (closed) { await c.end().catch(() => {}); return; }
        client = c;
        failures = 0;
        // What changed while nobody listened is unknown: watchers start over from here.
        for (const w of allWatchers()) w.lost();
      } catch {
        await c.end().catch(() => {});
        scheduleReconnect();
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  }

  function scheduleReconnect() {
    if (closed || retry) return;
    const delay = RECONNECT_MS[Math.min(failures++, RECONNECT_MS.length - 1)]!;
    retry = setTimeout(() => { retry = undefined; void listen(); }, delay);
    retry.unref();
  }

  return {
    async subscribe(channel, key, timeoutMs) {
      if (!closed) await listen();
      if (closed) return undefined;
      const id = slot(channel, key);
      let waiter!: Waiter;
      const drop = () => {
        clearTimeout(waiter.timer);
        const set = waiters.get(id);
        set?.delete(waiter);
        if (set?.size === 0) waiters.delete(id);
      };
      const notified = new Promise<boolean>((resolve) => {
        waiter = { resolve, timer: setTimeout(() => { drop(); resolve(false); }, timeoutMs) };
      });
      let set = waiters.get(id);
      if (!set) waiters.set(id, (set = new Set()));
      set.add(waiter);
      return { notified, listening: client !== undefined, cancel() { drop(); waiter.resolve(false); } };
    },
    watch(channel, listener) {
      if (!channels.includes(channel)) throw new Error(`the hub does not listen on ${channel}`);
      let set = watchers.get(channel);
      if (!set) watchers.set(channel, (set = new Set()));
      set.add(listener);
      void listen();
      return () => { set.delete(listener); };
    },
    listening() {
      if (!client && !closed) void listen();
      return client !== undefined;
    },
    waiting() {
      let n = 0;
      for (const set of waiters.values()) n += set.size;
      return n;
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      for (const id of [...waiters.keys()]) wake(id, false);
      for (const w of allWatchers()) w.lost();
      await connecting;
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain channel name: ${name}`);
  return `"${name}"`;
}
