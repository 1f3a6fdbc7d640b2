import { type Kysely, Migrator, sql } from 'kysely';
import { createMigrationProvider } from './migrations.ts';
import type { Database } from './schema.ts';

/**
 * Brings a PostgreSQL schema to the latest migration while holding a session advisory lock keyed
 * by the schema name. Several instances starting at once queue on the lock: the first creates the
 * schema and runs the migrations, the others then find nothing left to do. The lock is per schema
 * so unrelated schemas in one database (test runs, tenants) never wait on each other.
 *
 * @returns the names of the migrations this call applied, oldest first.
 */
export async function migratePostgres(db: Kysely<Database>, schema: string): Promise<string[]> {
  return db.connection().execute(async (connection) => {
    const key = `frontbridge.migrate.${schema}`;
    await sql`select pg_advisory_lock(hashtext(${key}))`.execute(connection);
    try {
      // `create schema if not exists` is not race-free in PostgreSQL; under the lock it is.
      await connection.schema.createSchema(schema).ifNotExists().execute();
      const migrator = new Migrator({
        db: connection,
        provider: createMigrationProvider('postgres'),
        // Without it Kysely looks for its bookkeeping table in every schema of the database.
        migrationTableSchema: schema,
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error;
      return (results ?? []).map((result) => result.migrationName);
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(connection);
    }
  });
}
