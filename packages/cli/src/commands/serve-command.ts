import { createLogger, loadConfig, startServer } from '@frontbridge/server';
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.ts';

/** `frontbridge serve`: the channel server, configured from the environment. */
export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('Run the channel server (configuration from the environment; see docs).')
    .option('--dev', 'allow http PUBLIC_URL and development defaults')
    .action(async (options: { dev?: boolean }) => {
      const config = loadConfig(io.env, { mode: options.dev ? 'development' : 'production' });
      const logger = createLogger({ level: config.logLevel });
      const server = await startServer({ config, logger });
      const signal = await io.stopSignal;
      logger.info({ signal }, 'shutdown requested');
      await server.close();
    });
}
