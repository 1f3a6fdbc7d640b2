import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { sql } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

// Migrations are code, not files, so they ship with the package and run under tsx without a
// build step. Only two column types differ by dialect; everything else is the same schema.
export function createMigrationProvider(dialect: Dialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_initial': { up: (db) => initialSchema(db, dialect) },
    '0002_rate_slots': { up: createRateSlotTable },
  };
  return { getMigrations: async () => migrations };
}

async function initialSchema(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await createAccountTables(db);
  await createMessageTables(db, dialect);
  await createJobTable(db, dialect);
}

async function createAccountTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('api_key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('signing_secret', 'text', (c) => c.notNull())
    .addColumn('deliver_url', 'text')
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('webhook_token', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
}

async function createMessageTables(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('external_conversation_id', 'text', (c) => c.notNull())
    .addColumn('contact_handle', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('front_message_id', 'text')
    .addColumn('front_conversation_id', 'text')
    .addColumn('message_uid', 'text')
    .addColumn('last_error', 'text')
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('messages_channel_external_id', ['channel_id', 'external_id'])
    .execute();
  await db.schema
    .createIndex('messages_front_message_id')
    .on('messages')
    .columns(['channel_id', 'front_message_id'])
    .execute();
  await db.schema
    .createIndex('messages_message_uid')
    .on('messages')
    .columns(['channel_id', 'message_uid'])
    .execute();

  await sql`create table attachments (
    ${serialId(dialect)},
    message_id text not null references messages(id),
    filename text not null,
    content_type text not null,
    data ${sql.raw(dialect === 'postgres' ? 'bytea' : 'blob')} not null
  )`.execute(db);
  await db.schema
    .createIndex('attachments_message')
    .on('attachments')
    .column('message_id')
    .execute();

  await createLookupTables(db);
}

async function createLookupTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('event_keys')
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_keys_pk', ['channel_id', 'event_key'])
    .execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('first_attempt_at', 'bigint')
    .addColumn('delivered_at', 'bigint')
    .execute();
  await db.schema.createIndex('deliveries_message').on('deliveries').column('message_id').execute();

  await db.schema
    .createTable('conversations')
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('external_conversation_id', 'text', (c) => c.notNull())
    .addColumn('front_conversation_id', 'text')
    .addPrimaryKeyConstraint('conversations_pk', ['channel_id', 'external_conversation_id'])
    .execute();
  await db.schema
    .createIndex('conversations_front')
    .on('conversations')
    .columns(['channel_id', 'front_conversation_id'])
    .execute();

  await db.schema
    .createTable('contacts')
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('external_conversation_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contacts_pk', ['channel_id', 'handle'])
    .execute();
}

async function createJobTable(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await sql`create table jobs (
    ${serialId(dialect)},
    kind text not null,
    job_key text not null unique,
    channel_id text not null,
    ordering_key text,
    payload text not null,
    status text not null,
    run_at bigint not null,
    attempts integer not null default 0,
    lease_owner text,
    lease_expires_at bigint,
    last_error text,
    created_at bigint not null
  )`.execute(db);
  await db.schema.createIndex('jobs_ready').on('jobs').columns(['status', 'run_at']).execute();
  await db.schema
    .createIndex('jobs_ordering')
    .on('jobs')
    .columns(['ordering_key', 'status', 'id'])
    .execute();
}

// One row per rate-limited key (a Front channel): when its next request may start, shared by
// every instance so the limit holds for the deployment, not per process.
async function createRateSlotTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_slots')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    .execute();
}

// A serial id gives claim order and per-key ordering; only its spelling differs by dialect
// (SQLite's INTEGER PRIMARY KEY is the auto-incrementing rowid).
function serialId(dialect: Dialect) {
  return dialect === 'postgres' ? sql`id bigserial primary key` : sql`id integer primary key`;
}
