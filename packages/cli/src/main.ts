import { FrontbridgeError } from '@frontbridge/sdk';
import { Command, CommanderError } from 'commander';
import { type CliIo, processIo } from './cli-io.ts';
import { registerAccountsCommand } from './commands/accounts-command.ts';
import { registerDevCommand } from './commands/dev-command.ts';
import { registerEmulatorCommand } from './commands/emulator-command.ts';
import { registerMigrateCommand } from './commands/migrate-command.ts';
import { registerServeCommand } from './commands/serve-command.ts';

/**
 * Runs the `frontbridge` command line and resolves with the exit code. Long-running commands
 * (`dev`, `serve`, `emulator`) resolve once `io.stopSignal` fires and everything has shut down.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command('frontbridge')
    .description('Connect any messaging system to Front as an application channel.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  for (const register of [
    registerDevCommand,
    registerServeCommand,
    registerEmulatorCommand,
    registerAccountsCommand,
    registerMigrateCommand,
  ]) {
    register(program, io);
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return reportFailure(error, io);
  }
}

// Commander has printed its own usage message already; our errors get one line without a stack.
function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof FrontbridgeError) {
    io.stderr(`frontbridge: ${error.message}\n`);
    return 1;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    io.stderr(`frontbridge: ${(error as Error).message}. Choose another port.\n`);
    return 1;
  }
  io.stderr(`frontbridge: ${(error as Error).message ?? String(error)}\n`);
  return 1;
}
