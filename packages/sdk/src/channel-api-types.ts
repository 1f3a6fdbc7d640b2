import type { z } from 'zod';
import type { AttachmentInput } from './encode-form-data.ts';
import type {
  CallSummarySchema,
  CallTranscriptSchema,
  CreateCallSchema,
  MessageTemplatePatchSchema,
  MessageTemplateSchema,
  UpdateCallSchema,
} from './validate-channel-request.ts';

/** A contact on the external system: a sender of an inbound message or a recipient. */
export interface ContactInput {
  /** Stable handle of the contact; phone numbers in E.164 (`+15551230000`). */
  handle: string;
  /** Display name. */
  name?: string;
  /** Links the contact with existing Front contacts that have this email. */
  email?: string;
}

/** Your ids for a synced message; each at most 200 characters. */
export interface MessageMetadataInput {
  /** Your id of this message. */
  external_id: string;
  /** Your thread key: equal values land in the same Front conversation. */
  external_conversation_id: string;
  /** `external_id` of the message this one answers. */
  referenced_message_external_id?: string;
}

interface SyncedMessageFields {
  subject?: string;
  /** HTML or plain text. May be empty when `attachments` is not: a placeholder is sent then. */
  body: string;
  metadata: MessageMetadataInput;
  /** When the message was created externally, in epoch **seconds**. */
  delivered_at?: number;
  /** Files, sent as `multipart/form-data`; at most 25 MB together. */
  attachments?: AttachmentInput[];
}

/** A message a contact sent to the channel on the external system. */
export interface InboundMessageInput extends SyncedMessageFields {
  sender: ContactInput;
}

/** A message sent from the channel outside Front (another tool, a bulk send). */
export interface OutboundMessageInput extends SyncedMessageFields {
  /** Recipients: always an array. */
  to: ContactInput[];
  sender_name?: string;
  /** Teammate id on whose behalf it was sent. */
  author_id?: string;
}

/** Per-call options of the sync methods. */
export interface SyncOptions {
  /** Check that every handle is an E.164 phone number before sending. */
  phoneHandles?: boolean;
  /** Aborts the call, including its retries and waits. */
  signal?: AbortSignal;
}

/** Per-call options of the other methods. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Front's answer to a sync call: the import is queued; `message_imported` follows. */
export interface SyncResult {
  status: 'accepted';
  message_uid: string;
}

/** Marks an outbound message as failed after Front accepted it. */
export interface MessageStatusUpdate {
  externalConversationId: string;
  externalId: string;
  status: 'failed';
  /** Shown to teammates. */
  reason?: string;
}

/** A channel's health as shown in Front. */
export type ChannelStatus = 'ok' | 'offline';

/** An application message template. */
export type MessageTemplateInput = z.input<typeof MessageTemplateSchema>;
/** A partial update of a template (its `external_id` is in the path). */
export type MessageTemplatePatch = z.input<typeof MessageTemplatePatchSchema>;
/** Front's answer to a template sync: its id (a number or a string, Front's docs disagree). */
export interface MessageTemplateResult {
  template_id: string | number;
}
/** A new voice call; `started_at` in epoch **milliseconds**. */
export type CreateCallInput = z.input<typeof CreateCallSchema>;
/** A call state change; `occurred_at` in epoch **milliseconds**. */
export type UpdateCallInput = z.input<typeof UpdateCallSchema>;
/** The summary of a call. */
export type CallSummaryInput = z.input<typeof CallSummarySchema>;
/** The transcript of a call. */
export type CallTranscriptInput = z.input<typeof CallTranscriptSchema>;

/** A call recording upload: exactly one `audio/*` file. */
export interface CallRecordingInput {
  recordingType: 'call' | 'voicemail';
  file: AttachmentInput;
}

/** A downloaded attachment. */
export interface DownloadedAttachment {
  data: Uint8Array;
  contentType: string;
  filename?: string;
}

/** A Front conversation as the channel token sees it (loosely typed: Front adds fields). */
export interface FrontConversation {
  id: string;
  metadata?: { external_conversation_ids?: string[] };
  [field: string]: unknown;
}

/** Given to `onRequest` before each attempt. Never contains the token or the body. */
export interface RequestHookEvent {
  method: string;
  url: string;
  channelId: string;
  attempt: number;
}

/** Given to `onResponse` after each attempt that got an HTTP answer. */
export interface ResponseHookEvent extends RequestHookEvent {
  status: number;
  durationMs: number;
  requestId: string | undefined;
}

/** Why an attempt is retried. */
export type RetryReason = 'rate_limited' | 'server_error' | 'timeout' | 'network_error';

/** Given to `onRetry` before waiting for the next attempt. */
export interface RetryHookEvent extends RequestHookEvent {
  reason: RetryReason;
  delayMs: number;
  status: number | undefined;
}
