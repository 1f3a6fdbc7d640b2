import multipart from '@fastify/multipart';
import { formatIssues } from '@frontbridge/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hashCredential, newId } from '../accounts/credentials.ts';
import { HttpError } from '../http/http-error.ts';
import { refuseUnread } from '../http/refuse-unread.ts';
import type { AccountRow, MessageRow } from '../store/store.ts';
import type { ApiMessageContent } from '../workers/message-content.ts';
import type { ServerContext } from '../workers/worker-context.ts';
import { checkRepeatedMessage } from './check-repeated-message.ts';
import { normaliseHandle } from './normalise-handle.ts';
import { readMultipart, type Upload } from './read-multipart.ts';

const ExternalId = z.string().trim().min(1).max(200);

const MessageInputSchema = z.object({
  channel_id: z.string().min(1),
  direction: z.enum(['inbound', 'outbound']),
  external_id: ExternalId,
  conversation_id: ExternalId.optional(),
  from: z.string().optional(),
  to: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  subject: z.string().max(1000).optional(),
  body: z.string().default(''),
  sender_name: z.string().max(200).optional(),
  delivered_at: z
    .union([
      z.number().nonnegative().refine(isEpochBeforeYear10000, {
        message: 'must be epoch seconds (or milliseconds) before the year 10000',
      }),
      z.iso.datetime({ offset: true }),
    ])
    .optional(),
});

type MessageInput = z.infer<typeof MessageInputSchema>;

/** The external system's REST API: report messages, read their status. Bearer API key. */
export async function registerApiRoutes(app: FastifyInstance, context: ServerContext) {
  await app.register(multipart, {
    // Size limits are readMultipart's, which sets them per request.
    limits: { files: 10, fields: 50 },
  });

  const authenticate = authenticateBeforeBody(context);

  // The key is checked first: whoever has none gets 401 before anything else, the body unread.
  app.post(
    '/api/v1/messages',
    { onRequest: [authenticate, requireMessageMediaType] },
    async (request, reply) => {
      const account = accountOf(request);
      const { fields, uploads } = await readMessageRequest(context, request, reply);
      const message = await recordMessage(context, account, fields, uploads);
      return reply.code(202).send({ id: message.id, status: message.status });
    },
  );

  app.get('/api/v1/messages/:id', { onRequest: authenticate }, async (request) => {
    const account = accountOf(request);
    const { id } = request.params as { id: string };
    const message = await context.store.getMessage(id);
    if (!message || message.account_id !== account.id) throw notFound('message');
    return describeMessage(message);
  });
}

const MESSAGE_MEDIA_TYPES = ['application/json', 'multipart/form-data'];

// Before Fastify parses the body: its text/plain parser would hand the route a string, refused as
// "expected object", and any other type would get its 415 with a generic message.
async function requireMessageMediaType(request: FastifyRequest, reply: FastifyReply) {
  const contentType = request.headers['content-type'];
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!declaresBody(request) || (mediaType && MESSAGE_MEDIA_TYPES.includes(mediaType))) return;

  refuseUnread(reply);
  throw new HttpError(
    415,
    'unsupported_media_type',
    `Send the message as ${MESSAGE_MEDIA_TYPES.join(' or ')}.`,
  );
}

// The account each authenticated request was made with, found before its body was read.
const accounts = new WeakMap<FastifyRequest, AccountRow>();

// An onRequest hook: a key costs one hash and one indexed read, so a request without a valid one
// is refused before the server reads (and holds) up to BODY_LIMIT_BYTES of its body.
function authenticateBeforeBody(context: ServerContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const key = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const account = key && (await context.store.findAccountByApiKeyHash(hashCredential(key)));
    if (account) {
      accounts.set(request, account);
      return;
    }
    if (declaresBody(request)) refuseUnread(reply);
    throw new HttpError(
      401,
      'unauthorized',
      'Send a valid API key as "Authorization: Bearer <key>".',
    );
  };
}

function accountOf(request: FastifyRequest): AccountRow {
  const account = accounts.get(request);
  // Only reachable if a route forgot its onRequest hook; refuse rather than act for no account.
  if (!account) throw new HttpError(401, 'unauthorized', 'No API key was checked.');
  return account;
}

function declaresBody({ headers }: FastifyRequest): boolean {
  return (
    headers['content-type'] !== undefined ||
    headers['transfer-encoding'] !== undefined ||
    Number(headers['content-length'] ?? 0) > 0
  );
}

async function readMessageRequest(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  let raw: unknown = request.body;
  let uploads: Upload[] = [];
  if (request.isMultipart()) {
    const multipart = await readMultipart(request, reply, {
      requestBytes: context.config.bodyLimitBytes,
    });
    raw = multipart.fields;
    uploads = multipart.uploads;
  }
  const parsed = MessageInputSchema.safeParse(coerceNumbers(raw));
  if (!parsed.success) {
    throw new HttpError(
      400,
      'invalid_request',
      `Invalid message: ${formatIssues(parsed.error).join('; ')}`,
    );
  }
  return { fields: parsed.data, uploads };
}

// Multipart fields are all strings; delivered_at given as digits means epoch seconds.
function coerceNumbers(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const record = raw as Record<string, unknown>;
  const at = record.delivered_at;
  return typeof at === 'string' && /^\d+$/.test(at) ? { ...record, delivered_at: Number(at) } : raw;
}

async function recordMessage(
  context: ServerContext,
  account: AccountRow,
  input: MessageInput,
  uploads: Upload[],
): Promise<MessageRow> {
  const channel = await context.store.getChannel(input.channel_id);
  if (!channel || channel.account_id !== account.id || channel.status === 'deleted') {
    throw notFound('channel');
  }
  if (!input.body.trim() && uploads.length === 0) {
    throw new HttpError(
      400,
      'invalid_request',
      'body must not be empty unless attachments are sent.',
    );
  }
  const { contact, content } = buildContent(context, input, uploads.length);

  const now = context.now();
  const result = await context.store.recordApiMessage({
    conversationId: input.conversation_id,
    attachments: uploads,
    message: {
      id: newId('fbm', context.randomBytes, now),
      account_id: account.id,
      channel_id: channel.id,
      origin: 'api',
      direction: input.direction,
      external_id: input.external_id,
      contact_handle: contact,
      status: 'queued',
      front_message_id: null,
      front_conversation_id: null,
      message_uid: null,
      last_error: null,
      content: JSON.stringify(content),
      created_at: now,
      updated_at: now,
    },
  });
  checkRepeatedMessage(result, {
    direction: input.direction,
    contactHandle: contact,
    conversationId: input.conversation_id,
    content,
  });
  return result.message;
}

function buildContent(context: ServerContext, input: MessageInput, attachmentCount: number) {
  const region = context.config.defaultPhoneRegion;
  const toList = input.to === undefined ? [] : [input.to].flat();
  if (input.direction === 'inbound' && !input.from) {
    throw new HttpError(400, 'invalid_request', 'from is required for an inbound message.');
  }
  if (input.direction === 'outbound' && toList.length === 0) {
    throw new HttpError(400, 'invalid_request', 'to is required for an outbound message.');
  }
  const from = input.from === undefined ? null : normaliseHandle(input.from, 'from', region);
  const to = toList.map((handle, index) =>
    normaliseHandle(handle, toList.length > 1 ? `to[${index}]` : 'to', region),
  );

  const content: ApiMessageContent = {
    kind: 'api',
    from,
    to,
    subject: input.subject ?? null,
    body: input.body,
    senderName: input.sender_name ?? null,
    deliveredAt: deliveredAtSeconds(input.delivered_at),
    attachmentCount,
  };
  const contact = input.direction === 'inbound' ? (from as string) : (to[0] as string);
  return { contact, content };
}

// The last second of 9999 in epoch seconds and in milliseconds; values above 1e12 are read as
// milliseconds (see deliveredAtSeconds). Anything beyond is a unit mistake, refused up front
// rather than failing later at sync.
const LAST_EPOCH_SECOND = 253_402_300_799;

function isEpochBeforeYear10000(value: number): boolean {
  return value > 1e12 ? value <= LAST_EPOCH_SECOND * 1000 + 999 : value <= LAST_EPOCH_SECOND;
}

function deliveredAtSeconds(value: number | string | undefined): number | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return Math.floor(Date.parse(value) / 1000);
  // Tolerate milliseconds: Front wants seconds, and a 13-digit value is clearly not seconds.
  return Math.floor(value > 1e12 ? value / 1000 : value);
}

function describeMessage(message: MessageRow) {
  return {
    id: message.id,
    channel_id: message.channel_id,
    origin: message.origin,
    direction: message.direction,
    status: message.status,
    external_id: message.external_id,
    external_conversation_id: message.external_conversation_id,
    contact_handle: message.contact_handle,
    front_message_id: message.front_message_id,
    front_conversation_id: message.front_conversation_id,
    message_uid: message.message_uid,
    last_error: message.last_error,
    created_at: new Date(message.created_at).toISOString(),
    updated_at: new Date(message.updated_at).toISOString(),
  };
}

function notFound(what: string): HttpError {
  return new HttpError(404, 'not_found', `No such ${what} for this API key.`);
}
