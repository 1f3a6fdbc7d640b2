import { ValidationError } from '@frontbridge/sdk';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { HttpError } from './http-error.ts';

/**
 * The one place errors become answers: our REST API gets `{ error: { code, message } }`, Front's
 * routes get Front's `{ type: 'bad_request', message }`. Never a stack trace.
 */
export function createErrorHandler(logger: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, code, message } = describe(error);
    if (status >= 500) {
      logger.error(
        { err: { name: error.name, message: error.message }, route: request.routeOptions.url },
        'request failed',
      );
    }
    if (request.url.startsWith('/front')) {
      return reply.code(status).send({ type: 'bad_request', message });
    }
    return reply.code(status).send({ error: { code, message } });
  };
}

function describe(error: FastifyError): { status: number; code: string; message: string } {
  if (error instanceof HttpError) {
    return { status: error.status, code: error.code, message: error.message };
  }
  if (error instanceof ValidationError) {
    return { status: 400, code: 'invalid_request', message: error.message };
  }
  if (isStorageUnavailable(error)) {
    // The database cannot take the write right now (disk full, locked, I/O): nothing was stored,
    // and the sender should try again later.
    return {
      status: 503,
      code: 'unavailable',
      message: 'Storage is unavailable; try again later.',
    };
  }
  const status = error.statusCode ?? 500;
  if (status === 413) {
    return { status, code: 'payload_too_large', message: 'The request body is too large.' };
  }
  if (status >= 400 && status < 500) {
    return { status, code: 'bad_request', message: 'The request is malformed.' };
  }
  return { status: 500, code: 'internal_error', message: 'Something went wrong on our side.' };
}

const UNAVAILABLE_CODES =
  /^(SQLITE_(FULL|BUSY|IOERR|LOCKED|READONLY)|ECONNREFUSED|ECONNRESET|57P0[123]|08\d{3}|53\d{3})/;

function isStorageUnavailable(error: FastifyError): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && UNAVAILABLE_CODES.test(code);
}
