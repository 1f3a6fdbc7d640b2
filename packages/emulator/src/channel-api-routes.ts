import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildMessagePayload } from './build-message-payload.ts';
import { registerCallRoutes } from './call-routes.ts';
import { authenticateChannel, CHANNEL_API, param } from './channel-api-auth.ts';
import {
  ChannelUpdateSchema,
  MessageStatusSchema,
  TemplateCreateSchema,
  TemplateUpdateSchema,
} from './channel-api-schemas.ts';
import { type EmulatorContext, notifyChange } from './emulator-context.ts';
import {
  type EmulatorChannel,
  findOutboundByExternalIds,
  messagesOfConversation,
  resolveConversation,
} from './emulator-state.ts';
import { FrontHttpError } from './front-error.ts';
import { parseMultipartBody } from './parse-multipart-body.ts';
import { acceptSyncMessage } from './sync-import.ts';
import { InboundMessageSchema, OutboundMessageSchema, parseBody } from './sync-message-schema.ts';

/** The Channel API at the root, as `api2.frontapp.com` serves it. */
export function registerChannelApi(app: FastifyInstance, context: EmulatorContext): void {
  for (const direction of ['inbound', 'outbound'] as const) {
    app.post(`/channels/:channel_id/${direction}_messages`, CHANNEL_API, async (request, reply) => {
      const channel = await authenticateChannel(context, request, param(request, 'channel_id'));
      const sync = await readSyncRequest(context, request, direction);
      return reply.code(202).send(acceptSyncMessage(context, channel, sync));
    });
  }
  app.put(
    '/channels/:channel_id/conversations/:conversation_ext_id/messages/:message_ext_id/status',
    CHANNEL_API,
    async (request, reply) => updateMessageStatus(context, request, reply),
  );
  app.patch('/channels/:channel_id', CHANNEL_API, async (request, reply) => {
    const channel = await authenticateChannel(context, request, param(request, 'channel_id'));
    channel.status = parseBody(ChannelUpdateSchema, request.body).status;
    notifyChange(context, 'channels');
    return reply.code(204).send();
  });
  registerTemplateRoutes(app, context);
  registerCallRoutes(app, context);
  registerReadRoutes(app, context);
}

async function readSyncRequest(
  context: EmulatorContext,
  request: FastifyRequest,
  direction: 'inbound' | 'outbound',
) {
  const multipart = request.isMultipart()
    ? await parseMultipartBody(request, context.config.maxAttachmentBytes)
    : undefined;
  const body = multipart?.fields ?? request.body;
  const files = multipart?.files ?? [];
  return direction === 'inbound'
    ? { direction, body: parseBody(InboundMessageSchema, body), files }
    : { direction, body: parseBody(OutboundMessageSchema, body), files };
}

async function updateMessageStatus(
  context: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const channel = await authenticateChannel(context, request, param(request, 'channel_id'));
  const body = parseBody(MessageStatusSchema, request.body);
  const message = findOutboundByExternalIds(context.state, {
    channelId: channel.id,
    externalConversationId: param(request, 'conversation_ext_id'),
    externalId: param(request, 'message_ext_id'),
  });
  if (!message) throw new FrontHttpError(404, 'No outbound message with these external ids.');

  message.status = 'failed';
  message.errorType = 'external_failure';
  message.errorMessage = body.reason;
  const conversation = resolveConversation(context.state, message.conversationId);
  if (conversation) conversation.status = 'open';
  notifyChange(context, 'messages');
  return reply.code(204).send();
}

function registerTemplateRoutes(app: FastifyInstance, context: EmulatorContext): void {
  const templateKey = (channel: EmulatorChannel, externalId: string) =>
    `${channel.id}\u0000${externalId}`;

  app.put('/channels/:channel_id/application_message_templates', CHANNEL_API, async (request) => {
    const channel = await authenticateChannel(context, request, param(request, 'channel_id'));
    const { external_id: externalId, ...fields } = parseBody(TemplateCreateSchema, request.body);
    const key = templateKey(channel, externalId);
    const id = context.state.templates.get(key)?.id ?? context.newId('tpl');
    context.state.templates.set(key, { id, channelId: channel.id, externalId, fields });
    return { template_id: id };
  });
  app.patch(
    '/channels/:channel_id/application_message_templates/:external_id',
    CHANNEL_API,
    async (request) => {
      const channel = await authenticateChannel(context, request, param(request, 'channel_id'));
      const fields = parseBody(TemplateUpdateSchema, request.body);
      const template = context.state.templates.get(
        templateKey(channel, param(request, 'external_id')),
      );
      if (!template) throw new FrontHttpError(404, 'No template with this external_id.');
      template.fields = { ...template.fields, ...fields };
      return { template_id: template.id };
    },
  );
}

function registerReadRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.get('/messages/:message_id', CHANNEL_API, async (request) => {
    const channel = await authenticateChannel(context, request);
    return buildMessagePayload(
      context,
      findMessage(context, channel, param(request, 'message_id')),
    );
  });
  app.get('/messages/:message_id/download/:attachment_id', CHANNEL_API, async (request, reply) => {
    const channel = await authenticateChannel(context, request);
    const message = findMessage(context, channel, param(request, 'message_id'));
    const attachment = message.attachments.find(
      (file) => file.id === param(request, 'attachment_id'),
    );
    if (!attachment) throw new FrontHttpError(404, 'No such attachment.');
    return reply
      .header('content-type', attachment.contentType)
      .header(
        'content-disposition',
        `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
      )
      .send(attachment.data);
  });
  app.get('/conversations/:conversation_id', CHANNEL_API, async (request) => {
    const channel = await authenticateChannel(context, request);
    return presentConversation(
      context,
      findConversation(context, channel, param(request, 'conversation_id')),
    );
  });
  app.get('/conversations/:conversation_id/messages', CHANNEL_API, async (request) => {
    const channel = await authenticateChannel(context, request);
    const conversation = findConversation(context, channel, param(request, 'conversation_id'));
    const messages = messagesOfConversation(context.state, conversation.id);
    return { _results: messages.map((message) => buildMessagePayload(context, message)) };
  });
}

function findMessage(context: EmulatorContext, channel: EmulatorChannel, id: string) {
  // `alt:uid:<message_uid>` looks a synced message up by the uid the sync call answered.
  const messageId = id.startsWith('alt:uid:') ? context.state.importedUids.get(id.slice(8)) : id;
  const message = messageId ? context.state.messages.get(messageId) : undefined;
  if (!message || message.channelId !== channel.id)
    throw new FrontHttpError(404, `No message ${id}.`);
  return message;
}

function findConversation(context: EmulatorContext, channel: EmulatorChannel, id: string) {
  const conversation = resolveConversation(context.state, id);
  if (!conversation || conversation.channelId !== channel.id) {
    throw new FrontHttpError(404, `No conversation ${id}.`);
  }
  return conversation;
}

function presentConversation(
  context: EmulatorContext,
  conversation: NonNullable<ReturnType<typeof resolveConversation>>,
) {
  const base = context.baseUrl;
  const messages = messagesOfConversation(context.state, conversation.id);
  const handle = messages[0]?.contactHandle;
  return {
    _links: {
      self: `${base}/conversations/${conversation.id}`,
      related: { messages: `${base}/conversations/${conversation.id}/messages` },
    },
    id: conversation.id,
    type: 'conversation',
    subject: conversation.subject ?? '',
    status: conversation.status === 'open' ? 'unassigned' : 'archived',
    assignee: null,
    recipient: handle ? { _links: { related: { contact: null } }, handle, role: 'from' } : null,
    tags: [],
    links: [],
    custom_fields: {},
    created_at: conversation.createdAt / 1000,
    updated_at: conversation.updatedAt / 1000,
    waiting_since: conversation.updatedAt / 1000,
    is_private: false,
    scheduled_reminders: [],
    metadata: { external_conversation_ids: [...conversation.externalConversationIds] },
  };
}
