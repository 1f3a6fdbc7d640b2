import { normaliseHandle } from './normalise-handle.ts';

/** One installed channel instance, as Front keeps it after the authorization call. */
export interface EmulatorChannel {
  id: string;
  channelUrl: string;
  webhookUrl: string;
  /** The API token the admin typed in; sent as `Authorization: Bearer` on every event. */
  token: string;
  status: 'ok' | 'offline' | 'deleted';
  /** The handle Front gives the channel (its `from` recipient). */
  address: string;
  createdAt: number;
}

export interface EmulatorContact {
  id: string;
  handle: string;
  name: string | undefined;
}

export interface EmulatorConversation {
  id: string;
  channelId: string;
  subject: string | undefined;
  /** Every external conversation id that threads into this conversation (several after a merge). */
  externalConversationIds: string[];
  status: 'open' | 'archived';
  /** Set when this conversation was merged into another one. */
  mergedInto: string | undefined;
  createdAt: number;
  updatedAt: number;
}

export interface EmulatorAttachment {
  id: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export type MessageStatus = 'pending' | 'sent' | 'failed' | 'imported';

export interface EmulatorMessage {
  id: string;
  /** The uid the sync call answered with (sync messages only). */
  uid: string | undefined;
  channelId: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  /** Who made it: a teammate in Front, an auto-reply rule, or a sync call from the channel. */
  source: 'teammate' | 'autoreply' | 'sync';
  status: MessageStatus;
  externalId: string | undefined;
  externalConversationId: string | undefined;
  errorType: string | undefined;
  errorMessage: string | undefined;
  subject: string | undefined;
  text: string;
  /** The contact's normalised handle (sender of inbound, first recipient of outbound). */
  contactHandle: string;
  recipients: { handle: string; name?: string | undefined; role: string }[];
  attachments: EmulatorAttachment[];
  repliedToId: string | undefined;
  createdAt: number;
}

export interface EmulatorTemplate {
  id: string;
  channelId: string;
  externalId: string;
  fields: Record<string, unknown>;
}

export interface EmulatorCall {
  channelId: string;
  externalCallId: string;
  status: string;
  direction: string;
  summary: string | undefined;
  transcript: unknown[];
  recordings: { recordingType: string; filename: string; size: number }[];
  history: { status: string; at: number }[];
}

/** Everything the emulator knows, in memory. Mutate only through the functions below. */
export interface EmulatorState {
  channels: Map<string, EmulatorChannel>;
  conversations: Map<string, EmulatorConversation>;
  messages: Map<string, EmulatorMessage>;
  contacts: Map<string, EmulatorContact>;
  /** `channel \0 external_id` → message_uid, so a repeated sync answers the same uid. */
  syncUids: Map<string, string>;
  /** message_uid → Front message id, once imported. */
  importedUids: Map<string, string>;
  templates: Map<string, EmulatorTemplate>;
  calls: Map<string, EmulatorCall>;
}

/** Makes prefixed ids (`cha_…`, `msg_…`); tests inject a counter. */
export type IdFactory = (prefix: string) => string;

export function createState(): EmulatorState {
  return {
    channels: new Map(),
    conversations: new Map(),
    messages: new Map(),
    contacts: new Map(),
    syncUids: new Map(),
    importedUids: new Map(),
    templates: new Map(),
    calls: new Map(),
  };
}

/** Finds a channel by id or by `alt:address:<address>`, ignoring deleted ones. */
export function findChannel(state: EmulatorState, idOrAlias: string): EmulatorChannel | undefined {
  const address = idOrAlias.startsWith('alt:address:') ? idOrAlias.slice(12) : undefined;
  const channel =
    address === undefined
      ? state.channels.get(idOrAlias)
      : [...state.channels.values()].find((candidate) => candidate.address === address);
  return channel && channel.status !== 'deleted' ? channel : undefined;
}

/** Returns the contact for a handle, creating it; handles are compared after normalising. */
export function upsertContact(
  state: EmulatorState,
  contact: { handle: string; name?: string | undefined },
  newId: IdFactory,
): EmulatorContact {
  const handle = normaliseHandle(contact.handle);
  const existing = state.contacts.get(handle);
  if (existing) {
    if (contact.name && !existing.name) existing.name = contact.name;
    return existing;
  }
  const created = { id: newId('crd'), handle, name: contact.name };
  state.contacts.set(handle, created);
  return created;
}

/** Follows merges to the conversation that now holds the messages. */
export function resolveConversation(
  state: EmulatorState,
  conversationId: string,
): EmulatorConversation | undefined {
  let conversation = state.conversations.get(conversationId);
  for (let hops = 0; conversation?.mergedInto && hops < 100; hops++) {
    conversation = state.conversations.get(conversation.mergedInto);
  }
  return conversation;
}

/** The live conversation of a channel that carries this external conversation id, if any. */
export function findConversationByExternalId(
  state: EmulatorState,
  channelId: string,
  externalConversationId: string,
): EmulatorConversation | undefined {
  let found: EmulatorConversation | undefined;
  for (const conversation of state.conversations.values()) {
    if (conversation.channelId !== channelId || conversation.mergedInto) continue;
    if (!conversation.externalConversationIds.includes(externalConversationId)) continue;
    // Several can carry it when a teammate composed twice to the same thread key: use the newest.
    if (!found || conversation.updatedAt >= found.updatedAt) found = conversation;
  }
  return found;
}

export function createConversation(
  state: EmulatorState,
  fields: { channelId: string; subject?: string | undefined; now: number },
  newId: IdFactory,
): EmulatorConversation {
  const conversation: EmulatorConversation = {
    id: newId('cnv'),
    channelId: fields.channelId,
    subject: fields.subject,
    externalConversationIds: [],
    status: 'open',
    mergedInto: undefined,
    createdAt: fields.now,
    updatedAt: fields.now,
  };
  state.conversations.set(conversation.id, conversation);
  return conversation;
}

/** Threads a synced message: the conversation with this external id, or a new one. */
export function threadByExternalId(
  state: EmulatorState,
  fields: {
    channelId: string;
    externalConversationId: string;
    subject?: string | undefined;
    now: number;
  },
  newId: IdFactory,
): EmulatorConversation {
  const existing = findConversationByExternalId(
    state,
    fields.channelId,
    fields.externalConversationId,
  );
  const conversation = existing ?? createConversation(state, fields, newId);
  addExternalConversationId(conversation, fields.externalConversationId);
  conversation.updatedAt = fields.now;
  conversation.status = 'open';
  return conversation;
}

export function addExternalConversationId(conversation: EmulatorConversation, id: string): void {
  if (!conversation.externalConversationIds.includes(id)) {
    conversation.externalConversationIds.push(id);
  }
}

/**
 * Merges `sourceIds` into `targetId`, as a teammate does in Front: messages move, the target
 * gains every external conversation id, and the sources point at the target from then on.
 */
export function mergeConversations(
  state: EmulatorState,
  targetId: string,
  sourceIds: readonly string[],
): EmulatorConversation {
  const target = resolveConversation(state, targetId);
  if (!target) throw new Error(`unknown conversation ${targetId}`);

  for (const sourceId of sourceIds) {
    const source = resolveConversation(state, sourceId);
    if (!source) throw new Error(`unknown conversation ${sourceId}`);
    if (source.id === target.id) continue;
    if (source.channelId !== target.channelId) throw new Error('conversations of other channels');
    for (const id of source.externalConversationIds) addExternalConversationId(target, id);
    for (const message of state.messages.values()) {
      if (message.conversationId === source.id) message.conversationId = target.id;
    }
    source.mergedInto = target.id;
  }
  return target;
}

export function messagesOfConversation(
  state: EmulatorState,
  conversationId: string,
): EmulatorMessage[] {
  return [...state.messages.values()]
    .filter((message) => message.conversationId === conversationId)
    .sort((a, b) => a.createdAt - b.createdAt);
}

/** The outbound message a status update names by its external ids, if any. */
export function findOutboundByExternalIds(
  state: EmulatorState,
  ids: { channelId: string; externalConversationId: string; externalId: string },
): EmulatorMessage | undefined {
  for (const message of state.messages.values()) {
    if (message.channelId !== ids.channelId || message.direction !== 'outbound') continue;
    if (message.externalId !== ids.externalId) continue;
    const conversation = resolveConversation(state, message.conversationId);
    const threadIds = conversation?.externalConversationIds ?? [];
    if (message.externalConversationId === ids.externalConversationId) return message;
    if (threadIds.includes(ids.externalConversationId)) return message;
  }
  return undefined;
}

export function syncKey(channelId: string, externalId: string): string {
  return `${channelId}\u0000${externalId}`;
}
