import {
  buildMessageResponse,
  type FrontEvent,
  frontEventKey,
  MAX_EXTERNAL_ID_LENGTH,
  resourceIdFromLink,
} from '@frontbridge/sdk';
import { newId } from '../accounts/credentials.ts';
import { HttpError } from '../http/http-error.ts';
import type { ChannelRow } from '../store/store.ts';
import type { FrontMessageContent } from '../workers/message-content.ts';
import type { ServerContext } from '../workers/worker-context.ts';

type MessageLikeEvent = Extract<FrontEvent, { type: 'message' | 'message_autoreply' }>;
type ImportedEvent = Extract<FrontEvent, { type: 'message_imported' }>;

/**
 * Records a teammate's message and one delivery per `to` recipient in one transaction, then
 * answers with its ids at once; the deliveries run later. A redelivery gets the same ids back.
 */
export async function handleMessage(
  context: ServerContext,
  channel: ChannelRow,
  event: MessageLikeEvent,
) {
  const { payload } = event;
  const recipients = payload.recipients.filter((recipient) => recipient.role === 'to');
  const contact = recipients[0]?.handle;
  if (!contact) throw new HttpError(400, 'no_recipient', 'The message has no "to" recipient.');
  // The contact's handle may become the external_conversation_id answered to Front, which Front
  // caps: refuse before anything is stored, not after (a 400 must leave no message behind).
  if (contact.length > MAX_EXTERNAL_ID_LENGTH) {
    throw new HttpError(
      400,
      'recipient_too_long',
      `The "to" handle must be at most ${MAX_EXTERNAL_ID_LENGTH} characters.`,
    );
  }

  const now = context.now();
  const content: FrontMessageContent = {
    kind: 'front',
    subject: payload.subject ?? null,
    text: payload.text ?? null,
    html: payload.body ?? null,
    recipients: payload.recipients.map((recipient) => ({
      handle: recipient.handle,
      role: recipient.role,
      name: recipient.name ?? null,
    })),
    attachments: payload.attachments.map((attachment) => ({
      filename: attachment.filename,
      content_type: attachment.content_type,
      size: attachment.size ?? null,
      url: attachment.url,
    })),
    isAutoReply: event.type === 'message_autoreply',
  };

  const { message, duplicate } = await context.store.recordFrontMessage({
    eventKey: frontEventKey(event) ?? `${event.type}:${newId('anon', context.randomBytes)}`,
    frontConversationId: resourceIdFromLink(payload._links?.related?.conversation),
    repliedToFrontMessageId: resourceIdFromLink(payload._links?.related?.message_replied_to),
    message: {
      id: newId('fbm', context.randomBytes, now),
      account_id: channel.account_id,
      channel_id: channel.id,
      origin: 'front',
      direction: 'outbound',
      external_id: newId('fb', context.randomBytes, now),
      contact_handle: contact,
      status: 'queued',
      front_message_id: payload.id ?? null,
      front_conversation_id: resourceIdFromLink(payload._links?.related?.conversation) ?? null,
      message_uid: null,
      last_error: null,
      content: JSON.stringify(content),
      created_at: now,
      updated_at: now,
    },
    deliveries: uniqueHandles(recipients).map((recipient) => ({
      // Standard Webhooks ids are `msg_…`; this one is the `webhook-id` of every attempt.
      id: newId('msg', context.randomBytes, now),
      recipient,
    })),
  });

  context.logger.info(
    { eventType: event.type, messageId: message.id, channelId: channel.id, duplicate },
    'front message recorded',
  );
  const body = buildMessageResponse({
    externalId: message.external_id,
    externalConversationId: message.external_conversation_id,
  });
  return { status: 200, body };
}

/** Maps Front's ids onto a message we synced, and every external conversation id onto its thread. */
export async function handleImported(
  context: ServerContext,
  channel: ChannelRow,
  event: ImportedEvent,
) {
  const { payload, metadata } = event;
  const messageMetadata = (payload.metadata ?? {}) as { external_id?: unknown };
  const single = metadata?.external_conversation_id;
  const externalConversationIds = [
    ...new Set([...(metadata?.external_conversation_ids ?? []), ...(single ? [single] : [])]),
  ];
  const messageUid = (payload as { message_uid?: unknown }).message_uid;

  const messageId = await context.store.recordImported({
    channelId: channel.id,
    eventKey: `message_imported:${payload.id}`,
    externalId:
      typeof messageMetadata.external_id === 'string' ? messageMetadata.external_id : undefined,
    messageUid: typeof messageUid === 'string' ? messageUid : undefined,
    frontMessageId: payload.id,
    frontConversationId: resourceIdFromLink(payload._links?.related?.conversation),
    externalConversationIds,
    now: context.now(),
  });
  context.logger.info(
    { eventType: event.type, channelId: channel.id, messageId: messageId ?? null },
    'front import recorded',
  );
  return { status: 200, body: {} };
}

function uniqueHandles(recipients: Array<{ handle: string }>): string[] {
  return [...new Set(recipients.map((recipient) => recipient.handle))];
}
