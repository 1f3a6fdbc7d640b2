import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DEFAULT_MAX_BODY_BYTES,
  type FrontWebhookHandler,
  PayloadTooLargeError,
} from './create-front-webhook-handler.ts';

/** A `node:http` request handler, also usable as Express middleware. */
export type NodeMiddleware = (request: IncomingMessage, response: ServerResponse) => void;

/** Options of {@link createNodeMiddleware}. */
export interface NodeMiddlewareOptions {
  /** Overrides the handler's body limit. */
  maxBodyBytes?: number;
}

/**
 * Adapts a Fetch handler to `node:http`: captures the raw body while it streams in (413 as soon
 * as it passes the limit), builds a Fetch `Request` and writes the `Response` back. When a
 * framework already read the body as bytes (`express.raw()`), `request.body` is used instead.
 *
 * @example
 * createServer(createNodeMiddleware(handler)).listen(3000);
 */
export function createNodeMiddleware(
  handler: FrontWebhookHandler | ((request: Request) => Promise<Response>),
  options: NodeMiddlewareOptions = {},
): NodeMiddleware {
  const limit =
    options.maxBodyBytes ??
    (handler as Partial<FrontWebhookHandler>).maxBodyBytes ??
    DEFAULT_MAX_BODY_BYTES;
  return (request, response) => {
    serve(handler, limit, request, response).catch((error: unknown) => {
      // Only reachable when the socket broke mid-answer; there is nobody left to answer.
      response.destroy(error instanceof Error ? error : undefined);
    });
  };
}

async function serve(
  handler: (request: Request) => Promise<Response>,
  limit: number,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  let body: Uint8Array;
  try {
    body = await captureBody(request, limit);
  } catch (error) {
    const tooLarge = error instanceof PayloadTooLargeError;
    // Closing the connection stops a client that keeps streaming past the limit.
    response.setHeader('connection', 'close');
    await writeResponse(
      response,
      Response.json(
        { error: tooLarge ? 'payload_too_large' : 'raw_body_unavailable' },
        { status: tooLarge ? 413 : 500 },
      ),
    );
    return;
  }
  await writeResponse(response, await handler(toFetchRequest(request, body)));
}

/**
 * Collects the body of a Node request, or takes the bytes a framework already captured.
 *
 * @throws {PayloadTooLargeError} once more than `limit` bytes arrived.
 * @throws {Error} when a body parser consumed the stream and kept only a parsed object.
 */
export function captureBody(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  const captured = (request as IncomingMessage & { body?: unknown }).body;
  if (captured instanceof Uint8Array || typeof captured === 'string') {
    const bytes = typeof captured === 'string' ? Buffer.from(captured) : captured;
    return bytes.byteLength > limit
      ? Promise.reject(new PayloadTooLargeError(limit))
      : Promise.resolve(bytes);
  }
  if (request.readableEnded) {
    return Promise.reject(
      new Error('The body was consumed by a parser; mount the handler before it.'),
    );
  }
  return streamBody(request, limit);
}

function streamBody(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      request.resume();
      reject(new PayloadTooLargeError(limit));
      return;
    }
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        // Stop buffering but keep draining, so the 413 can still be written on this socket.
        request.removeAllListeners('data');
        request.resume();
        reject(new PayloadTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks, size)));
    request.on('error', reject);
  });
}

function toFetchRequest(request: IncomingMessage, body: Uint8Array): Request {
  const host = request.headers.host ?? '127.0.0.1';
  const url = new URL(request.url ?? '/', `http://${host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = request.method ?? 'POST';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    ...(hasBody ? { body: body as Uint8Array<ArrayBuffer> } : {}),
  });
}

async function writeResponse(response: ServerResponse, answer: Response): Promise<void> {
  const body = Buffer.from(await answer.arrayBuffer());
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers['content-length'] = String(body.byteLength);
  response.writeHead(answer.status, headers);
  response.end(body);
}
