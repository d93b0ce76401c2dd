/**
 * Group commit: work items that arrive while earlier ones are being written wait, and are then
 * written together in one transaction. A lone item goes at once on its own (`runOne`), so nothing
 * waits at low load; under load each transaction carries many items, and the per-transaction costs
 * (round trips, commit) are shared. A batch that fails as a whole is retried item by item, so one
 * bad item never fails the others; each item's own refusal comes back to its caller only.
 */
export type ItemResult<R> = { ok: R } | { error: unknown };

export interface GroupCommitOptions<I, R> {
  /** All items of one batch share this key (a tenant, say): a batch never mixes keys. */
  keyOf(item: I): string;
  /** Writes a batch in one transaction; one result per item, in the items' order. */
  runBatch(items: I[]): Promise<ItemResult<R>[]>;
  /** Writes one item alone (a batch of one, and each item of a batch that failed as a whole). */
  runOne(item: I): Promise<R>;
  maxBatch?: number;
  /**
   * Batches written at the same time by this process. One by default: on bench notify (32 clients)
   * one at a time applied 932 notifications/s against 842/s with two, whose batches were smaller;
   * a cluster of processes still writes one batch each at the same time.
   */
  maxInFlight?: number;
}

interface Waiting<I, R> { item: I; resolve(result: R): void; reject(err: unknown): void }

export interface GroupCommit<I, R> {
  submit(item: I): Promise<R>;
  /** Items waiting and batches being written, for tests and metrics. */
  readonly pending: number;
}

export function groupCommit<I, R>(opts: GroupCommitOptions<I, R>): GroupCommit<I, R> {
  const maxBatch = opts.maxBatch ?? 64;
  const maxInFlight = opts.maxInFlight ?? 1;
  let queue: Waiting<I, R>[] = [];
  let inFlight = 0;

  const settle = (w: Waiting<I, R>, result: ItemResult<R>) => ('ok' in result ? w.resolve(result.ok) : w.reject(result.error));

  const one = async (w: Waiting<I, R>) => {
    try { w.resolve(await opts.runOne(w.item)); } catch (err) { w.reject(err); }
  };

  const write = async (batch: Waiting<I, R>[]) => {
    if (batch.length === 1) return one(batch[0]!);
    let results: ItemResult<R>[];
    try {
      results = await opts.runBatch(batch.map((w) => w.item));
    } catch {
      for (const w of batch) await one(w);
      return;
    }
    batch.forEach((w, i) => settle(w, results[i] ?? { error: new Error('group commit: no result for an item') }));
  };

  const pump = () => {
    while (inFlight < maxInFlight && queue.length > 0) {
      const key = opts.keyOf(queue[0]!.item);
      const batch: Waiting<I, R>[] = [];
      const rest: Waiting<I, R>[] = [];
      for (const w of queue) (batch.length < maxBatch && opts.keyOf(w.item) === key ? batch : rest).push(w);
      queue = rest;
      inFlight++;
      void write(batch).finally(() => { inFlight--; pump(); });
    }
  };

  return {
    submit: (item) => new Promise<R>((resolve, reject) => { queue.push({ item, resolve, reject }); pump(); }),
    get pending() { return queue.length + inFlight; },
  };
}
