import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { param } from './channel-api-auth.ts';
import { authorizeChannel, deleteChannel, outcomeProblems } from './channel-lifecycle.ts';
import { type EmulatorContext, notifyChange } from './emulator-context.ts';
import {
  type EmulatorChannel,
  findChannel,
  mergeConversations,
  messagesOfConversation,
  resolveConversation,
} from './emulator-state.ts';
import { findExchange, maskSecret, presentExchange } from './exchange-log.ts';
import { FaultRequestSchema, faultFromRequest } from './faults.ts';
import { FrontHttpError } from './front-error.ts';
import { sendOnce } from './send-webhook.ts';
import { parseBody } from './sync-message-schema.ts';
import { sendTeammateMessage } from './teammate-send.ts';

const AddChannelSchema = z.object({
  token: z.string().min(1),
  channel_url: z.string().optional(),
  channel_id: z
    .string()
    .regex(/^cha_[A-Za-z0-9_-]{1,64}$/, 'must look like cha_<letters or digits>')
    .optional(),
});

const ComposeSchema = z.object({
  to: z.array(z.string().min(1)).optional(),
  text: z.string().min(1),
  subject: z.string().optional(),
  conversation_id: z.string().optional(),
  attachments: z
    .array(
      z.object({
        filename: z.string().min(1),
        content_type: z.string().min(1),
        content_base64: z.string(),
      }),
    )
    .optional(),
});

const MergeSchema = z.object({
  target_id: z.string().min(1),
  source_ids: z.array(z.string().min(1)).min(1),
});

/** The control API under `/_emulator`, used by the inbox page, the CLI and tests. */
export function registerControlApi(app: FastifyInstance, context: EmulatorContext): void {
  app.get('/_emulator/info', async () => ({
    app_uid: context.config.appUid,
    api_url: context.baseUrl,
    channel_url: context.config.channelUrl ?? null,
    response_deadline_ms: context.config.responseDeadlineMs,
    delete_signature_mode: context.config.deleteSignatureMode,
    redeliver_on_timeout: context.config.redeliverOnTimeout,
    rate_limit: context.config.rateLimit,
  }));
  registerChannelRoutes(app, context);
  registerLogAndFaultRoutes(app, context);
}

function registerChannelRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.get('/_emulator/channels', async () => ({
    channels: [...context.state.channels.values()]
      .filter((c) => c.status !== 'deleted')
      .map(presentChannel),
  }));
  app.post('/_emulator/channels', async (request, reply) => {
    const body = parseBody(AddChannelSchema, request.body);
    const result = await authorizeChannel(context, {
      token: body.token,
      channelUrl: body.channel_url,
      channelId: body.channel_id,
    });
    if (!result.ok) {
      return reply.code(502).send({
        _error: {
          status: 502,
          title: 'Bad gateway',
          message: 'The channel refused the authorization request.',
          details: result.problems,
        },
        channel_status: result.status ?? null,
        channel_body: result.body ?? null,
      });
    }
    return reply
      .code(201)
      .send({ channel_id: result.channel.id, webhook_url: result.channel.webhookUrl });
  });
  app.delete('/_emulator/channels/:id', async (request) => {
    const channel = requireChannel(context, request);
    const outcome = await deleteChannel(context, channel);
    const problems = outcomeProblems(outcome);
    return {
      channel_id: channel.id,
      status: outcome.status ?? null,
      duration_ms: outcome.durationMs,
      ...(problems.length ? { error: problems.join('; ') } : {}),
    };
  });
  for (const [path, autoreply] of [
    ['messages', false],
    ['autoreplies', true],
  ] as const) {
    app.post(`/_emulator/channels/:id/${path}`, async (request) =>
      compose(context, request, autoreply),
    );
  }
  app.get('/_emulator/channels/:id/conversations', async (request) => ({
    conversations: listConversations(context, requireChannel(context, request)),
  }));
}

function registerLogAndFaultRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.get('/_emulator/log', async (request) => {
    const since = Number((request.query as Record<string, string>).since ?? 0) || 0;
    return { entries: context.log.entries.filter((entry) => entry.n > since).map(presentExchange) };
  });
  app.post('/_emulator/log/:n/replay', async (request) => {
    const entry = findExchange(context.log, Number(param(request, 'n')));
    if (!entry) throw new FrontHttpError(404, 'No such log entry.');
    if (entry.direction !== 'to_channel')
      throw new FrontHttpError(400, 'Only requests sent to a channel can be replayed.');
    const method = entry.method === 'DELETE' ? 'DELETE' : 'POST';
    const outcome = await sendOnce(
      context,
      { ...entry, method, headers: entry.requestHeaders, body: entry.requestBody },
      entry.n,
    );
    return presentExchange(outcome.entry);
  });
  app.post('/_emulator/conversations/merge', async (request) => {
    const body = parseBody(MergeSchema, request.body);
    let target: ReturnType<typeof mergeConversations>;
    try {
      target = mergeConversations(context.state, body.target_id, body.source_ids);
    } catch (error) {
      throw new FrontHttpError(400, `Cannot merge: ${(error as Error).message}.`);
    }
    notifyChange(context, 'messages');
    return presentConversation(context, target);
  });
  app.get('/_emulator/faults', async () => ({ faults: context.faults }));
  app.post('/_emulator/faults', async (request) => {
    context.faults.push(faultFromRequest(parseBody(FaultRequestSchema, request.body)));
    return { faults: context.faults };
  });
  app.delete('/_emulator/faults', async () => {
    context.faults.length = 0;
    return { faults: [] };
  });
}

async function compose(context: EmulatorContext, request: FastifyRequest, autoreply: boolean) {
  const channel = requireChannel(context, request);
  const body = parseBody(ComposeSchema, request.body);
  const to = body.to ?? replyRecipients(context, channel, body.conversation_id);
  if (to.length === 0) throw new FrontHttpError(400, 'to must name at least one recipient.');
  return sendTeammateMessage(context, channel, {
    to,
    text: body.text,
    subject: body.subject,
    conversationId: body.conversation_id,
    autoreply,
    attachments: body.attachments?.map((file) => ({
      filename: file.filename,
      contentType: file.content_type,
      data: Buffer.from(file.content_base64, 'base64'),
    })),
  });
}

// A reply without `to` goes to the conversation's contact, as a Front reply does.
function replyRecipients(
  context: EmulatorContext,
  channel: EmulatorChannel,
  conversationId?: string,
) {
  if (!conversationId) return [];
  const conversation = resolveConversation(context.state, conversationId);
  if (!conversation || conversation.channelId !== channel.id) return [];
  const handle = messagesOfConversation(context.state, conversation.id).find(
    (m) => m.contactHandle,
  )?.contactHandle;
  return handle ? [handle] : [];
}

function requireChannel(context: EmulatorContext, request: FastifyRequest): EmulatorChannel {
  const channel = findChannel(context.state, param(request, 'id'));
  if (!channel) throw new FrontHttpError(404, `No channel ${param(request, 'id')}.`);
  return channel;
}

function presentChannel(channel: EmulatorChannel) {
  return {
    id: channel.id,
    status: channel.status,
    address: channel.address,
    channel_url: channel.channelUrl,
    webhook_url: channel.webhookUrl,
    token: maskSecret(channel.token),
    created_at: channel.createdAt,
  };
}

function listConversations(context: EmulatorContext, channel: EmulatorChannel) {
  return [...context.state.conversations.values()]
    .filter((conversation) => conversation.channelId === channel.id && !conversation.mergedInto)
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .map((conversation) => presentConversation(context, conversation));
}

function presentConversation(
  context: EmulatorContext,
  conversation: NonNullable<ReturnType<typeof resolveConversation>>,
) {
  const merged = [...context.state.conversations.values()].filter(
    (c) => c.mergedInto === conversation.id,
  );
  return {
    id: conversation.id,
    subject: conversation.subject ?? null,
    status: conversation.status,
    external_conversation_ids: [...conversation.externalConversationIds],
    merged_from: merged.map((c) => c.id),
    updated_at: conversation.updatedAt,
    messages: messagesOfConversation(context.state, conversation.id).map((message) => ({
      id: message.id,
      message_uid: message.uid ?? null,
      direction: message.direction,
      source: message.source,
      status: message.status,
      external_id: message.externalId ?? null,
      external_conversation_id: message.externalConversationId ?? null,
      error_type: message.errorType ?? null,
      error: message.errorMessage ?? null,
      subject: message.subject ?? null,
      text: message.text,
      contact_handle: message.contactHandle,
      contact_name: context.state.contacts.get(message.contactHandle)?.name ?? null,
      attachments: message.attachments.map((file) => ({
        id: file.id,
        filename: file.filename,
        content_type: file.contentType,
        size: file.data.length,
      })),
      created_at: message.createdAt,
    })),
  };
}
