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
      let applied: string[] = [];
      const store = await openStore(databaseUrlOf(io.env), {
        onMigrationsApplied: (names) => {
          applied = names;
        },
      });
      await store.close();
      io.stdout(describeMigrations(applied));
    });
}

function describeMigrations(applied: string[]): string {
  if (applied.length === 0) return 'database is up to date\n';
  const noun = applied.length === 1 ? 'migration' : 'migrations';
  return `applied ${applied.length} ${noun} (${applied.join(', ')})\n`;
}
