import cluster, { type Worker } from 'node:cluster';
import client from 'prom-client';

/**
 * /metrics under node:cluster. A scrape lands on any one worker, but must describe the whole
 * server, so that worker asks the primary over IPC; the primary collects every worker's
 * registries with prom-client's AggregatorRegistry (counters and histograms summed, gauges by
 * their declared aggregator) and sends the text back.
 */
const ASK = 'siyu:metrics-request';
const ANSWER = 'siyu:metrics-response';

interface Ask { type: typeof ASK; id: number }
interface Answer { type: typeof ANSWER; id: number; text?: string; error?: string }

/** In the primary: answer workers' requests for the aggregated metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new client.AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: Ask) => {
    if (message?.type !== ASK) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id: message.id, text } satisfies Answer),
      (err: Error) => worker.send({ type: ANSWER, id: message.id, error: err.message } satisfies Answer),
    );
  });
}

/** In a worker: these registries are what the primary's aggregator collects from this process. */
export function shareWithPrimary(registries: client.Registry[]): void {
  // Constructing one installs prom-client's worker-side listener for the primary's collection.
  new client.AggregatorRegistry();
  client.AggregatorRegistry.setRegistries(registries);
}

let nextId = 0;
const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();
let listening = false;

/** In a worker: the whole server's metrics, from the primary. */
export function clusterMetricsFromPrimary(timeoutMs = 10_000): Promise<string> {
  if (!process.send) return Promise.reject(new Error('not a cluster worker'));
  if (!listening) {
    listening = true;
    process.on('message', (message: Answer) => {
      if (message?.type !== ANSWER) return;
      const w = waiting.get(message.id);
      if (!w) return;
      waiting.delete(message.id);
      if (message.error !== undefined) w.reject(new Error(`metrics from the cluster primary: ${message.error}`));
      else w.resolve(message.text ?? '');
    });
  }
  const id = ++nextId;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error('the cluster primary did not answer for metrics'));
    }, timeoutMs);
    waiting.set(id, {
      resolve: (text) => { clearTimeout(timer); resolve(text); },
      reject: (err) => { clearTimeout(timer); reject(err); },
    });
    process.send!({ type: ASK, id } satisfies Ask);
  });
}
