import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { registerApiRoutes } from '../api/api-routes.ts';
import { registerFrontRoutes } from '../front/front-routes.ts';
import type { ServerContext } from '../workers/worker-context.ts';
import { registerAttachmentRoute } from './attachment-route.ts';
import { createErrorHandler, handleClientError } from './error-handler.ts';
import { HttpError } from './http-error.ts';
import { refuseUnread } from './refuse-unread.ts';

const NOT_FOUND = { error: { code: 'not_found', message: 'No such route.' } };

/** The HTTP app: Front routes (raw bodies, signed), the REST API, attachments and operations. */
export async function buildApp(context: ServerContext): Promise<FastifyInstance> {
  const { requestTimeoutMs } = context.config;
  const errorHandler = createErrorHandler(context.logger);
  const app = Fastify({
    // Request logging is ours (fixed phrases, no bodies); Fastify's own would log URLs with tokens.
    logger: false,
    bodyLimit: context.config.bodyLimitBytes,
    // A whole request, headers and body, must arrive within this; Node answers 408 through
    // clientErrorHandler. Fastify's default of 0 would let a stalled body hold memory for ever.
    requestTimeout: requestTimeoutMs,
    http: {
      headersTimeout: Math.min(60_000, requestTimeoutMs),
      // Node looks for expired requests every 30 s by default, which would stretch the timeout
      // by as much; a quarter of it, at most once a second, costs little and overshoots by 25%.
      connectionsCheckingInterval: Math.min(1000, Math.ceil(requestTimeoutMs / 4)),
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // What Node's parser refuses before routing (a 20 kB URL, say) gets our error shape too.
    clientErrorHandler: handleClientError,
    // What the router refuses (broken %-encoding, an over-long path segment) goes through our
    // error handler, not Fastify's own JSON.
    frameworkErrors: (error, request, reply) =>
      errorHandler(describeFrameworkError(error), request, refuseUnread(reply)),
  });
  app.setErrorHandler(errorHandler);
  // Fastify would read and parse the body of a request to no route before its 404; refusing it
  // here keeps an unknown path from making the server hold BODY_LIMIT_BYTES for anyone.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return refuseUnread(reply).code(404).send(NOT_FOUND);
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(NOT_FOUND));

  await app.register(async (scope) => registerFrontRoutes(scope, context));
  await app.register(async (scope) => registerApiRoutes(scope, context));
  registerAttachmentRoute(app, context);
  registerOperationRoutes(app, context);
  return app;
}

function registerOperationRoutes(app: FastifyInstance, context: ServerContext) {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    try {
      await context.store.ping();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database' });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await context.metrics.registry.metrics();
    return reply.header('content-type', context.metrics.registry.contentType).send(body);
  });
}

function describeFrameworkError(error: FastifyError): FastifyError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new HttpError(400, 'bad_request', 'The URL is not validly percent-encoded.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HttpError(
        414,
        'url_too_long',
        'A segment of the URL is longer than this server accepts.',
      );
    default:
      return error;
  }
}
