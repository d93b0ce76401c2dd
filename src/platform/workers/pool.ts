/**
 * Heavy, CPU-bound work (simulations, later imports and exports) runs in worker threads so the
 * event loop keeps answering requests and /healthz while it runs. A pool is small and bounded:
 * a few threads and a short queue; past that, callers are told 503 `server_busy` at once instead
 * of waiting behind work they cannot see.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { defineErrors } from '../errors.js';

export const workerPoolError = defineErrors({
  server_busy: { status: 503, en: 'The server is busy with other heavy work; try again shortly.', zh: '服务器正忙于其他计算任务，请稍后重试。' },
});

export interface WorkerPoolOptions {
  /** Threads that may run at once; by default all cores but one, at least one. */
  threads?: number;
  /** Tasks that may wait for a thread; one more is refused with 503 server_busy. */
  maxQueue?: number;
}

export interface WorkerPool<In, Out> {
  run(task: In): Promise<Out>;
  /** Tasks running or waiting. */
  readonly pending: number;
  /** Stops the threads; a task still running is abandoned. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * A pool running the default export of `worker`, a module URL ending in `.js`. Threads start on
 * first use, so a server that never offloads pays nothing.
 */
export function createWorkerPool<In, Out>(worker: URL, options: WorkerPoolOptions = {}): WorkerPool<In, Out> {
  const threads = options.threads ?? Math.max(1, os.availableParallelism() - 1);
  const maxQueue = options.maxQueue ?? 4 * threads;
  let pool: Piscina<In, Out> | undefined;
  let pending = 0;
  let closed = false;
  return {
    get pending() {
      return pending;
    },
    async run(task) {
      if (closed) throw new Error('worker pool is closed');
      if (pending >= threads + maxQueue) throw workerPoolError('server_busy', { threads, max_queue: maxQueue });
      pool ??= new Piscina<In, Out>({ ...workerEntry(worker), minThreads: 0, maxThreads: threads, maxQueue, idleTimeout: 60_000 });
      pending++;
      try {
        return await pool.run(task);
      } finally {
        pending--;
      }
    },
    async close() {
      closed = true;
      const running = pool;
      pool = undefined;
      await running?.destroy();
    },
  };
}

/**
 * The file a thread loads. Compiled (dist/) the `.js` module is there and plain node runs it.
 * Run from the TypeScript sources (tsx, vitest) only the `.ts` sibling exists, and a new thread
 * has no TypeScript loader of its own, so it is given tsx's.
 */
function workerEntry(worker: URL): { filename: string; execArgv?: string[] } {
  const js = fileURLToPath(worker);
  if (fs.existsSync(js)) return { filename: worker.href };
  const ts = js.replace(/\.js$/, '.ts');
  if (!fs.existsSync(ts)) throw new Error(`worker module not found: ${js}`);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  // Under the tsx command the loader is already among the inherited node options.
  if (process.execArgv.some((a) => a.includes('tsx'))) return { filename: pathToFileURL(ts).href };
  return { filename: pathToFileURL(ts).href, execArgv: ['--import', tsx] };
}
