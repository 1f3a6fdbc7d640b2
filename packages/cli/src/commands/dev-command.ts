import { startEmulator } from '@frontbridge/emulator';
import { createLogger, loadConfig, startServer } from '@frontbridge/server';
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.ts';
import { startDevStack } from '../dev/start-dev-stack.ts';
import { parsePort } from './parse-options.ts';

/** `frontbridge dev`: server, Front emulator and the Acme Chat demo, wired together. */
export function registerDevCommand(program: Command, io: CliIo): void {
  program
    .command('dev')
    .description('Run the whole loop on this machine: server, Front emulator, Acme Chat demo.')
    .option('--port <port>', 'channel server port', parsePort, 3000)
    .option('--emulator-port <port>', 'Front emulator port', parsePort, 4010)
    .option('--chat-port <port>', 'Acme Chat demo port', parsePort, 3001)
    .option('--data <dir>', 'where the SQLite database lives', './data')
    .option('--verbose', "print the server's JSON log lines")
    .action(async (options: DevCommandOptions) => {
      const stack = await startDevStack({
        ...options,
        startEmulator,
        startServer,
        loadConfig,
        logger: createLogger({ level: options.verbose ? 'info' : 'warn' }),
      });
      io.stdout(stack.banner);
      await io.stopSignal;
      await stack.close();
      io.stdout('frontbridge dev stopped\n');
    });
}

interface DevCommandOptions {
  port: number;
  emulatorPort: number;
  chatPort: number;
  data: string;
  verbose?: boolean;
}
