import type { Conn } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import type { NotificationHub } from '../../platform/db/notifications.js';
import { asVisible } from './orders.service.js';
import { ORDER_STATUS_CHANNEL, orderRepo } from './orders.repo.js';
import type { OrderStatus } from './orders.states.js';

export { ORDER_STATUS_CHANNEL };

/** A waiter re-reads the order at least this often, so a notification lost in a reconnect costs only this much. */
const RECHECK_MS = 5_000;
/** While the listening connection is down, waiters fall back to reading the order this often. */
const FALLBACK_POLL_MS = 500;

async function visibleStatus(db: Conn, actor: Actor, orderId: string, customerId?: string) {
  const order = asVisible(await orderRepo.status(db, actor.tenantId, orderId), actor, customerId);
  return { id: order.id, status: order.status, paid_at: order.paid_at, expires_at: order.expires_at, closed_at: order.closed_at };
}

/**
 * An order's status, optionally held until it differs from `changedFrom` (a long poll): a shop
 * waiting for its payment to land asks once instead of polling. The wait subscribes before each
 * read, so a change committed in between still wakes it, and answers whatever the status is when
 * the change arrives, `waitMs` runs out, or the server starts closing.
 */
export async function orderStatus(db: Conn, hub: NotificationHub | undefined, actor: Actor, orderId: string, customerId: string | undefined, wait: { changedFrom?: OrderStatus | undefined; waitMs: number }) {
  const deadline = Date.now() + wait.waitMs;
  const key = `${actor.tenantId}:${orderId}`;
  for (;;) {
    const remaining = deadline - Date.now();
    const subscription = wait.changedFrom && remaining > 0 && hub ? await hub.subscribe(ORDER_STATUS_CHANNEL, key, Math.min(remaining, RECHECK_MS)) : undefined;
    let current;
    try {
      current = await visibleStatus(db, actor, orderId, customerId);
    } catch (err) {
      subscription?.cancel();
      throw err;
    }
    if (!subscription || current.status !== wait.changedFrom) {
      subscription?.cancel();
      return current;
    }
    if (subscription.listening) {
      if (!(await subscription.notified) && Date.now() >= deadline) return current;
    } else {
      subscription.cancel();
      await new Promise((r) => setTimeout(r, Math.min(deadline - Date.now(), FALLBACK_POLL_MS)));
    }
  }
}
