import type { Command } from 'commander';
import { registerCheckoutBench } from '../../bench/checkout.bench.js';
import { registerJourneyBench } from '../../bench/journey.bench.js';
import { registerSimulateBench } from '../../bench/simulate.bench.js';
import { registerWebBench } from '../../bench/web.bench.js';
import { registerQueueBench } from '../../bench/queue.bench.js';
import { registerNotifyBench } from '../../bench/notify.bench.js';
import { registerImportBench } from '../../bench/import.bench.js';
import { registerAggregateBench } from '../../bench/aggregate.bench.js';
import { registerFlashBench } from '../../bench/flash.bench.js';
import { registerMessagingBench } from '../../bench/messaging.bench.js';
import { registerWecomCallbackBench } from '../../bench/wecom-callbacks.bench.js';

/** Benchmarks are commands that prepare their own scratch data; never timed tests. */
export function registerBenchCommands(program: Command) {
  const bench = program.command('bench').description('run a benchmark in a scratch database and print its figures');
  registerCheckoutBench(bench);
  registerJourneyBench(bench);
  registerSimulateBench(bench);
  registerWebBench(bench);
  registerQueueBench(bench);
  registerNotifyBench(bench);
  registerImportBench(bench);
  registerAggregateBench(bench);
  registerFlashBench(bench);
  registerMessagingBench(bench);
  registerWecomCallbackBench(bench);
}
