import { openStore } from '@frontbridge/server';
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.ts';
import { databaseUrlOf } from './database-url.ts';

/** `frontbridge migrate`: bring the database schema to the latest version, then exit. */
export function registerMigrateCommand(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (DATABASE_URL) and exit.')
    .action(async () => {
      const store = await openStore(databaseUrlOf(io.env));
      await store.close();
      io.stdout('database is up to date\n');
    });
}
