import Fastify, { type FastifyInstance } from 'fastify';
import { registerApiRoutes } from '../api/api-routes.ts';
import { registerFrontRoutes } from '../front/front-routes.ts';
import type { ServerContext } from '../workers/worker-context.ts';
import { registerAttachmentRoute } from './attachment-route.ts';
import { createErrorHandler, handleClientError } from './error-handler.ts';

/** The HTTP app: Front routes (raw bodies, signed), the REST API, attachments and operations. */
export async function buildApp(context: ServerContext): Promise<FastifyInstance> {
  const app = Fastify({
    // Request logging is ours (fixed phrases, no bodies); Fastify's own would log URLs with tokens.
    logger: false,
    bodyLimit: context.config.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // What Node's parser refuses before routing (a 20 kB URL, say) gets our error shape too.
    clientErrorHandler: handleClientError,
  });
  app.setErrorHandler(createErrorHandler(context.logger));
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: 'No such route.' } }),
  );

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
