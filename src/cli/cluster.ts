import cluster, { type Worker } from 'node:cluster';
import { serveClusterMetrics } from '../platform/metrics/cluster-metrics.js';

/** Sent by the primary: finish what is in flight, close, exit. */
export const STOP_MESSAGE = 'siyu:stop';

export interface ClusterOptions {
  workers: number;
  /** Environment of every worker (on top of this process's). */
  env: Record<string, string>;
  /** The worker's command line (default: this process's, so a worker runs the same command). */
  args?: string[];
  log?: (message: string) => void;
}

export interface ServerCluster {
  pids(): number[];
  /** Asks every worker to stop gracefully and waits for them (killing one that takes over `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Forks `workers` processes that listen on one port (node:cluster hands connections out in turn)
 * and resolves once all of them listen. A worker that dies later is replaced, after a pause that
 * grows while replacements keep dying young; one that dies before the cluster is up fails the start.
 */
export function startCluster(options: ClusterOptions): Promise<ServerCluster> {
  const log = options.log ?? ((m: string) => console.error(m));
  cluster.setupPrimary({ ...(options.args ? { args: options.args } : {}) });
  serveClusterMetrics();
  const live = new Set<Worker>();
  const bornAt = new Map<Worker, number>();
  let stopping = false;
  let restartDelay = 0;

  const fork = () => {
    const worker = cluster.fork(options.env);
    live.add(worker);
    bornAt.set(worker, Date.now());
    return worker;
  };

  return new Promise((resolve, reject) => {
    let listening = 0;
    let up = false;
    const onListening = () => {
      if (up || ++listening < options.workers) return;
      up = true;
      resolve({ pids: () => [...live].map((w) => w.process.pid!).filter(Boolean), stop });
    };
    cluster.on('listening', onListening);
    cluster.on('exit', (worker, code, signal) => {
      live.delete(worker);
      if (stopping) return;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (!up) {
        stopping = true;
        void stop().finally(() => reject(new Error(`a server worker exited (${how}) before the cluster was up`)));
        return;
      }
      const lived = Date.now() - (bornAt.get(worker) ?? 0);
      restartDelay = lived > 10_000 ? 0 : Math.min(30_000, Math.max(500, restartDelay * 2));
      log(`worker ${worker.process.pid} exited (${how}); starting a replacement${restartDelay ? ` in ${restartDelay} ms` : ''}`);
      setTimeout(() => { if (!stopping) fork(); }, restartDelay);
    });
    for (let i = 0; i < options.workers; i++) fork();
  });

  async function stop(graceMs = 15_000): Promise<void> {
    stopping = true;
    await Promise.all([...live].map((worker) => new Promise<void>((done) => {
      if (worker.isDead()) return done();
      const kill = setTimeout(() => worker.process.kill('SIGKILL'), graceMs);
      worker.once('exit', () => { clearTimeout(kill); done(); });
      if (worker.isConnected()) worker.send({ type: STOP_MESSAGE });
      else worker.process.kill('SIGTERM');
    })));
  }
}

/**
 * In a worker: run `close` once on the primary's stop message, on SIGTERM, or when the primary
 * goes away, then exit. Ctrl-C reaches every process of the terminal's group; the workers leave
 * it to the primary, which stops them in order.
 */
export function onWorkerStop(close: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    close().then(() => process.exit(0), (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  };
  process.on('message', (message: { type?: string }) => { if (message?.type === STOP_MESSAGE) stop(); });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', () => undefined);
}
