import type {
  RequestHookEvent,
  ResponseHookEvent,
  RetryHookEvent,
  RetryReason,
} from './channel-api-types.ts';
import type { ChannelPacer } from './channel-pacer.ts';
import { createChannelToken } from './create-channel-token.ts';
import { ApiError, NetworkError, RateLimitError, TimeoutError } from './errors.ts';
import { parseRetryAfter } from './parse-retry-after.ts';
import { computeBackoffMs } from './retry-timing.ts';

/** One Channel API call, ready to send (the body is reused unchanged by every attempt). */
export interface ChannelRequest {
  channelId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  body?: string | FormData;
  signal?: AbortSignal | undefined;
}

/** An HTTP answer with a 2xx status. */
export interface ChannelResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/** Everything the sender needs; the client fills it from its options. */
export interface SenderSettings {
  appUid: string;
  appSecret: string;
  tokenTtlSeconds: number | undefined;
  fetch: typeof globalThis.fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  maxAttempts: number;
  timeoutMs: number;
  maxRetryAfterMs: number;
  pacer: ChannelPacer;
  onRequest: ((event: RequestHookEvent) => void) | undefined;
  onResponse: ((event: ResponseHookEvent) => void) | undefined;
  onRetry: ((event: RetryHookEvent) => void) | undefined;
}

type Outcome =
  | { done: true; response: ChannelResponse }
  | { done: false; error: Error; reason: RetryReason; delayMs: number; status?: number };

/**
 * Sends a request with Front's retry rules: 429 waits `Retry-After` (or backs off), 5xx, timeouts
 * and dropped connections back off and retry with the same body, other 4xx fail at once. Every
 * attempt is paced per channel and carries a freshly minted token.
 */
export async function sendWithRetries(
  settings: SenderSettings,
  request: ChannelRequest,
): Promise<ChannelResponse> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(settings, request, attempt);
    if (outcome.done) return outcome.response;
    // Waiting out a long Retry-After would hold the caller for minutes: fail fast instead.
    const tooLong = outcome.reason === 'rate_limited' && outcome.delayMs > settings.maxRetryAfterMs;
    if (attempt >= settings.maxAttempts || tooLong) throw outcome.error;

    const base = hookBase(request, attempt);
    callHook(settings.onRetry, {
      ...base,
      reason: outcome.reason,
      delayMs: outcome.delayMs,
      status: outcome.status,
    });
    await sleepUnlessAborted(settings.sleep(outcome.delayMs), request.signal);
  }
}

// A caller who aborts should not sit out a 30-second backoff first.
async function sleepUnlessAborted(sleeping: Promise<void>, signal: AbortSignal | undefined) {
  if (!signal) return sleeping;
  signal.throwIfAborted();
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleeping, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

async function attemptOnce(
  settings: SenderSettings,
  request: ChannelRequest,
  attempt: number,
): Promise<Outcome> {
  await settings.pacer.acquire(request.channelId);
  request.signal?.throwIfAborted();
  callHook(settings.onRequest, hookBase(request, attempt));
  const token = await createChannelToken({
    appUid: settings.appUid,
    appSecret: settings.appSecret,
    channelId: request.channelId,
    now: settings.now(),
    ...(settings.tokenTtlSeconds === undefined ? {} : { ttlSeconds: settings.tokenTtlSeconds }),
  });

  const started = settings.now();
  const exchange = await exchangeOnce(settings, request, token);
  if ('failure' in exchange) return retryAfterFailure(settings, request, attempt, exchange);

  const { response } = exchange;
  callHook(settings.onResponse, {
    ...hookBase(request, attempt),
    status: response.status,
    durationMs: settings.now() - started,
    requestId: response.headers.get('x-request-id') ?? undefined,
  });
  return classifyResponse(settings, request, attempt, response);
}

type Failure = { failure: 'timeout' | 'network'; cause: unknown };
type Exchange = { response: ChannelResponse } | Failure;

async function exchangeOnce(
  settings: SenderSettings,
  request: ChannelRequest,
  token: string,
): Promise<Exchange> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), settings.timeoutMs);
  const signal = request.signal
    ? AbortSignal.any([request.signal, timeout.signal])
    : timeout.signal;
  try {
    const response = await settings.fetch(request.url, {
      method: request.method,
      headers: requestHeaders(token, request.body),
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
    });
    const body = new Uint8Array(await response.arrayBuffer());
    return { response: { status: response.status, headers: response.headers, body } };
  } catch (cause) {
    // The caller's own abort is not a failure to retry: it ends the call with the caller's reason.
    request.signal?.throwIfAborted();
    return { failure: timeout.signal.aborted ? 'timeout' : 'network', cause };
  } finally {
    clearTimeout(timer);
  }
}

function retryAfterFailure(
  settings: SenderSettings,
  request: ChannelRequest,
  attempt: number,
  { failure: kind, cause }: Failure,
): Outcome {
  const where = `${request.method} ${request.url}`;
  const error =
    kind === 'timeout'
      ? new TimeoutError(`No answer within ${settings.timeoutMs} ms to ${where}.`, { cause })
      : new NetworkError(`The connection failed during ${where}: ${describeCause(cause)}.`, {
          cause,
        });
  const delayMs = computeBackoffMs({ attempt, random: settings.random() });
  return { done: false, error, reason: kind === 'timeout' ? 'timeout' : 'network_error', delayMs };
}

function classifyResponse(
  settings: SenderSettings,
  request: ChannelRequest,
  attempt: number,
  response: ChannelResponse,
): Outcome {
  if (response.status >= 200 && response.status < 300) return { done: true, response };

  const details = {
    status: response.status,
    method: request.method,
    url: request.url,
    body: decodeErrorBody(response.body),
    requestId: response.headers.get('x-request-id') ?? undefined,
  };
  if (response.status === 429) {
    const advised = parseRetryAfter(response.headers.get('retry-after'), settings.now());
    const delayMs = advised ?? computeBackoffMs({ attempt, random: settings.random() });
    const error = new RateLimitError({ ...details, retryAfterMs: delayMs });
    return { done: false, error, reason: 'rate_limited', delayMs, status: 429 };
  }
  if (response.status >= 500) {
    const delayMs = computeBackoffMs({ attempt, random: settings.random() });
    return {
      done: false,
      error: new ApiError(details),
      reason: 'server_error',
      delayMs,
      status: response.status,
    };
  }
  throw new ApiError(details);
}

function requestHeaders(
  token: string,
  body: string | FormData | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: 'application/json',
  };
  // A FormData body gets its Content-Type (with the boundary) from the encoder, never from us.
  if (typeof body === 'string') headers['content-type'] = 'application/json';
  return headers;
}

/** Front's `_error` JSON when there is one, else the text (cut short), else nothing. */
export function decodeErrorBody(body: Uint8Array): unknown {
  const text = new TextDecoder().decode(body);
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 500);
  }
}

function hookBase(request: ChannelRequest, attempt: number): RequestHookEvent {
  return { method: request.method, url: request.url, channelId: request.channelId, attempt };
}

function callHook<Event>(hook: ((event: Event) => void) | undefined, event: Event): void {
  if (!hook) return;
  try {
    hook(event);
  } catch (error) {
    // A broken hook must not break the request it observes; make it visible once per failure.
    process.emitWarning(`A Channel API hook threw: ${describeCause(error)}`, 'FrontbridgeWarning');
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
  return `${cause.message}${inner}`;
}
