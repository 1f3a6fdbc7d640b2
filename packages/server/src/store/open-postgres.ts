import { randomUUID } from 'node:crypto';
import { ConfigError } from '@frontbridge/sdk';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { withConnectionRetry } from './connection-retry.ts';
import { migratePostgres } from './migration-lock.ts';
import type { OpenStoreOptions } from './open-store.ts';
import { PostgresNotifier } from './postgres-notify.ts';
import { PostgresStore } from './postgres-store.ts';
import type { Database } from './schema.ts';
import type { Store } from './store.ts';

/**
 * Opens a PostgreSQL store: a bounded pool, migrations under an advisory lock, a LISTEN connection
 * for wake-ups, and calls that ride out a lost connection. Nothing here may crash the process
 * when the database goes away: pool and LISTEN errors are reported and the connections replaced.
 */
export async function openPostgresStore(url: string, options: OpenStoreOptions): Promise<Store> {
  const schema = options.schema ?? 'public';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError('The PostgreSQL schema name must be a plain identifier.');
  }
  const client = clientConfig(url, schema, options);
  const pool = new pg.Pool({
    ...client,
    max: options.maxConnections ?? 10,
    idleTimeoutMillis: 30_000,
  });
  // An idle pooled client whose server went away emits 'error'; pg drops it from the pool.
  pool.on('error', (error) => options.onConnectionError?.(error));
  // A checked-out client emits 'error' too when the server ends its session between two
  // statements; unheard, that would crash the process. The statement itself fails and is retried,
  // and the pool discards the broken client when it comes back.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let applied: string[];
  try {
    applied = await migratePostgres(db, schema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  options.onMigrationsApplied?.(applied);

  const notifier = new PostgresNotifier({
    client,
    channel: `frontbridge_jobs_${schema}`.slice(0, 63),
    id: randomUUID(),
    send: async (channel, payload) => {
      await sql`select pg_notify(${channel}, ${payload})`.execute(db);
    },
    ...(options.onConnectionError ? { onError: options.onConnectionError } : {}),
  });
  await notifier.start();
  return withConnectionRetry(new PostgresStore(db, notifier), {
    ...(options.retryWindowMs === undefined ? {} : { retryWindowMs: options.retryWindowMs }),
  });
}

function clientConfig(url: string, schema: string, options: OpenStoreOptions): pg.ClientConfig {
  return {
    connectionString: url,
    // Set at connection start, so no query can run before it (a `connect` hook would race).
    options: `-c search_path=${schema}`,
    // Fail fast while the server is down, so /readyz answers and callers retry with backoff.
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    keepAlive: true,
    // Names our sessions in pg_stat_activity, for operators counting connections per instance.
    application_name: 'frontbridge',
    // Epoch milliseconds need int8; read it back as a number (exact up to 2^53).
    types: {
      getTypeParser: (oid, format) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)),
    } as pg.CustomTypesConfig,
  };
}
