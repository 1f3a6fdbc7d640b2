import multipart from '@fastify/multipart';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { tokenVerdicts, verifyRequestToken } from './channel-api-auth.ts';
import { registerChannelApi } from './channel-api-routes.ts';
import { registerControlApi } from './control-api-routes.ts';
import {
  createContext,
  type EmulatorContext,
  type EmulatorOptions,
  notifyChange,
} from './emulator-context.ts';
import { findChannel } from './emulator-state.ts';
import { appendExchange } from './exchange-log.ts';
import { takeFault } from './faults.ts';
import { buildFrontError, FrontHttpError } from './front-error.ts';
import { registerInboxRoutes } from './inbox-routes.ts';
import { takeRateLimit } from './rate-limiter.ts';

/** A Fastify app that plays Front, and the context it runs on (state, log, settings). */
export interface EmulatorApp {
  app: FastifyInstance;
  context: EmulatorContext;
}

// JSON bodies may carry base64 attachments from the control API; keep the cap near Front's 25 MB.
const JSON_BODY_LIMIT = 40 * 1024 * 1024;
const responseBodies = new WeakMap<FastifyRequest, string>();

/**
 * Builds the emulator without listening: the Channel API at the root, the control API under
 * `/_emulator`, the inbox page at `/`. `startEmulator` listens on it; tests may use it directly.
 */
export async function createEmulatorApp(options: EmulatorOptions = {}): Promise<EmulatorApp> {
  const context = createContext(options);
  const app = Fastify({
    logger: false,
    bodyLimit: JSON_BODY_LIMIT,
    return503OnClosing: false,
    // Errors raised before routing (a malformed URL, a bad header) also answer in Front's shape.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
      void (reply as FastifyReply)
        .code(status)
        .send(buildFrontError(status, 'The request URL or headers are malformed.'));
    },
  });
  await app.register(multipart, {
    limits: { fileSize: context.config.maxAttachmentBytes },
  });

  app.addContentTypeParser('*', (request, _payload, done) => {
    done(unsupportedMediaType(request.headers['content-type']), undefined);
  });
  app.setErrorHandler((error: FastifyError, _request, reply) => sendError(context, error, reply));
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send(buildFrontError(404, 'No such route.')),
  );
  registerChannelApiHooks(app, context);

  registerChannelApi(app, context);
  registerControlApi(app, context);
  registerInboxRoutes(app, context);
  return { app, context };
}

function registerChannelApiHooks(app: FastifyInstance, context: EmulatorContext): void {
  const isChannelApi = (request: FastifyRequest) =>
    request.routeOptions.config?.channelApi === true;

  app.addHook('onRequest', async (request, reply) => {
    if (!isChannelApi(request)) return;
    await applyFault(context, request, reply);
    if (reply.sent) return;
    // Front meters authenticated calls only: a caller without a valid token gets its 401 here and
    // spends no channel's budget. The budget is the token's channel, whatever the path names.
    const claims = await verifyRequestToken(context, request);
    const decision = takeRateLimit(context.rate, {
      key: findChannel(context.state, claims.channelId)?.id ?? claims.channelId,
      now: context.now(),
      limits: context.config.rateLimit,
    });
    reply.headers(decision.headers);
    if (!decision.allowed)
      throw new FrontHttpError(429, 'Rate limit exceeded. Wait for retry-after seconds.');
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    if (isChannelApi(request)) responseBodies.set(request, describePayload(payload));
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!isChannelApi(request)) return;
    appendExchange(context.log, {
      direction: 'from_channel',
      kind: request.routeOptions.url ?? request.url,
      channelId: (request.params as Record<string, string>).channel_id,
      method: request.method,
      url: `${context.baseUrl}${request.url}`,
      requestHeaders: flattenHeaders(request.headers),
      requestBody: request.isMultipart()
        ? '(multipart body)'
        : JSON.stringify(request.body ?? null),
      status: reply.statusCode,
      responseBody: responseBodies.get(request),
      durationMs: Math.round(reply.elapsedTime),
      verdict: tokenVerdicts.get(request) ?? 'token not checked',
      error: undefined,
      repeatOf: undefined,
      at: context.now(),
    });
    notifyChange(context, 'log');
  });
}

async function applyFault(context: EmulatorContext, request: FastifyRequest, reply: FastifyReply) {
  const fault = takeFault(context.faults);
  if (!fault) return;
  if (fault.kind === 'latency') {
    await context.sleep(fault.ms);
  } else if (fault.kind === 'drop') {
    reply.hijack();
    request.raw.socket.destroy();
  } else {
    const headers: Record<string, string> =
      fault.status === 429 ? { 'retry-after': '1', 'x-front-tier': 'burst' } : {};
    throw new FrontHttpError(fault.status, 'Injected fault.', { headers });
  }
}

function sendError(context: EmulatorContext, error: FastifyError, reply: FastifyReply) {
  if (error instanceof FrontHttpError) {
    return reply
      .code(error.status)
      .headers(error.headers)
      .send(buildFrontError(error.status, error.message, error.details));
  }
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) context.logger.error({ code: error.code }, 'request failed');
  return reply.code(status).send(buildFrontError(status, describeFastifyError(error, status)));
}

function describeFastifyError(error: FastifyError, status: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty; send a JSON object.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The body is not valid JSON.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The body is too large.';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'Content-Length does not match the body.';
  }
  if (error instanceof SyntaxError) return 'The body is not valid JSON.';
  return status === 500
    ? 'The emulator failed to handle this request.'
    : 'The request is malformed.';
}

function unsupportedMediaType(contentType: string | undefined): FrontHttpError {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.startsWith('multipart/')) {
    return new FrontHttpError(
      400,
      `Content-Type ${type} is not multipart/form-data; check the spelling.`,
    );
  }
  return new FrontHttpError(
    415,
    `Content-Type ${type || '(none)'} is not supported; send application/json or multipart/form-data.`,
  );
}

function describePayload(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return `(${payload.length} bytes)`;
  return payload === null || payload === undefined ? '' : '(stream)';
}

function flattenHeaders(headers: FastifyRequest['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
