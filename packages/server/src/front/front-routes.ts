import {
  buildAuthorizationResponse,
  DEFAULT_TOLERANCE_MS,
  type FrontEvent,
  getHeader,
  parseFrontEvent,
  SIGNATURE_HEADER,
  SignatureVerificationError,
  TIMESTAMP_HEADER,
  verifyFrontRequest,
} from '@frontbridge/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashCredential, newToken } from '../accounts/credentials.ts';
import { HttpError } from '../http/http-error.ts';
import { refuseUnread } from '../http/refuse-unread.ts';
import type { ChannelRow } from '../store/store.ts';
import type { ServerContext } from '../workers/worker-context.ts';
import { handleImported, handleMessage } from './handle-message.ts';

type FrontHandler = (
  context: ServerContext,
  request: FastifyRequest,
  event: FrontEvent,
) => Promise<{ status: number; body: unknown }>;

/** A route Front calls. Every one is signature-checked before its handler runs. */
export interface FrontRoute {
  method: 'POST' | 'DELETE';
  url: string;
  handler: FrontHandler;
  /** Largest body taken on this route; default `BODY_LIMIT_BYTES`. */
  bodyLimitBytes?: number;
}

// The channel URL receives `authorization` ({ type, payload: { channel_id } }, no other field
// documented) and `list_addresses`; see shared/front-channel-api.md 3.2 and 3.3. Both are well
// under 1 KiB, and this route answers anyone who can make up a fresh timestamp, before its
// signature can be checked: 64 KiB leaves room for undocumented fields without letting such a
// caller make the server hold BODY_LIMIT_BYTES per connection.
const CHANNEL_URL_BODY_LIMIT_BYTES = 64 * 1024;

/** Every Front-facing route, in one table so a test can prove each rejects unsigned requests. */
export const FRONT_ROUTES: readonly FrontRoute[] = [
  {
    method: 'POST',
    url: '/front',
    handler: handleChannelUrl,
    bodyLimitBytes: CHANNEL_URL_BODY_LIMIT_BYTES,
  },
  { method: 'POST', url: '/front/channels/:token', handler: handleChannelEvent },
  { method: 'DELETE', url: '/front/channels/:token', handler: handleChannelEvent },
];

// The channel of each webhook request, found from its URL before the body was read.
const channelsOfRequests = new WeakMap<FastifyRequest, ChannelRow>();

/** Registers the Front routes with a raw-body parser, since signatures cover the exact bytes. */
export async function registerFrontRoutes(app: FastifyInstance, context: ServerContext) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: context.config.bodyLimitBytes },
    (_request, body, done) => done(null, body),
  );

  for (const route of FRONT_ROUTES) {
    app.route({
      method: route.method,
      url: route.url,
      bodyLimit: route.bodyLimitBytes ?? context.config.bodyLimitBytes,
      onRequest: async (request, reply) => refuseBeforeBody(context, request, reply),
      handler: async (request, reply) => {
        const started = performance.now();
        await verifyOrReject(context, request, reply);
        if (reply.sent) return reply;
        const event = parseFrontEvent(rawBodyOf(request).toString('utf8') || '{}');
        const answer = await route.handler(context, request, event);
        const type = event.type === 'unknown' ? 'unknown' : event.type;
        context.metrics.webhooks.inc({ type, outcome: String(answer.status) });
        context.metrics.webhookSeconds.observe({ type }, (performance.now() - started) / 1000);
        return reply.code(answer.status).send(answer.body);
      },
    });
  }
}

/**
 * Refuses from the headers and URL alone what the body could not redeem: a missing signature
 * header, a timestamp outside the window (401), an unknown webhook token (404). Until the signature
 * is checked anyone may call these routes, and reading the body first would let them make the
 * server hold up to BODY_LIMIT_BYTES per connection.
 */
async function refuseBeforeBody(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const refused = headerRefusal(request, context.now());
  if (refused) {
    refuseUnread(reply);
    return rejectUnverified(context, request, reply, refused);
  }

  const { token } = request.params as { token?: string };
  if (token === undefined) return;
  const channel = await context.store.findChannelByWebhookToken(token);
  if (!channel) {
    refuseUnread(reply);
    throw new HttpError(404, 'unknown_channel', 'No channel has this webhook URL.');
  }
  channelsOfRequests.set(request, channel);
}

// A subset of verifyFrontRequest's checks, so that it refuses nothing the SDK would accept; the
// SDK still runs on the whole body. Only presence and the window matter here: anyone can make up a
// well-formed signature, which only the body can refute. (The SDK itself, run over an empty body,
// would cost a failed HMAC and a thrown error on every genuine webhook.)
function headerRefusal(request: FastifyRequest, now: number): string | undefined {
  const signature = getHeader(request.headers, SIGNATURE_HEADER);
  const timestamp = getHeader(request.headers, TIMESTAMP_HEADER);
  if (!signature || !timestamp) return 'missing_header';
  if (!/^\d+$/.test(timestamp)) return 'malformed_header';
  const sentAt = Number(timestamp);
  if (sentAt < now - DEFAULT_TOLERANCE_MS) return 'timestamp_too_old';
  if (sentAt > now + DEFAULT_TOLERANCE_MS) return 'timestamp_in_future';
  return undefined;
}

async function verifyOrReject(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  try {
    await verifyFrontRequest({
      rawBody: rawBodyOf(request),
      headers: request.headers,
      secret: context.config.frontAppSecrets,
      method: request.method,
      now: context.now(),
    });
  } catch (error) {
    if (!(error instanceof SignatureVerificationError)) throw error;
    await rejectUnverified(context, request, reply, error.code);
  }
}

async function rejectUnverified(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  code: string,
): Promise<void> {
  context.metrics.webhooks.inc({ type: 'unverified', outcome: '401' });
  context.logger.warn({ code, route: request.routeOptions.url }, 'front request rejected');
  await reply.code(401).send();
}

function rawBodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

async function handleChannelUrl(
  context: ServerContext,
  request: FastifyRequest,
  event: FrontEvent,
) {
  if (event.type === 'list_addresses') {
    return { status: 200, body: { type: 'success', addresses: [] } };
  }
  if (event.type !== 'authorization') return { status: 200, body: {} };

  const token = /^Bearer\s+(.+)$/i.exec(getHeader(request.headers, 'authorization') ?? '')?.[1];
  const account =
    token && (await context.store.findAccountByChannelTokenHash(hashCredential(token.trim())));
  if (!account) {
    context.logger.warn({ channelId: event.payload.channel_id }, 'authorization refused');
    return { status: 401, body: { type: 'bad_request', message: 'Unknown channel token.' } };
  }

  const channel = await context.store.authorizeChannel({
    id: event.payload.channel_id,
    account_id: account.id,
    webhook_token: newToken('fbw', context.randomBytes),
    status: 'active',
    created_at: context.now(),
    deleted_at: null,
  });
  if (!channel) {
    throw new HttpError(400, 'channel_taken', 'This channel belongs to another account.');
  }
  context.logger.info({ channelId: channel.id, accountId: account.id }, 'channel authorized');
  const webhookUrl = `${context.config.publicUrl}/front/channels/${channel.webhook_token}`;
  return { status: 200, body: buildAuthorizationResponse(webhookUrl) };
}

async function handleChannelEvent(
  context: ServerContext,
  request: FastifyRequest,
  event: FrontEvent,
) {
  const channel = channelsOfRequests.get(request);
  // Only reachable if the route lost its onRequest hook; refuse rather than act for no channel.
  if (!channel) throw new HttpError(404, 'unknown_channel', 'No channel has this webhook URL.');
  checkNamedChannel(channel, event);
  // The 2019 docs describe `delete` as a bare DELETE without a body; treat it as one.
  const bareDelete = request.method === 'DELETE' && event.type === 'unknown' && !event.originalType;
  if (event.type === 'delete' || bareDelete) return deleteChannel(context, channel);
  if (channel.status === 'deleted') {
    throw new HttpError(404, 'channel_deleted', 'This channel was removed.');
  }

  switch (event.type) {
    case 'message':
    case 'message_autoreply':
      return handleMessage(context, channel, event);
    case 'message_imported':
      return handleImported(context, channel, event);
    default:
      return { status: 200, body: {} };
  }
}

function checkNamedChannel(channel: ChannelRow, event: FrontEvent): void {
  const named =
    event.type === 'delete' || event.type === 'authorization'
      ? event.payload.channel_id
      : undefined;
  if (named !== undefined && named !== channel.id) {
    throw new HttpError(400, 'channel_mismatch', 'The payload names another channel.');
  }
}

async function deleteChannel(context: ServerContext, channel: ChannelRow) {
  await context.store.deleteChannel(channel.id, context.now());
  context.logger.info({ channelId: channel.id }, 'channel deleted');
  return { status: 200, body: {} };
}
