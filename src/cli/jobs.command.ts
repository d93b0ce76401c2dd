import type { Command } from 'commander';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/connect.js';
import { listJobs, retryJob } from '../platform/jobs/admin.js';
import type { Database } from '../database.js';

/** `siyu jobs [--failed] [--json]` and `siyu jobs retry ID`: the job queue, read and nudged. */
export function registerJobsCommands(program: Command) {
  const jobs = program.command('jobs')
    .description('list queued, running, retrying and parked jobs (finished jobs leave the queue)')
    .option('--failed', 'only jobs that failed at least once (retrying or parked)')
    .option('--json', 'one JSON array')
    .action(async (opts: { failed?: boolean; json?: boolean }) => {
      const opened = await openDatabase<Database>(loadConfig());
      try {
        const rows = await listJobs(opened.db, { failed: opts.failed ?? false });
        if (opts.json) {
          console.log(JSON.stringify(rows));
          return;
        }
        if (rows.length === 0) {
          console.log(opts.failed ? 'no failed jobs' : 'no jobs in the queue');
          return;
        }
        for (const j of rows) {
          const error = j.last_error ? `  ${j.last_error.split('\n')[0]!.slice(0, 120)}` : '';
          console.log(`${j.id.padStart(8)}  ${j.state.padEnd(8)}  ${j.kind.padEnd(24)}  ${String(j.attempts)}/${j.max_attempts}  ${j.run_at.toISOString()}  ${j.tenant_id ?? '-'}${error}`);
        }
      } finally {
        await opened.close();
      }
    });

  jobs.command('retry <id>')
    .description('run a failed or parked job again, with fresh attempts')
    .action(async (id: string) => {
      const opened = await openDatabase<Database>(loadConfig());
      try {
        if (!(await retryJob(opened.db, id))) {
          console.error(`no job ${id} to retry (finished, unknown, or running now)`);
          process.exitCode = 1;
          return;
        }
        console.log(`job ${id} is due again`);
      } finally {
        await opened.close();
      }
    });
}
