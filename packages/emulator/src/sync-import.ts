import { buildMessagePayload } from './build-message-payload.ts';
import { type EmulatorContext, notifyChange, runInBackground } from './emulator-context.ts';
import {
  type EmulatorChannel,
  type EmulatorMessage,
  syncKey,
  threadByExternalId,
  upsertContact,
} from './emulator-state.ts';
import type { UploadedFile } from './parse-multipart-body.ts';
import { buildEventRequest, deliverEvent } from './send-webhook.ts';
import type { InboundMessage, OutboundMessage } from './sync-message-schema.ts';

/** A validated sync call: which endpoint, its body and its files. */
export type SyncRequest =
  | { direction: 'inbound'; body: InboundMessage; files: UploadedFile[] }
  | { direction: 'outbound'; body: OutboundMessage; files: UploadedFile[] };

/**
 * Accepts a synced message: answers its `message_uid` at once (the same one again for a repeated
 * `(channel, external_id)`, without importing twice) and imports it in the background.
 */
export function acceptSyncMessage(
  context: EmulatorContext,
  channel: EmulatorChannel,
  request: SyncRequest,
): { status: 'accepted'; message_uid: string } {
  const key = syncKey(channel.id, request.body.metadata.external_id);
  const known = context.state.syncUids.get(key);
  if (known) return { status: 'accepted', message_uid: known };

  const uid = context.newId('uid').replace(/^uid_/, '');
  context.state.syncUids.set(key, uid);
  runInBackground(context, () => importSyncMessage(context, { channel, request, uid }));
  return { status: 'accepted', message_uid: uid };
}

/** Threads and stores a synced message, then sends the signed `message_imported` event. */
export async function importSyncMessage(
  context: EmulatorContext,
  parts: { channel: EmulatorChannel; request: SyncRequest; uid: string },
): Promise<EmulatorMessage> {
  const { channel, request, uid } = parts;
  const message = storeSynced(context, parts);
  context.state.importedUids.set(uid, message.id);
  notifyChange(context, 'messages');

  const conversation = context.state.conversations.get(message.conversationId);
  const ids = conversation?.externalConversationIds ?? [];
  const event = {
    type: 'message_imported',
    payload: buildMessagePayload(context, message),
    metadata: {
      external_conversation_id: request.body.metadata.external_conversation_id,
      external_conversation_ids: [...ids],
    },
  };
  await deliverEvent(
    context,
    buildEventRequest(context, { channel, url: channel.webhookUrl }, event),
  );
  return message;
}

function storeSynced(
  context: EmulatorContext,
  parts: { channel: EmulatorChannel; request: SyncRequest; uid: string },
): EmulatorMessage {
  const { channel, request, uid } = parts;
  const { body } = request;
  const now = context.now();
  const conversation = threadByExternalId(
    context.state,
    {
      channelId: channel.id,
      externalConversationId: body.metadata.external_conversation_id,
      subject: body.subject,
      now,
    },
    context.newId,
  );
  const recipients = syncRecipients(context, channel, request);
  const message: EmulatorMessage = {
    id: context.newId('msg'),
    uid,
    channelId: channel.id,
    conversationId: conversation.id,
    direction: request.direction,
    source: 'sync',
    status: 'imported',
    externalId: body.metadata.external_id,
    externalConversationId: body.metadata.external_conversation_id,
    errorType: undefined,
    errorMessage: undefined,
    subject: body.subject ?? conversation.subject,
    text: body.body,
    contactHandle: recipients.find((r) => r.role !== channelRole(request))?.handle ?? '',
    recipients,
    attachments: request.files.map((file) => ({
      id: context.newId('fil'),
      filename: file.filename,
      contentType: file.contentType,
      data: file.data,
    })),
    repliedToId: findReferenced(context, channel.id, body.metadata.referenced_message_external_id),
    createdAt: body.delivered_at === undefined ? now : body.delivered_at * 1000,
  };
  context.state.messages.set(message.id, message);
  return message;
}

function findReferenced(context: EmulatorContext, channelId: string, externalId?: string) {
  if (!externalId) return undefined;
  for (const message of context.state.messages.values()) {
    if (message.channelId === channelId && message.externalId === externalId) return message.id;
  }
  return undefined;
}

/** The channel's own side of a synced message: it receives inbound ones and sends outbound ones. */
function channelRole(request: SyncRequest): 'from' | 'to' {
  return request.direction === 'inbound' ? 'to' : 'from';
}

function syncRecipients(context: EmulatorContext, channel: EmulatorChannel, request: SyncRequest) {
  const people = request.direction === 'inbound' ? [request.body.sender] : request.body.to;
  const contacts = people.map((person) => upsertContact(context.state, person, context.newId));
  const own = { handle: channel.address, role: channelRole(request) };
  if (request.direction === 'inbound') {
    const from = {
      handle: contacts[0]?.handle ?? '',
      name: request.body.sender.name,
      role: 'from',
    };
    return [from, own];
  }
  const to = contacts.map((contact) => ({
    handle: contact.handle,
    name: contact.name,
    role: 'to',
  }));
  return [{ ...own, name: request.body.sender_name }, ...to];
}
