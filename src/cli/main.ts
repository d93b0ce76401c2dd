#!/usr/bin/env node
import { Command } from 'commander';
import { registerStartCommand } from './start.command.js';
import { registerDatabaseCommands } from './database.command.js';
import { registerBenchCommands } from './bench.command.js';
import { registerEconomicsCommands } from './economics.command.js';

const program = new Command('siyu')
  .description('Siyu (私域): private-domain retail platform')
  .showHelpAfterError();

registerStartCommand(program);
registerDatabaseCommands(program);
registerBenchCommands(program);
registerEconomicsCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
