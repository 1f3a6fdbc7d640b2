import {
  ConfigError,
  FrontbridgeError,
  SignatureVerificationError,
  ValidationError,
} from './errors.ts';
import {
  type AuthorizationEvent,
  type AutoReplyEvent,
  type DeleteEvent,
  type FrontEvent,
  type ListAddressesEvent,
  type MessageEvent,
  type MessageImportedEvent,
  parseFrontEvent,
  type UnknownEvent,
} from './front-event.ts';
import {
  type AuthorizationResponse,
  type BadRequestResponse,
  buildBadRequestResponse,
  type MessageResponse,
} from './front-responses.ts';
import { verifyFrontRequest } from './verify-front-request.ts';

/** Default cap on a webhook body: Front's events are a few kilobytes; attachments come as URLs. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** What a callback may answer: a builder's object (a `bad_request` one is sent with 400), a
 * `Response` of your own, or nothing (200 `{}`). */
// biome-ignore lint/suspicious/noConfusingVoidType: callbacks declared elsewhere as returning void must fit.
export type CallbackResult<Success> = Success | BadRequestResponse | Response | undefined | void;

/** Extra facts about the delivery, given to every callback. */
export interface WebhookContext {
  /** The original request (its body is already read). */
  request: Request;
  /** The body exactly as received. */
  rawBody: Uint8Array;
}

type Callback<Event, Success> = (
  event: Event,
  context: WebhookContext,
) => CallbackResult<Success> | Promise<CallbackResult<Success>>;

/** `list_addresses` answer (voice channels). */
export interface ListAddressesResponse {
  type: 'success';
  addresses: Array<{ address: string; name?: string }>;
  pagination?: { next_page_token?: string };
}

/** One callback per event type; a type without a callback is answered 200 `{}`. */
export interface FrontWebhookCallbacks {
  authorization?: Callback<AuthorizationEvent, AuthorizationResponse>;
  message?: Callback<MessageEvent, MessageResponse>;
  message_autoreply?: Callback<AutoReplyEvent, MessageResponse>;
  message_imported?: Callback<MessageImportedEvent, Record<string, never>>;
  delete?: Callback<DeleteEvent, Record<string, never>>;
  list_addresses?: Callback<ListAddressesEvent, ListAddressesResponse>;
  unknown?: Callback<UnknownEvent, Record<string, never>>;
}

/** Options of {@link createFrontWebhookHandler}. */
export interface FrontWebhookHandlerOptions {
  /** The app secret, or several during a rotation. */
  secret: string | readonly string[];
  /** Your callbacks. */
  on: FrontWebhookCallbacks;
  /** Bodies above this get 413; default 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** Signature freshness window either way; default 5 minutes. */
  toleranceMs?: number | undefined;
  /** Clock in epoch milliseconds; default `Date.now`. */
  now?: (() => number) | undefined;
  /** Sees every rejected or failed delivery (log `error.code` here; never the body). */
  onError?: ((error: unknown, request: Request) => void) | undefined;
}

/** A Fetch handler, carrying its body limit for the Node adapter. */
export type FrontWebhookHandler = ((request: Request) => Promise<Response>) & {
  readonly maxBodyBytes: number;
};

/**
 * Builds a framework-agnostic handler (Fetch `Request` in, `Response` out) that reads the raw body
 * within a size limit, verifies Front's signature, parses the event and calls your callback.
 * Answers: 413 too large, 401 bad signature, 400 invalid event, 200 `{}` for unknown types, 500
 * when a callback throws.
 *
 * @throws {ConfigError} at once when the secret is missing or `maxBodyBytes` is not a positive
 *   whole number.
 * @example
 * const handler = createFrontWebhookHandler({
 *   secret: process.env.FRONT_APP_SECRET!,
 *   on: { message: async (event) => buildMessageResponse(await deliver(event.payload)) },
 * });
 */
export function createFrontWebhookHandler(
  options: FrontWebhookHandlerOptions,
): FrontWebhookHandler {
  checkHandlerOptions(options);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const handle = async (request: Request): Promise<Response> => {
    try {
      return await handleDelivery(options, maxBodyBytes, request);
    } catch (error) {
      options.onError?.(error, request);
      return errorResponse(error);
    }
  };
  return Object.assign(handle, { maxBodyBytes });
}

/** The request body was larger than the handler accepts. */
export class PayloadTooLargeError extends FrontbridgeError {
  override name = 'PayloadTooLargeError';

  constructor(limit: number) {
    super('payload_too_large', `The request body is larger than ${limit} bytes.`);
  }
}

function checkHandlerOptions(options: FrontWebhookHandlerOptions): void {
  const secrets = typeof options?.secret === 'string' ? [options.secret] : (options?.secret ?? []);
  if (!secrets.some((secret) => typeof secret === 'string' && secret.length > 0)) {
    throw new ConfigError(
      'createFrontWebhookHandler needs the app secret (a non-empty string or list).',
    );
  }
  const limit = options.maxBodyBytes;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new ConfigError('maxBodyBytes must be a positive whole number.');
  }
}

async function handleDelivery(
  options: FrontWebhookHandlerOptions,
  maxBodyBytes: number,
  request: Request,
): Promise<Response> {
  const rawBody = await readBody(request, maxBodyBytes);
  await verifyFrontRequest({
    rawBody,
    headers: request.headers,
    secret: options.secret,
    method: request.method,
    ...(options.now ? { now: options.now() } : {}),
    ...(options.toleranceMs === undefined ? {} : { toleranceMs: options.toleranceMs }),
  });

  const event = parseDelivery(rawBody, request.method);
  const callback = options.on[event.type] as Callback<FrontEvent, unknown> | undefined;
  const result = callback ? await callback(event, { request, rawBody }) : undefined;
  return toResponse(result);
}

// The 2019 docs describe `delete` as a bare DELETE without body; treat an empty one as that event.
function parseDelivery(rawBody: Uint8Array, method: string): FrontEvent {
  if (rawBody.byteLength === 0 && method.toUpperCase() === 'DELETE') {
    return parseFrontEvent({ type: 'delete', payload: {} });
  }
  return parseFrontEvent(rawBody);
}

/**
 * Reads a Fetch body into bytes, stopping as soon as it passes `limit` (a declared
 * `Content-Length` over the limit is refused before reading anything).
 *
 * @throws {PayloadTooLargeError}
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(limit);
  if (!request.body) return new Uint8Array(0);

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function toResponse(result: unknown): Response {
  if (result instanceof Response) return result;
  if (result === undefined || result === null) return Response.json({});
  const badRequest = (result as { type?: unknown }).type === 'bad_request';
  return Response.json(result, { status: badRequest ? 400 : 200 });
}

function errorResponse(error: unknown): Response {
  if (error instanceof PayloadTooLargeError) {
    return Response.json({ error: 'payload_too_large' }, { status: 413 });
  }
  if (error instanceof SignatureVerificationError) {
    return Response.json({ error: 'invalid_signature' }, { status: 401 });
  }
  if (error instanceof ValidationError) {
    // The message lists field paths and problems only, never values from the body.
    return Response.json(buildBadRequestResponse(error.message.slice(0, 500)), { status: 400 });
  }
  return Response.json({ error: 'internal_error' }, { status: 500 });
}
