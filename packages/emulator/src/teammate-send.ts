import { buildAutoReplyPayload, buildMessagePayload } from './build-message-payload.ts';
import { outcomeProblems } from './channel-lifecycle.ts';
import { checkAnswer, MessageAnswerSchema } from './channel-responses.ts';
import { type EmulatorContext, notifyChange } from './emulator-context.ts';
import {
  addExternalConversationId,
  createConversation,
  type EmulatorChannel,
  type EmulatorConversation,
  type EmulatorMessage,
  messagesOfConversation,
  resolveConversation,
  upsertContact,
} from './emulator-state.ts';
import { FrontHttpError } from './front-error.ts';
import { buildEventRequest, deliverEvent } from './send-webhook.ts';

/** What a teammate typed in the composer (the body of the control call). */
export interface ComposedMessage {
  to: string[];
  text: string;
  subject?: string | undefined;
  conversationId?: string | undefined;
  attachments?: { filename: string; contentType: string; data: Buffer }[] | undefined;
}

/** The answer of the control call: the Front ids and how the channel took the event. */
export interface SendResult {
  message_id: string;
  conversation_id: string;
  status: 'sent' | 'failed';
  external_id?: string;
  external_conversation_id?: string;
  error?: string;
  error_type?: string;
  duration_ms: number;
}

/**
 * A teammate sends (or an auto-reply rule fires): stores the message, sends the signed event with
 * a realistic payload, and marks the message sent or failed from the channel's answer.
 */
export async function sendTeammateMessage(
  context: EmulatorContext,
  channel: EmulatorChannel,
  input: ComposedMessage & { autoreply?: boolean },
): Promise<SendResult> {
  const conversation = pickConversation(context, channel, input);
  const message = storeComposed(context, { channel, conversation, input });
  const payload = input.autoreply
    ? buildAutoReplyPayload(context, message)
    : buildMessagePayload(context, message);
  const type = input.autoreply ? 'message_autoreply' : 'message';
  const request = buildEventRequest(
    context,
    { channel, url: channel.webhookUrl },
    { type, payload },
  );
  notifyChange(context, 'messages');

  const outcome = await deliverEvent(context, request);
  const result = applyAnswer({ message, conversation, outcome });
  notifyChange(context, 'messages');
  return {
    message_id: message.id,
    conversation_id: conversation.id,
    ...result,
    duration_ms: outcome.durationMs,
  };
}

function pickConversation(
  context: EmulatorContext,
  channel: EmulatorChannel,
  input: ComposedMessage,
): EmulatorConversation {
  if (!input.conversationId) {
    return createConversation(
      context.state,
      { channelId: channel.id, subject: input.subject, now: context.now() },
      context.newId,
    );
  }
  const conversation = resolveConversation(context.state, input.conversationId);
  if (!conversation || conversation.channelId !== channel.id) {
    throw new FrontHttpError(404, `No conversation ${input.conversationId} on this channel.`);
  }
  return conversation;
}

function storeComposed(
  context: EmulatorContext,
  parts: {
    channel: EmulatorChannel;
    conversation: EmulatorConversation;
    input: ComposedMessage & { autoreply?: boolean };
  },
): EmulatorMessage {
  const { channel, conversation, input } = parts;
  const contacts = input.to.map((handle) =>
    upsertContact(context.state, { handle }, context.newId),
  );
  const previous = messagesOfConversation(context.state, conversation.id).at(-1);
  const message: EmulatorMessage = {
    id: context.newId('msg'),
    uid: undefined,
    channelId: channel.id,
    conversationId: conversation.id,
    direction: 'outbound',
    source: input.autoreply ? 'autoreply' : 'teammate',
    status: 'pending',
    externalId: undefined,
    externalConversationId: undefined,
    errorType: undefined,
    errorMessage: undefined,
    subject: input.subject ?? conversation.subject,
    text: input.text,
    contactHandle: contacts[0]?.handle ?? '',
    recipients: [
      { handle: channel.address, role: 'from' },
      ...contacts.map((contact) => ({ handle: contact.handle, name: contact.name, role: 'to' })),
    ],
    attachments: (input.attachments ?? []).map((file) => ({ id: context.newId('fil'), ...file })),
    repliedToId: previous?.id,
    createdAt: context.now(),
  };
  context.state.messages.set(message.id, message);
  conversation.updatedAt = message.createdAt;
  return message;
}

function applyAnswer(parts: {
  message: EmulatorMessage;
  conversation: EmulatorConversation;
  outcome: Awaited<ReturnType<typeof deliverEvent>>;
}): Omit<SendResult, 'message_id' | 'conversation_id' | 'duration_ms'> {
  const { message, conversation, outcome } = parts;
  // A failed exchange is reported as such; the body is only checked on a 2xx.
  const problems = outcomeProblems(outcome);
  const answer = checkAnswer(MessageAnswerSchema, outcome.text);
  if (problems.length > 0 || !answer.ok) {
    message.status = 'failed';
    message.errorType = outcome.timedOut ? 'webhook_timeout' : 'webhook_error';
    message.errorMessage = (problems.length > 0 || answer.ok ? problems : answer.problems).join(
      '; ',
    );
    return { status: 'failed', error: message.errorMessage, error_type: message.errorType };
  }

  message.status = 'sent';
  message.externalId = answer.data.external_id;
  message.externalConversationId = answer.data.external_conversation_id;
  addExternalConversationId(conversation, answer.data.external_conversation_id);
  return {
    status: 'sent',
    external_id: answer.data.external_id,
    external_conversation_id: answer.data.external_conversation_id,
  };
}
