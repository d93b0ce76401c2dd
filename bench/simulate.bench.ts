/**
 * `siyu bench simulate`: time the economics simulator on a scheme that saturates its whole
 * population (K = 2 plus paid acquisition), so the recruitment tree holds every participant.
 * A small warm-up run first lets the JIT settle; peak RSS is the process's maxRSS.
 */
import type { Command } from 'commander';
import { parsePlan } from '../src/modules/economics/engine/plan.js';
import { simulate } from '../src/modules/economics/engine/simulate.js';
import { integerAtLeast } from './options.js';

const positiveInt = integerAtLeast(1);

export interface SimulateBenchFigures {
  participants: number;
  days: number;
  seconds: number;
  rss_mb: number;
}

export function benchPlan(participants: number) {
  return parsePlan({
    name: 'bench: two-level distribution, K = 2',
    incentives: { commission_levels_bps: [800, 300], entry_fee: 0 },
    simulation: {
      population: participants,
      seed_users: Math.min(participants, 1_000),
      invites_per_user: 10,
      conversion_bps: 2_000,
      cycle_days: 3,
      // Paid acquisition fills what the viral phase leaves (≈ 20% at K = 2) within weeks.
      paid_new_per_day: Math.max(1, Math.ceil(participants / 100)),
    },
  });
}

export async function runSimulateBench(opts: {
  participants: number;
  days: number;
  json: boolean;
}): Promise<SimulateBenchFigures> {
  const warmup = Math.max(1, Math.min(opts.participants, Math.ceil(opts.participants / 10)));
  simulate([benchPlan(warmup)], { days: opts.days, seed: 7 });

  const plan = benchPlan(opts.participants);
  const start = performance.now();
  const result = simulate([plan], { days: opts.days, seed: 1 });
  const seconds = (performance.now() - start) / 1000;
  const figures: SimulateBenchFigures = {
    participants: result.schemes[0]?.participants ?? 0,
    days: opts.days,
    seconds: Number(seconds.toFixed(3)),
    rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    process.stdout.write(
      [
        `simulate: ${figures.participants.toLocaleString('en-US')} participants, ${figures.days} days`,
        `  time      ${figures.seconds.toFixed(3)} s`,
        `  peak RSS  ${figures.rss_mb} MB`,
        '',
      ].join('\n'),
    );
  }
  return figures;
}


export function registerSimulateBench(bench: Command): void {
  bench
    .command('simulate')
    .description('time the economics simulator (participants over days)')
    .option('--participants <n>', 'participants', positiveInt, 1_000_000)
    .option('--days <n>', 'days', positiveInt, 365)
    .option('--json', 'print one JSON line')
    .action(async (opts: { participants: number; days: number; json?: boolean }) => {
      await runSimulateBench({ participants: opts.participants, days: opts.days, json: opts.json === true });
    });
}
