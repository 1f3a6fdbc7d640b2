import type Sqlite from 'better-sqlite3';
import type { MessageRow } from './schema.ts';
import type { FrontMessageRecord } from './store.ts';

/**
 * The webhook write path on SQLite, as prepared statements run synchronously in one transaction.
 * It does what `KyselyStore`'s dialect-neutral path does (the store contract tests run both), but
 * every webhook pays for it: going through the query builder and a promise per statement cost
 * more than SQLite's own work. Callers must hold the Kysely connection while it runs, so no
 * builder transaction is open on the same handle.
 */
export class SqliteFrontMessageWriter {
  readonly #statements: ReturnType<typeof prepare>;
  readonly #writeMany: Sqlite.Transaction<
    (records: FrontMessageRecord[]) => (MessageRow | undefined)[]
  >;

  constructor(database: Sqlite.Database) {
    this.#statements = prepare(database);
    this.#writeMany = database.transaction((records: FrontMessageRecord[]) =>
      records.map((record) => this.#write(record)),
    );
  }

  /**
   * Writes every record in one `BEGIN IMMEDIATE` transaction; a record whose event key is already
   * stored writes nothing and yields `undefined`. Throws (after rolling back) if any write fails.
   */
  writeAll(records: FrontMessageRecord[]): (MessageRow | undefined)[] {
    return this.#writeMany.immediate(records);
  }

  #write(record: FrontMessageRecord): MessageRow | undefined {
    const statements = this.#statements;
    const { message } = record;
    const claimed = statements.insertEventKey.get(
      message.channel_id,
      record.eventKey,
      message.id,
      message.created_at,
    );
    if (!claimed) return undefined;

    // Strongest hint first: Front's conversation, the replied-to message, the contact's thread.
    const contact = statements.contactConversation.get(
      message.channel_id,
      message.contact_handle,
    ) as string | undefined;
    const frontConversationId = record.frontConversationId ?? null;
    const repliedTo = record.repliedToFrontMessageId;
    const known =
      (frontConversationId === null
        ? undefined
        : (statements.conversationByFrontId.get(message.channel_id, frontConversationId) as
            | string
            | undefined)) ??
      (repliedTo === undefined
        ? undefined
        : (statements.conversationOfMessage.get(message.channel_id, repliedTo) as
            | string
            | undefined)) ??
      contact;
    const row: MessageRow = {
      ...message,
      external_conversation_id: known ?? message.contact_handle,
    };
    statements.insertMessage.run(row);
    this.#linkConversation(row, contact, frontConversationId);
    for (const delivery of record.deliveries) {
      statements.insertDelivery.run(delivery.id, row.id, delivery.recipient);
      statements.insertJob.run({
        kind: 'deliver',
        job_key: `deliver:${delivery.id}`,
        channel_id: row.channel_id,
        // A later reply to the same person must not overtake an earlier one being retried.
        ordering_key: `deliver:${row.channel_id}:${delivery.recipient}`,
        payload: JSON.stringify({ deliveryId: delivery.id }),
        run_at: row.created_at,
      });
    }
    return row;
  }

  // Read first, write only what changes: the same rule as the builder path.
  #linkConversation(
    row: MessageRow,
    contact: string | undefined,
    frontConversationId: string | null,
  ): void {
    const statements = this.#statements;
    if (contact !== row.external_conversation_id) {
      statements.upsertContact.run(
        row.channel_id,
        row.contact_handle,
        row.external_conversation_id,
      );
    }
    const stored = statements.conversationFrontId.get(
      row.channel_id,
      row.external_conversation_id,
    ) as { front_conversation_id: string | null } | undefined;
    const unchanged =
      frontConversationId === null || stored?.front_conversation_id === frontConversationId;
    if (stored && unchanged) return;
    statements.upsertConversation.run(
      row.channel_id,
      row.external_conversation_id,
      frontConversationId,
    );
  }
}

function prepare(database: Sqlite.Database) {
  return {
    insertEventKey: database.prepare(
      `insert into event_keys (channel_id, event_key, message_id, created_at) values (?, ?, ?, ?)
       on conflict (channel_id, event_key) do nothing returning message_id`,
    ),
    conversationByFrontId: database
      .prepare(
        `select external_conversation_id from conversations
         where channel_id = ? and front_conversation_id = ? limit 1`,
      )
      .pluck(),
    conversationOfMessage: database
      .prepare(
        `select external_conversation_id from messages
         where channel_id = ? and front_message_id = ? limit 1`,
      )
      .pluck(),
    insertMessage: database.prepare(
      `insert into messages (id, account_id, channel_id, origin, direction, external_id,
         external_conversation_id, contact_handle, status, front_message_id,
         front_conversation_id, message_uid, last_error, content, created_at, updated_at)
       values (@id, @account_id, @channel_id, @origin, @direction, @external_id,
         @external_conversation_id, @contact_handle, @status, @front_message_id,
         @front_conversation_id, @message_uid, @last_error, @content, @created_at, @updated_at)`,
    ),
    contactConversation: database
      .prepare('select external_conversation_id from contacts where channel_id = ? and handle = ?')
      .pluck(),
    upsertContact: database.prepare(
      `insert into contacts (channel_id, handle, external_conversation_id) values (?, ?, ?)
       on conflict (channel_id, handle)
       do update set external_conversation_id = excluded.external_conversation_id`,
    ),
    conversationFrontId: database.prepare(
      `select front_conversation_id from conversations
       where channel_id = ? and external_conversation_id = ?`,
    ),
    upsertConversation: database.prepare(
      `insert into conversations (channel_id, external_conversation_id, front_conversation_id)
       values (?, ?, ?)
       on conflict (channel_id, external_conversation_id) do update set
         front_conversation_id = coalesce(excluded.front_conversation_id,
                                          conversations.front_conversation_id)`,
    ),
    insertDelivery: database.prepare(
      `insert into deliveries (id, message_id, recipient, status, attempts, last_error,
         first_attempt_at, delivered_at)
       values (?, ?, ?, 'pending', 0, null, null, null)`,
    ),
    insertJob: database.prepare(
      `insert into jobs (kind, job_key, channel_id, ordering_key, payload, status, run_at,
         attempts, lease_owner, lease_expires_at, last_error, created_at)
       values (@kind, @job_key, @channel_id, @ordering_key, @payload, 'pending', @run_at,
         0, null, null, null, @run_at)
       on conflict (job_key) do nothing`,
    ),
  };
}
