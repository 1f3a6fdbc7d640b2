import { chmodSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '@frontbridge/sdk';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator } from 'kysely';
import { ensureSqliteDirectory } from './ensure-sqlite-directory.ts';
import { KyselyStore } from './kysely-store.ts';
import { createMigrationProvider } from './migrations.ts';
import { openPostgresStore } from './open-postgres.ts';
import type { Database } from './schema.ts';
import { startSqliteCheckpointer, WAL_AUTOCHECKPOINT_PAGES } from './sqlite-checkpointer.ts';
import { ImmediateSqliteDialect } from './sqlite-dialect.ts';
import type { Store } from './store.ts';

/** How SQLite syncs to disk; see {@link OpenStoreOptions.sqliteSynchronous}. */
export type SqliteSynchronous = 'NORMAL' | 'FULL';

export interface OpenStoreOptions {
  /**
   * SQLite only. `NORMAL` (default) with WAL keeps every committed transaction through a process
   * crash (`kill -9`): the WAL is already in the OS page cache when COMMIT returns. `FULL` also
   * fsyncs the WAL on every commit, so commits survive power loss too, at a large cost in
   * throughput. The default favours throughput because a crashed host usually loses the disk
   * cache's few last milliseconds only; choose `FULL` where that is not acceptable.
   */
  sqliteSynchronous?: SqliteSynchronous;
  /** SQLite only: how long a writer waits for another process's lock (default 5 s). */
  busyTimeoutMs?: number;
  /** PostgreSQL only: the schema to use (created if missing); default `public`. */
  schema?: string;
  /** PostgreSQL only: most pooled connections (default 10). */
  maxConnections?: number;
  /** PostgreSQL only: how long to wait for a new connection before failing (default 5 s). */
  connectionTimeoutMs?: number;
  /** PostgreSQL only: how long a store call retries while the connection is lost (default 10 s). */
  retryWindowMs?: number;
  /** PostgreSQL only: told when a pooled or LISTEN connection fails (it is replaced, not fatal). */
  onConnectionError?: (error: Error) => void;
  /** Told the names of the migrations this call applied, oldest first; empty when none were due. */
  onMigrationsApplied?: (names: string[]) => void;
}

/**
 * Opens the store named by `databaseUrl` (`sqlite:<path>` or `postgres://…`) and brings its schema
 * to the latest migration.
 */
export async function openStore(
  databaseUrl: string,
  options: OpenStoreOptions = {},
): Promise<Store> {
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    return openPostgresStore(databaseUrl, options);
  }
  if (!databaseUrl.startsWith('sqlite:')) {
    throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://.');
  }
  const path = databaseUrl.slice('sqlite:'.length);
  if (path !== ':memory:') await ensureSqliteDirectory(path);
  const store = openSqlite(path, options);

  const migrator = new Migrator({ db: store.db, provider: createMigrationProvider(store.dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await store.db.destroy();
    throw error;
  }
  // Without an error, every result is an applied migration.
  options.onMigrationsApplied?.((results ?? []).map((result) => result.migrationName));
  // After migrating: the checkpointer's connection must not see a half-built schema mid-change.
  const checkpointer = store.file ? startSqliteCheckpointer(store.file) : undefined;
  return new KyselyStore(store.db, store.dialect, {
    beforeClose: async () => checkpointer?.stop(),
    sqlite: store.database,
  });
}

function openSqlite(path: string, options: OpenStoreOptions) {
  // `sqlite::memory:` is SQLite's own in-memory database (tests), not a file named ":memory:".
  const inMemory = path === ':memory:';
  const file = inMemory ? path : resolve(path);
  const database = new Sqlite(file);
  // The file holds delivery signing secrets; SQLite gives its -wal and -shm files the same mode.
  // ensureSqliteDirectory creates new files owner-only; this also narrows one that already existed.
  if (!inMemory) chmodSync(file, 0o600);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.sqliteSynchronous ?? 'NORMAL'}`);
  database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  database.pragma('foreign_keys = ON');
  database.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(database) });
  return { db, database, dialect: 'sqlite' as const, file: inMemory ? undefined : file };
}
