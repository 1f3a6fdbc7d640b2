import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
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
    // A client that hangs up mid-body is no fault of ours, and a slow network does it thousands of
    // times an hour: a debug line, and an answer (which no one reads) that is not a 5xx.
    const aborted = isClientAbort(error, request);
    const { status, code, message } = aborted ? CLIENT_ABORT : describe(error);
    if (aborted) {
      logger.debug({ route: request.routeOptions.url }, 'request aborted by client');
    } else if (status >= 500) {
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

/**
 * Fastify's `clientErrorHandler`: answers, in the REST API's shape, what Node's HTTP parser refuses
 * before there is a request to route (URL and headers past its size limit, a malformed request
 * line, a request too slow to arrive). With no parsed URL to tell Front's routes from ours, every
 * such answer takes the REST API's shape. The connection is closed, as the parser cannot go on.
 */
export function handleClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;

  // A response already under way on this connection would be corrupted by a second status line,
  // so then the connection is only closed (Node's own handler makes the same check).
  const inFlight = (socket as { _httpMessage?: ServerResponse })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const { status, code, message } = describeClientError(error.code);
    const body = JSON.stringify({ error: { code, message } });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}

function describeClientError(code: string | undefined) {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'headers_too_large',
        message: 'The URL and headers are larger than this server accepts.',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        code: 'payload_too_large',
        message: 'The chunk extensions are larger than this server accepts.',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'request_timeout',
        message: 'The request took too long to arrive.',
      };
    default:
      return { status: 400, code: 'bad_request', message: 'The request is malformed.' };
  }
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

const CLIENT_ABORT = {
  status: 400,
  code: 'request_aborted',
  message: 'The connection closed before the request body arrived.',
};

// Node destroys the request stream with this error when the connection closes mid-body. Its code,
// ECONNRESET, would otherwise read as a database that went away.
function isClientAbort(error: FastifyError, request: FastifyRequest): boolean {
  if (error === request.raw.errored) return true;
  return error.code === 'ECONNRESET' && error.message === 'aborted';
}

const UNAVAILABLE_CODES =
  /^(SQLITE_(FULL|BUSY|IOERR|LOCKED|READONLY)|ECONNREFUSED|ECONNRESET|57P0[123]|08\d{3}|53\d{3})/;

function isStorageUnavailable(error: FastifyError): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && UNAVAILABLE_CODES.test(code);
}
