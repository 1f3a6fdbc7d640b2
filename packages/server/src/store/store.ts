import type { AccountRow, ChannelRow, DeliveryRow, JobRow, MessageRow } from './schema.ts';

export type { AccountRow, ChannelRow, DeliveryRow, JobRow, MessageRow } from './schema.ts';

/** Which SQL database backs a store. */
export type StoreDialect = 'sqlite' | 'postgres';

/** Kinds of work the queue runs. */
export type JobKind = 'deliver' | 'sync' | 'report_failure';

/** A job to enqueue. `key` makes enqueueing idempotent: a second job with the same key is dropped. */
export interface NewJob {
  kind: JobKind;
  key: string;
  channelId: string;
  payload: Record<string, unknown>;
  /** Jobs sharing an ordering key run one at a time, oldest first. */
  orderingKey?: string;
  runAt: number;
}

/** What a webhook `message`/`message_autoreply` writes, in one transaction, before it is answered. */
export interface FrontMessageRecord {
  message: Omit<MessageRow, 'external_conversation_id'>;
  eventKey: string;
  /** Threading hints, strongest first: Front's conversation, then the replied-to message. */
  frontConversationId?: string | undefined;
  repliedToFrontMessageId?: string | undefined;
  /** One delivery (and one job) per `to` recipient. */
  deliveries: Array<{ id: string; recipient: string }>;
}

/** What `POST /api/v1/messages` writes, in one transaction, before it answers 202. */
export interface ApiMessageRecord {
  message: Omit<MessageRow, 'external_conversation_id'>;
  /** The conversation the caller named; else the contact's known one, else the contact handle. */
  conversationId?: string | undefined;
  attachments: Array<{ filename: string; contentType: string; data: Uint8Array }>;
}

/** The outcome of recording a message: the stored row, and whether it was there already. */
export interface RecordResult {
  message: MessageRow;
  duplicate: boolean;
}

/** What a `message_imported` event tells us about a message we synced. */
export interface ImportRecord {
  channelId: string;
  eventKey: string;
  externalId?: string | undefined;
  messageUid?: string | undefined;
  frontMessageId: string;
  frontConversationId?: string | undefined;
  externalConversationIds: string[];
  now: number;
}

/** Options of {@link Store.claimJobs}. */
export interface ClaimOptions {
  owner: string;
  limit: number;
  /** Only jobs of these kinds (default: any kind). */
  kinds?: readonly string[];
  now: number;
  leaseMs: number;
}

/** A reserved start time for a rate-limited request, and how long to wait for it. */
export interface RateSlot {
  /** The reserved start, in the database's clock (epoch milliseconds). */
  slotAt: number;
  waitMs: number;
}

/** What one delivery attempt needs to read. */
export interface DeliveryWork {
  delivery: DeliveryRow;
  message: MessageRow;
  channel: ChannelRow;
  account: AccountRow;
}

/** A stored attachment of an API message, handed to the sync worker. */
export interface StoredAttachment {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/**
 * Everything frontbridge keeps, behind one interface so SQLite and PostgreSQL are interchangeable.
 * Each `record…` method is one transaction: the message, its de-duplication key and its jobs are
 * durable together or not at all (the transactional outbox).
 */
export interface Store {
  readonly dialect: StoreDialect;
  /**
   * Called after a commit that enqueued jobs, so in-process workers wake at once; with the kinds
   * enqueued when known (a wake-up from another instance does not say).
   */
  onJobsEnqueued(listener: (kinds?: readonly string[]) => void): () => void;
  ping(): Promise<void>;
  close(): Promise<void>;

  insertAccount(account: AccountRow): Promise<void>;
  getAccount(id: string): Promise<AccountRow | undefined>;
  findAccountByChannelTokenHash(hash: string): Promise<AccountRow | undefined>;
  findAccountByApiKeyHash(hash: string): Promise<AccountRow | undefined>;

  /** Stores the channel for the account, or returns the stored one; `undefined` if another owns it. */
  authorizeChannel(channel: ChannelRow): Promise<ChannelRow | undefined>;
  getChannel(id: string): Promise<ChannelRow | undefined>;
  findChannelByWebhookToken(token: string): Promise<ChannelRow | undefined>;
  /** Marks the channel deleted and drops its pending jobs; its history stays. */
  deleteChannel(id: string, now: number): Promise<void>;

  recordFrontMessage(record: FrontMessageRecord): Promise<RecordResult>;
  recordApiMessage(record: ApiMessageRecord): Promise<RecordResult>;
  /** Maps Front's ids onto the message; returns its id, or `undefined` when none matches. */
  recordImported(record: ImportRecord): Promise<string | undefined>;

  getMessage(id: string): Promise<MessageRow | undefined>;
  updateMessage(id: string, patch: Partial<MessageRow>): Promise<void>;
  listAttachments(messageId: string): Promise<StoredAttachment[]>;
  getDelivery(id: string): Promise<DeliveryRow | undefined>;
  /** A delivery with its message, channel and account (what a delivery attempt reads), or none. */
  loadDelivery(id: string): Promise<DeliveryWork | undefined>;
  listDeliveries(messageId: string): Promise<DeliveryRow[]>;
  updateDelivery(id: string, patch: Partial<DeliveryRow>): Promise<void>;
  /**
   * Marks a delivery delivered and, in the same transaction, its message delivered once every
   * delivery of that message is; with `job`, that job is completed in the same transaction too
   * (one commit instead of three on the hot path of each delivery).
   */
  markDelivered(
    id: string,
    patch: Partial<DeliveryRow>,
    now: number,
    job?: { id: number; owner: string },
  ): Promise<void>;

  enqueueJobs(jobs: NewJob[]): Promise<void>;
  /** Leases up to `limit` due jobs to `owner`; expired leases count as free. */
  claimJobs(options: ClaimOptions): Promise<JobRow[]>;
  completeJob(id: number, owner: string): Promise<boolean>;
  rescheduleJob(
    id: number,
    owner: string,
    retry: { runAt: number; error: string },
  ): Promise<boolean>;
  failJob(id: number, owner: string, error: string): Promise<boolean>;
  /**
   * Pushes the leases of the listed jobs that `owner` still holds to `until`; returns how many.
   * Only jobs a worker is actually running or holding in hand are listed: a job whose settlement
   * failed (a full disk, say) must let its lease run out so it is claimed again, not be kept
   * alive for as long as its owner lives.
   */
  extendLeases(owner: string, until: number, jobIds: readonly number[]): Promise<number>;
  /** Hands back every job `owner` still holds, so another worker can take it at once. */
  releaseLeases(owner: string): Promise<number>;
  /**
   * Hands back every lease, whoever holds it. Only for a process that knows no other worker runs
   * on the database: a SQLite file at start, where any lease is a dead process's.
   */
  releaseAllLeases(): Promise<number>;
  /** Jobs not yet done or failed, by kind. */
  countPendingJobs(): Promise<Record<string, number>>;
  /**
   * Deletes up to `limit` finished jobs (done, failed or cancelled) created before `before`; returns
   * how many. Messages, deliveries and de-duplication keys are history and stay.
   */
  pruneFinishedJobs(before: number, limit: number): Promise<number>;
  /**
   * Reserves the next start for `key` at least `intervalMs` after the previous one, across every
   * process sharing the database (the per-channel rate limit toward Front).
   */
  reserveRateSlot(key: string, intervalMs: number): Promise<RateSlot>;
}
