import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

// Times are epoch milliseconds in a bigint-safe integer column on both dialects; JSON is kept as
// text so the same queries serve SQLite and PostgreSQL without dialect-specific types.

export interface AccountsTable {
  id: string;
  name: string;
  channel_token_hash: string;
  api_key_hash: string;
  signing_secret: string;
  deliver_url: string | null;
  connector: string;
  created_at: number;
}

export interface ChannelsTable {
  id: string;
  account_id: string;
  webhook_token: string;
  status: string;
  created_at: number;
  deleted_at: number | null;
}

export interface MessagesTable {
  id: string;
  account_id: string;
  channel_id: string;
  origin: string;
  direction: string;
  external_id: string;
  external_conversation_id: string;
  contact_handle: string;
  status: string;
  front_message_id: string | null;
  front_conversation_id: string | null;
  message_uid: string | null;
  last_error: string | null;
  content: string;
  created_at: number;
  updated_at: number;
}

export interface AttachmentsTable {
  id: Generated<number>;
  message_id: string;
  filename: string;
  content_type: string;
  data: Uint8Array;
}

export interface EventKeysTable {
  channel_id: string;
  event_key: string;
  message_id: string | null;
  created_at: number;
}

export interface DeliveriesTable {
  id: string;
  message_id: string;
  recipient: string;
  status: string;
  attempts: number;
  last_error: string | null;
  first_attempt_at: number | null;
  delivered_at: number | null;
}

export interface ConversationsTable {
  channel_id: string;
  external_conversation_id: string;
  front_conversation_id: string | null;
}

export interface ContactsTable {
  channel_id: string;
  handle: string;
  external_conversation_id: string;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  job_key: string;
  channel_id: string;
  ordering_key: string | null;
  payload: string;
  status: string;
  run_at: number;
  attempts: ColumnType<number, number | undefined, number>;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_error: string | null;
  created_at: number;
}

export interface Database {
  accounts: AccountsTable;
  channels: ChannelsTable;
  messages: MessagesTable;
  attachments: AttachmentsTable;
  event_keys: EventKeysTable;
  deliveries: DeliveriesTable;
  conversations: ConversationsTable;
  contacts: ContactsTable;
  jobs: JobsTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type ChannelRow = Selectable<ChannelsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NewMessageRow = Insertable<MessagesTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type JobRow = Selectable<JobsTable>;
