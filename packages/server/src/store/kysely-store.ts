import type Sqlite from 'better-sqlite3';
import { type Kysely, sql, type Transaction } from 'kysely';
import { claimJobs } from './claim-jobs.ts';
import { GroupCommit } from './group-commit.ts';
import { reserveRateSlot } from './rate-slot.ts';
import type { Database, DeliveryRow, JobRow, MessageRow } from './schema.ts';
import { SqliteFrontMessageWriter } from './sqlite-front-message-writer.ts';
import { type DeliveredSettlement, SqliteStatements } from './sqlite-statements.ts';
import type {
  AccountRow,
  ApiMessageRecord,
  ChannelRow,
  ClaimOptions,
  DeliveryWork,
  FrontMessageRecord,
  ImportRecord,
  NewJob,
  RateSlot,
  RecordResult,
  Store,
  StoreDialect,
} from './store.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** Most webhooks written in one shared SQLite transaction. */
const GROUP_COMMIT_MAX = 64;
/**
 * How long a channel found by its webhook token is reused without a read. Deleting a channel
 * clears this instance's copy at once; other instances sharing the database may still accept a
 * webhook for a channel deleted on another instance for up to this long.
 */
const CHANNEL_CACHE_MS = 1000;
const CHANNEL_CACHE_MAX = 10_000;

/** Options of {@link KyselyStore}; the clock is injectable for tests. */
export interface KyselyStoreOptions {
  now?: () => number;
  /** Runs before the database is closed (stops helpers that hold their own connection). */
  beforeClose?: () => Promise<void>;
  /**
   * The SQLite handle under `db`, when it is SQLite: webhooks are then written through prepared
   * statements on it (see {@link SqliteFrontMessageWriter}) instead of the query builder.
   */
  sqlite?: Sqlite.Database;
}

/** The one {@link Store} implementation: dialect-neutral Kysely queries plus a per-dialect claim. */
export class KyselyStore implements Store {
  readonly dialect: StoreDialect;
  readonly #db: Kysely<Database>;
  readonly #listeners = new Set<(kinds?: readonly string[]) => void>();
  readonly #now: () => number;
  readonly #beforeClose: (() => Promise<void>) | undefined;
  readonly #channelsByToken = new Map<string, { channel: ChannelRow; until: number }>();
  // SQLite has one writer and a commit costs far more than a webhook's statements; PostgreSQL
  // commits concurrently on its pooled connections, so only SQLite shares transactions.
  readonly #frontWrites: GroupCommit<FrontMessageRecord, MessageRow | undefined> | undefined;
  // On SQLite only: prepared statements for the per-delivery work.
  readonly #sqlite: SqliteStatements | undefined;
  // Deliveries finishing together on SQLite share one commit, as webhooks do.
  readonly #deliveredWrites: GroupCommit<DeliveredSettlement, void> | undefined;

  constructor(db: Kysely<Database>, dialect: StoreDialect, options: KyselyStoreOptions = {}) {
    this.#db = db;
    this.dialect = dialect;
    this.#now = options.now ?? Date.now;
    this.#beforeClose = options.beforeClose;
    if (options.sqlite) {
      const statements = new SqliteStatements(options.sqlite);
      this.#sqlite = statements;
      this.#frontWrites = this.#sqliteGroupCommit(new SqliteFrontMessageWriter(options.sqlite));
      this.#deliveredWrites = this.#sqliteDeliveredCommit(statements);
    }
  }

  /**
   * Runs synchronous work on the raw SQLite handle while holding Kysely's connection, so no
   * builder transaction is open on the handle meanwhile.
   */
  #holdingConnection<T>(work: () => T): Promise<T> {
    return this.#db.connection().execute(async () => work());
  }

  /**
   * `work` on the raw SQLite statements, or `undefined` on PostgreSQL, where callers use the
   * builder. Used for the few statements every delivery runs, where the builder costs more than
   * SQLite does.
   */
  #onSqlite<T>(work: (sqlite: SqliteStatements) => T): Promise<T> | undefined {
    const sqlite = this.#sqlite;
    return sqlite && this.#holdingConnection(() => work(sqlite));
  }

  #sqliteDeliveredCommit(statements: SqliteStatements) {
    const write = (settled: DeliveredSettlement[]) =>
      this.#holdingConnection(() => statements.markDelivered(settled));
    return new GroupCommit<DeliveredSettlement, void>({
      runBatch: async (settled) => {
        await write(settled);
        return settled.map(() => undefined);
      },
      runOne: (settlement) => write([settlement]),
      maxBatch: GROUP_COMMIT_MAX,
    });
  }

  #sqliteGroupCommit(writer: SqliteFrontMessageWriter) {
    const write = (records: FrontMessageRecord[]) =>
      this.#holdingConnection(() => writer.writeAll(records));
    return new GroupCommit<FrontMessageRecord, MessageRow | undefined>({
      runBatch: write,
      runOne: (record) =>
        write([record]).then(
          (rows) => rows[0],
          (error: unknown) => {
            if (isUniqueViolation(error)) return undefined;
            throw error;
          },
        ),
      maxBatch: GROUP_COMMIT_MAX,
    });
  }

  onJobsEnqueued(listener: (kinds?: readonly string[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db);
  }

  async close(): Promise<void> {
    await this.#frontWrites?.idle();
    await this.#deliveredWrites?.idle();
    await this.#beforeClose?.();
    await this.#db.destroy();
  }

  async insertAccount(account: AccountRow): Promise<void> {
    await this.#db.insertInto('accounts').values(account).execute();
  }

  getAccount(id: string) {
    return this.#db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findAccountByChannelTokenHash(hash: string) {
    return this.#db
      .selectFrom('accounts')
      .selectAll()
      .where('channel_token_hash', '=', hash)
      .executeTakeFirst();
  }

  findAccountByApiKeyHash(hash: string) {
    return this.#db
      .selectFrom('accounts')
      .selectAll()
      .where('api_key_hash', '=', hash)
      .executeTakeFirst();
  }

  async authorizeChannel(channel: ChannelRow): Promise<ChannelRow | undefined> {
    await this.#db
      .insertInto('channels')
      .values(channel)
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
    const stored = await this.getChannel(channel.id);
    if (!stored || stored.account_id !== channel.account_id) return undefined;
    if (stored.status === 'deleted') {
      this.#forgetChannel(channel.id);
      // Front re-adding a removed channel revives it under a fresh webhook URL.
      await this.#db
        .updateTable('channels')
        .set({ status: 'active', deleted_at: null, webhook_token: channel.webhook_token })
        .where('id', '=', channel.id)
        .execute();
      return {
        ...stored,
        status: 'active',
        deleted_at: null,
        webhook_token: channel.webhook_token,
      };
    }
    return stored;
  }

  getChannel(id: string) {
    return this.#db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findChannelByWebhookToken(token: string): Promise<ChannelRow | undefined> {
    const now = this.#now();
    const cached = this.#channelsByToken.get(token);
    if (cached && cached.until > now) return { ...cached.channel };
    const channel = await this.#db
      .selectFrom('channels')
      .selectAll()
      .where('webhook_token', '=', token)
      .executeTakeFirst();
    // Unknown tokens are not cached, so a channel authorized elsewhere is found at once.
    if (channel) {
      if (this.#channelsByToken.size >= CHANNEL_CACHE_MAX) this.#channelsByToken.clear();
      this.#channelsByToken.set(token, { channel: { ...channel }, until: now + CHANNEL_CACHE_MS });
    }
    return channel;
  }

  async deleteChannel(id: string, now: number): Promise<void> {
    this.#forgetChannel(id);
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable('channels')
        .set({ status: 'deleted', deleted_at: now })
        .where('id', '=', id)
        .where('status', '!=', 'deleted')
        .execute();
      await trx
        .updateTable('jobs')
        .set({ status: 'cancelled', lease_owner: null, lease_expires_at: null })
        .where('status', '=', 'pending')
        .where('channel_id', '=', id)
        .execute();
    });
  }

  recordFrontMessage(record: FrontMessageRecord): Promise<RecordResult> {
    const { channel_id: channelId } = record.message;
    const batched = this.#frontWrites;
    const write = batched
      ? () => batched.submit(record)
      : () => this.#writeOnce((trx) => this.#insertFrontMessage(trx, record));
    return this.#recordOnce(DELIVER_KINDS, write, async () => {
      const key = await this.#db
        .selectFrom('event_keys')
        .select('message_id')
        .where('channel_id', '=', channelId)
        .where('event_key', '=', record.eventKey)
        .executeTakeFirst();
      return key?.message_id ? this.getMessage(key.message_id) : undefined;
    });
  }

  async #insertFrontMessage(trx: Transaction<Database>, record: FrontMessageRecord) {
    const { message } = record;
    const inserted = await trx
      .insertInto('event_keys')
      .values({
        channel_id: message.channel_id,
        event_key: record.eventKey,
        message_id: message.id,
        created_at: message.created_at,
      })
      .onConflict((conflict) => conflict.columns(['channel_id', 'event_key']).doNothing())
      .returning('message_id')
      .executeTakeFirst();
    if (!inserted) return undefined;

    const conversation = (await this.#knownConversation(trx, record)) ?? message.contact_handle;
    const row = { ...message, external_conversation_id: conversation };
    await trx.insertInto('messages').values(row).execute();
    await linkConversation(trx, row, record.frontConversationId);
    await insertDeliveries(trx, row, record.deliveries);
    return row;
  }

  // One statement for the three lookups, strongest hint first: this runs inside every webhook's
  // transaction, and each extra round trip through the query builder costs more than the lookup.
  async #knownConversation(trx: Executor, record: FrontMessageRecord) {
    const channelId = record.message.channel_id;
    const row = await trx
      .selectNoFrom((eb) =>
        eb.fn
          .coalesce(
            eb
              .selectFrom('conversations')
              .select('external_conversation_id')
              .where('channel_id', '=', channelId)
              .where('front_conversation_id', '=', record.frontConversationId ?? null)
              .limit(1),
            eb
              .selectFrom('messages')
              .select('external_conversation_id')
              .where('channel_id', '=', channelId)
              .where('front_message_id', '=', record.repliedToFrontMessageId ?? null)
              .limit(1),
            eb
              .selectFrom('contacts')
              .select('external_conversation_id')
              .where('channel_id', '=', channelId)
              .where('handle', '=', record.message.contact_handle),
          )
          .as('conversation'),
      )
      .executeTakeFirst();
    return row?.conversation ?? undefined;
  }

  recordApiMessage(record: ApiMessageRecord): Promise<RecordResult> {
    const { channel_id: channelId, external_id: externalId } = record.message;
    const existing = (executor: Executor = this.#db) =>
      executor
        .selectFrom('messages')
        .selectAll()
        .where('channel_id', '=', channelId)
        .where('external_id', '=', externalId)
        .executeTakeFirst();
    return this.#recordOnce(
      SYNC_KINDS,
      () =>
        this.#writeOnce(async (trx) => {
          // Inside the transaction: SQLite has one connection, and the outer handle would wait on it.
          if (await existing(trx)) return undefined;
          const conversation =
            record.conversationId ??
            (await contactConversation(trx, channelId, record.message.contact_handle)) ??
            record.message.contact_handle;
          const row = { ...record.message, external_conversation_id: conversation };
          await trx.insertInto('messages').values(row).execute();
          await linkConversation(trx, row, undefined);
          await insertAttachments(trx, row.id, record.attachments);
          await insertJobs(trx, [syncJob(row)]);
          return row;
        }),
      () => existing(),
    );
  }

  async recordImported(record: ImportRecord): Promise<string | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const message = await findImportedMessage(trx, record);
      for (const externalConversationId of record.externalConversationIds) {
        await upsertConversation(trx, {
          channel_id: record.channelId,
          external_conversation_id: externalConversationId,
          front_conversation_id: record.frontConversationId ?? null,
        });
      }
      if (!message) return undefined;

      await trx
        .updateTable('messages')
        .set({
          front_message_id: record.frontMessageId,
          front_conversation_id: record.frontConversationId ?? null,
          status: message.origin === 'api' ? 'imported' : message.status,
          updated_at: record.now,
        })
        .where('id', '=', message.id)
        .execute();
      return message.id;
    });
  }

  getMessage(id: string) {
    return this.#db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async updateMessage(id: string, patch: Partial<MessageRow>): Promise<void> {
    await this.#db.updateTable('messages').set(patch).where('id', '=', id).execute();
  }

  async listAttachments(messageId: string) {
    const rows = await this.#db
      .selectFrom('attachments')
      .select(['filename', 'content_type', 'data'])
      .where('message_id', '=', messageId)
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      filename: row.filename,
      contentType: row.content_type,
      data: row.data,
    }));
  }

  getDelivery(id: string) {
    return this.#db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listDeliveries(messageId: string) {
    return this.#db
      .selectFrom('deliveries')
      .selectAll()
      .where('message_id', '=', messageId)
      .execute();
  }

  async updateDelivery(id: string, patch: Partial<DeliveryRow>) {
    await this.#db.updateTable('deliveries').set(patch).where('id', '=', id).execute();
  }

  async loadDelivery(id: string): Promise<DeliveryWork | undefined> {
    const onSqlite = this.#onSqlite((sqlite) => sqlite.loadDelivery(id));
    if (onSqlite) return onSqlite;
    const delivery = await this.getDelivery(id);
    const message = delivery && (await this.getMessage(delivery.message_id));
    const channel = message && (await this.getChannel(message.channel_id));
    const account = channel && (await this.getAccount(channel.account_id));
    return delivery && message && channel && account
      ? { delivery, message, channel, account }
      : undefined;
  }

  async markDelivered(
    id: string,
    patch: Partial<DeliveryRow>,
    now: number,
    job?: { id: number; owner: string },
  ): Promise<void> {
    if (this.#deliveredWrites) return this.#deliveredWrites.submit({ id, patch, now, job });
    await this.#db.transaction().execute(async (trx) => {
      const delivery = await trx
        .updateTable('deliveries')
        .set({ ...patch, status: 'delivered' })
        .where('id', '=', id)
        .returning('message_id')
        .executeTakeFirst();
      if (delivery) {
        await trx
          .updateTable('messages')
          .set({ status: 'delivered', updated_at: now })
          .where('id', '=', delivery.message_id)
          .where(({ exists, not, selectFrom }) =>
            not(
              exists(
                selectFrom('deliveries')
                  .select('id')
                  .where('message_id', '=', delivery.message_id)
                  .where('status', '!=', 'delivered'),
              ),
            ),
          )
          .execute();
      }
      if (job) await finishJob(trx, job.id, job.owner, COMPLETED);
    });
  }

  async enqueueJobs(jobs: NewJob[]): Promise<void> {
    await insertJobs(this.#db, jobs);
    this.#notify([...new Set(jobs.map((job) => job.kind))]);
  }

  claimJobs(options: ClaimOptions): Promise<JobRow[]> {
    return claimJobs(this.#db, this.dialect, options);
  }

  completeJob(id: number, owner: string): Promise<boolean> {
    return this.#finishJob(id, owner, COMPLETED);
  }

  rescheduleJob(id: number, owner: string, retry: { runAt: number; error: string }) {
    return this.#finishJob(id, owner, {
      run_at: retry.runAt,
      last_error: retry.error,
      lease_owner: null,
      lease_expires_at: null,
    });
  }

  failJob(id: number, owner: string, error: string): Promise<boolean> {
    return this.#finishJob(id, owner, {
      status: 'failed',
      last_error: error,
      lease_owner: null,
      lease_expires_at: null,
    });
  }

  async extendLeases(owner: string, until: number, jobIds: readonly number[]): Promise<number> {
    if (jobIds.length === 0) return 0;
    const result = await this.#db
      .updateTable('jobs')
      .set({ lease_expires_at: until })
      .where('id', 'in', [...jobIds])
      .where('lease_owner', '=', owner)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  releaseLeases(owner: string): Promise<number> {
    return this.#releaseLeasesOf(owner);
  }

  releaseAllLeases(): Promise<number> {
    return this.#releaseLeasesOf(undefined);
  }

  // `owner`'s leases, or every lease when `owner` is undefined.
  async #releaseLeasesOf(owner: string | undefined): Promise<number> {
    const result = await this.#db
      .updateTable('jobs')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('lease_owner', owner === undefined ? 'is not' : '=', owner ?? null)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async countPendingJobs(): Promise<Record<string, number>> {
    const rows = await this.#db
      .selectFrom('jobs')
      .select(['kind', (eb) => eb.fn.countAll<number>().as('count')])
      .where('status', '=', 'pending')
      .groupBy('kind')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.kind, Number(row.count)]));
  }

  async pruneFinishedJobs(before: number, limit: number): Promise<number> {
    const result = await this.#db
      .deleteFrom('jobs')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('status', 'in', ['done', 'failed', 'cancelled'])
          .where('created_at', '<', before)
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  reserveRateSlot(key: string, intervalMs: number): Promise<RateSlot> {
    return reserveRateSlot(this.#db, this.dialect, { key, intervalMs });
  }

  #finishJob(id: number, owner: string, patch: Partial<JobRow>): Promise<boolean> {
    return (
      this.#onSqlite((sqlite) => sqlite.finishJob(id, owner, patch)) ??
      finishJob(this.#db, id, owner, patch)
    );
  }

  // Runs `write` in its own transaction; a unique-key race yields undefined (nothing written).
  async #writeOnce(
    write: (trx: Transaction<Database>) => Promise<MessageRow | undefined>,
  ): Promise<MessageRow | undefined> {
    try {
      return await this.#db.transaction().execute(write);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return undefined;
    }
  }

  // Runs a committed `write`; a unique-key race or an earlier copy yields the stored row.
  async #recordOnce(
    kinds: readonly string[],
    write: () => Promise<MessageRow | undefined>,
    existing: () => Promise<MessageRow | undefined>,
  ): Promise<RecordResult> {
    const written = await write();
    if (written) {
      this.#notify(kinds);
      return { message: written, duplicate: false };
    }
    const stored = await existing();
    if (!stored) throw new Error('A duplicate message vanished between two reads');
    return { message: stored, duplicate: true };
  }

  #forgetChannel(id: string): void {
    for (const [token, cached] of this.#channelsByToken) {
      if (cached.channel.id === id) this.#channelsByToken.delete(token);
    }
  }

  #notify(kinds: readonly string[]): void {
    for (const listener of this.#listeners) listener(kinds);
  }
}

const COMPLETED = { status: 'done', lease_owner: null, lease_expires_at: null } as const;
// What a recorded message enqueues: a Front message its deliveries, an API message its sync.
const DELIVER_KINDS = ['deliver'] as const;
const SYNC_KINDS = ['sync'] as const;

/** Applies `patch` to a pending job `owner` still leases; false when the lease was lost. */
async function finishJob(executor: Executor, id: number, owner: string, patch: Partial<JobRow>) {
  const result = await executor
    .updateTable('jobs')
    .set(patch)
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function contactConversation(trx: Executor, channelId: string, handle: string) {
  const contact = await trx
    .selectFrom('contacts')
    .select('external_conversation_id')
    .where('channel_id', '=', channelId)
    .where('handle', '=', handle)
    .executeTakeFirst();
  return contact?.external_conversation_id;
}

async function linkConversation(
  trx: Executor,
  message: { channel_id: string; contact_handle: string; external_conversation_id: string },
  frontConversationId: string | undefined,
) {
  // Rewriting an unchanged row would lock it until commit (PostgreSQL locks a row on ON CONFLICT
  // DO UPDATE even when nothing changes): every message of a busy conversation, on every instance,
  // would queue behind the previous one's commit. Read first, write only what changes.
  const contact = await contactConversation(trx, message.channel_id, message.contact_handle);
  if (contact !== message.external_conversation_id) {
    await upsertContact(trx, message);
  }
  await upsertConversation(trx, {
    channel_id: message.channel_id,
    external_conversation_id: message.external_conversation_id,
    front_conversation_id: frontConversationId ?? null,
  });
}

async function upsertContact(
  trx: Executor,
  message: { channel_id: string; contact_handle: string; external_conversation_id: string },
) {
  await trx
    .insertInto('contacts')
    .values({
      channel_id: message.channel_id,
      handle: message.contact_handle,
      external_conversation_id: message.external_conversation_id,
    })
    .onConflict((conflict) =>
      conflict
        .columns(['channel_id', 'handle'])
        .doUpdateSet({ external_conversation_id: message.external_conversation_id }),
    )
    .execute();
}

async function upsertConversation(
  trx: Executor,
  row: {
    channel_id: string;
    external_conversation_id: string;
    front_conversation_id: string | null;
  },
) {
  const stored = await trx
    .selectFrom('conversations')
    .select('front_conversation_id')
    .where('channel_id', '=', row.channel_id)
    .where('external_conversation_id', '=', row.external_conversation_id)
    .executeTakeFirst();
  const unchanged =
    row.front_conversation_id === null ||
    stored?.front_conversation_id === row.front_conversation_id;
  if (stored && unchanged) return;
  await trx
    .insertInto('conversations')
    .values(row)
    .onConflict((conflict) =>
      conflict.columns(['channel_id', 'external_conversation_id']).doUpdateSet({
        front_conversation_id: sql`coalesce(excluded.front_conversation_id, conversations.front_conversation_id)`,
      }),
    )
    .execute();
}

async function insertDeliveries(
  trx: Executor,
  message: MessageRow,
  deliveries: FrontMessageRecord['deliveries'],
) {
  if (deliveries.length === 0) return;
  await trx
    .insertInto('deliveries')
    .values(
      deliveries.map((delivery) => ({
        id: delivery.id,
        message_id: message.id,
        recipient: delivery.recipient,
        status: 'pending',
        attempts: 0,
        last_error: null,
        first_attempt_at: null,
        delivered_at: null,
      })),
    )
    .execute();
  await insertJobs(
    trx,
    deliveries.map((delivery) => ({
      kind: 'deliver',
      key: `deliver:${delivery.id}`,
      channelId: message.channel_id,
      payload: { deliveryId: delivery.id },
      // A later reply to the same person must not overtake an earlier one that is being retried.
      orderingKey: `deliver:${message.channel_id}:${delivery.recipient}`,
      runAt: message.created_at,
    })),
  );
}

async function insertAttachments(
  trx: Executor,
  messageId: string,
  attachments: ApiMessageRecord['attachments'],
) {
  for (const attachment of attachments) {
    await trx
      .insertInto('attachments')
      .values({
        message_id: messageId,
        filename: attachment.filename,
        content_type: attachment.contentType,
        data: attachment.data,
      })
      .execute();
  }
}

function syncJob(message: MessageRow): NewJob {
  return {
    kind: 'sync',
    key: `sync:${message.id}`,
    channelId: message.channel_id,
    payload: { messageId: message.id },
    // Front threads by arrival; syncing one conversation in order keeps its messages in order.
    orderingKey: `sync:${message.channel_id}:${message.external_conversation_id}`,
    runAt: message.created_at,
  };
}

async function insertJobs(trx: Executor, jobs: NewJob[]) {
  if (jobs.length === 0) return;
  await trx
    .insertInto('jobs')
    .values(
      jobs.map((job) => ({
        kind: job.kind,
        job_key: job.key,
        channel_id: job.channelId,
        ordering_key: job.orderingKey ?? null,
        payload: JSON.stringify(job.payload),
        status: 'pending',
        run_at: job.runAt,
        attempts: 0,
        lease_owner: null,
        lease_expires_at: null,
        last_error: null,
        created_at: job.runAt,
      })),
    )
    .onConflict((conflict) => conflict.column('job_key').doNothing())
    .execute();
}

async function findImportedMessage(trx: Executor, record: ImportRecord) {
  const base = trx.selectFrom('messages').selectAll().where('channel_id', '=', record.channelId);
  if (record.externalId) {
    const byExternalId = await base.where('external_id', '=', record.externalId).executeTakeFirst();
    if (byExternalId) return byExternalId;
  }
  if (record.messageUid) {
    return base.where('message_uid', '=', record.messageUid).executeTakeFirst();
  }
  return undefined;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}
