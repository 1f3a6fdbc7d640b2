import { isValidFrontRequest, signFrontRequest } from '@frontbridge/sdk';
import { type EmulatorContext, notifyChange } from './emulator-context.ts';
import type { EmulatorChannel } from './emulator-state.ts';
import { appendExchange, type ExchangeEntry } from './exchange-log.ts';

/** One signed request to a channel, ready to send (and to send again, byte for byte). */
export interface OutgoingRequest {
  kind: string;
  channelId: string | undefined;
  method: 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** How one attempt went. `timedOut` means no complete answer arrived within the deadline. */
export interface WebhookOutcome {
  entry: ExchangeEntry;
  status: number | undefined;
  text: string | undefined;
  timedOut: boolean;
  error: string | undefined;
  durationMs: number;
}

/**
 * Builds a signed event request the way Front sends it: a compact `JSON.stringify` body, a
 * millisecond timestamp, base64 HMAC-SHA256 with the app secret, and the channel's API token.
 */
export function buildEventRequest(
  context: EmulatorContext,
  target: {
    channel: Pick<EmulatorChannel, 'id' | 'token'>;
    url: string;
    method?: 'POST' | 'DELETE';
  },
  event: { type: string; payload: unknown; metadata?: unknown },
): OutgoingRequest {
  const method = target.method ?? 'POST';
  const body = JSON.stringify(event);
  const unsignedBody =
    method === 'DELETE' && context.config.deleteSignatureMode === 'undefined' ? 'undefined' : body;
  const signature = signFrontRequest({
    body: unsignedBody,
    secret: context.config.appSecret,
    timestamp: context.now(),
  });
  return {
    kind: event.type,
    channelId: target.channel.id,
    method,
    url: target.url,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${target.channel.token}`,
      ...signature,
    },
    body,
  };
}

/**
 * Sends an event and waits at most the response deadline. With `redeliverOnTimeout`, a timed-out
 * request goes out once more unchanged, as a retrying Front would, and that answer counts.
 */
export async function deliverEvent(
  context: EmulatorContext,
  request: OutgoingRequest,
): Promise<WebhookOutcome> {
  const first = await sendOnce(context, request, undefined);
  if (!first.timedOut || !context.config.redeliverOnTimeout) return first;
  return sendOnce(context, request, first.entry.n);
}

/** Sends a request once, records it in the exchange log and never throws. */
export async function sendOnce(
  context: EmulatorContext,
  request: OutgoingRequest,
  repeatOf: number | undefined,
): Promise<WebhookOutcome> {
  const started = context.now();
  const clockStart = performance.now();
  const result = await fetchWithDeadline(context, request);
  const durationMs = Math.round(performance.now() - clockStart);

  const entry = appendExchange(context.log, {
    direction: 'to_channel',
    kind: request.kind,
    channelId: request.channelId,
    method: request.method,
    url: request.url,
    requestHeaders: request.headers,
    requestBody: request.body,
    status: result.status,
    responseBody: result.text,
    durationMs,
    verdict: await signatureVerdict(context, request),
    error: result.error,
    repeatOf,
    at: started,
  });
  context.logger.info(
    { kind: request.kind, channelId: request.channelId, status: result.status, durationMs },
    'event delivered',
  );
  notifyChange(context, 'log');
  return { entry, durationMs, ...result };
}

async function fetchWithDeadline(context: EmulatorContext, request: OutgoingRequest) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), context.config.responseDeadlineMs);
  try {
    const response = await context.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
      redirect: 'manual',
    });
    const text = await response.text();
    return { status: response.status, text, timedOut: false, error: undefined };
  } catch (error) {
    const timedOut = controller.signal.aborted;
    const message = timedOut
      ? `no answer within ${context.config.responseDeadlineMs} ms`
      : describeNetworkError(error);
    return { status: undefined, text: undefined, timedOut, error: message };
  } finally {
    clearTimeout(timer);
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `could not reach the channel: ${cause?.code ?? cause?.message ?? String(error)}`;
}

async function signatureVerdict(context: EmulatorContext, request: OutgoingRequest) {
  const valid = await isValidFrontRequest({
    rawBody: request.body,
    headers: request.headers,
    secret: context.config.appSecret,
    method: request.method,
    now: Number(request.headers['x-front-request-timestamp']),
  });
  return valid ? 'signature valid' : 'signature invalid';
}
