import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '@frontbridge/sdk';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { KyselyStore } from './kysely-store.ts';
import { createMigrationProvider } from './migrations.ts';
import type { Database } from './schema.ts';
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
}

/**
 * Opens the store named by `databaseUrl` (`sqlite:<path>` or `postgres://…`) and brings its schema
 * to the latest migration.
 */
export async function openStore(
  databaseUrl: string,
  options: OpenStoreOptions = {},
): Promise<Store> {
  const store = databaseUrl.startsWith('sqlite:')
    ? openSqlite(databaseUrl.slice('sqlite:'.length), options)
    : databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')
      ? await openPostgres(databaseUrl, options)
      : undefined;
  if (!store) {
    throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://.');
  }

  const migrator = new Migrator({ db: store.db, provider: createMigrationProvider(store.dialect) });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await store.db.destroy();
    throw error;
  }
  return new KyselyStore(store.db, store.dialect);
}

function openSqlite(path: string, options: OpenStoreOptions) {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const database = new Sqlite(file);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.sqliteSynchronous ?? 'NORMAL'}`);
  database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(database) });
  return { db, dialect: 'sqlite' as const };
}

async function openPostgres(url: string, options: OpenStoreOptions) {
  const schema = options.schema ?? 'public';
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    // Epoch milliseconds need int8; read it back as a number (exact up to 2^53).
    types: {
      getTypeParser: (oid, format) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)),
    } as pg.CustomTypesConfig,
  });
  pool.on('connect', (client) => {
    client.query(`set search_path to "${schema.replaceAll('"', '""')}"`).catch(() => undefined);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (schema !== 'public') {
    await db.schema.createSchema(schema).ifNotExists().execute();
  }
  return { db, dialect: 'postgres' as const };
}
