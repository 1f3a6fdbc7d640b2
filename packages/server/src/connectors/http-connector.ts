import { createHmac } from 'node:crypto';
import {
  type Agent,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { urlToHttpOptions } from 'node:url';
import type { Connector, Delivery, DeliveryContext, DeliveryOutcome } from './connector.ts';
import {
  assertDeliverUrlAllowed,
  type DeliverUrlPolicy,
  type HostLookup,
} from './deliver-url-policy.ts';

// 408 and 429 ask to come back later; 5xx is the receiver's own trouble. Other 4xx answers are
// final: the receiver looked at the message and refused it.
const RETRIED_STATUSES = new Set([408, 429]);
// Idle connections are closed before the usual 5 s keep-alive of a Node receiver closes them
// from its end, so a delivery rarely lands on a socket that is being shut.
const IDLE_SOCKET_MS = 4000;
const MAX_SOCKETS_PER_HOST = 64;

export interface HttpConnectorOptions {
  /** Which hosts deliver URLs may point at; checked before every attempt. Unset: any host. */
  urlPolicy?: DeliverUrlPolicy;
  /** Resolves host names for the policy check (injected in tests). */
  lookup?: HostLookup;
}

/**
 * The built-in connector: POSTs the delivery as JSON to the account's deliver URL, signed with
 * the Standard Webhooks scheme (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
 *
 * Connections are kept alive and reused. When a URL policy is set, the host is resolved once per
 * attempt, every address is checked, and the connection is made to one of exactly those
 * addresses: a name cannot be re-pointed at 127.0.0.1 between the check and the connect.
 */
export function createHttpConnector(options: HttpConnectorOptions = {}): Connector {
  const kept = { keepAlive: true, timeout: IDLE_SOCKET_MS, maxSockets: MAX_SOCKETS_PER_HOST };
  const agents = { 'http:': new HttpAgent(kept), 'https:': new HttpsAgent(kept) };
  const targets = new ParsedUrls();
  return {
    deliver: async (delivery, context) => {
      const url = context.account.deliverUrl;
      if (!url) return { outcome: 'failed', reason: 'The account has no deliver URL' };
      let pinned: string[] | undefined;
      try {
        pinned = options.urlPolicy
          ? await assertDeliverUrlAllowed(url, options.urlPolicy, options.lookup)
          : undefined;
      } catch (error) {
        return { outcome: 'failed', reason: (error as Error).message };
      }
      const target = targets.get(url);
      const agent =
        target.url.protocol === 'https:'
          ? agents['https:']
          : target.url.protocol === 'http:'
            ? agents['http:']
            : undefined;
      if (!agent) return { outcome: 'failed', reason: 'The deliver URL is not http or https' };
      return post(target, agent, pinned, delivery, context);
    },
  };
}

interface Target {
  url: URL;
  requestOptions: ReturnType<typeof urlToHttpOptions>;
}

// Every delivery of an account goes to the same URL: parse it (and its request options) once.
class ParsedUrls {
  static readonly MAX = 1000;
  readonly #parsed = new Map<string, Target>();

  get(url: string): Target {
    let target = this.#parsed.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { url: parsed, requestOptions: urlToHttpOptions(parsed) };
      if (this.#parsed.size >= ParsedUrls.MAX) this.#parsed.clear();
      this.#parsed.set(url, target);
    }
    return target;
  }
}

function post(
  target: Target,
  agent: Agent,
  pinned: string[] | undefined,
  delivery: Delivery,
  context: DeliveryContext,
): Promise<DeliveryOutcome> {
  const body = JSON.stringify(delivery.payload);
  const timestamp = String(Math.floor(context.now() / 1000));
  const headers = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'webhook-id': delivery.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signStandardWebhook(
      context.account.signingSecret,
      `${delivery.id}.${timestamp}.${body}`,
    ),
  };
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve) => {
    let timedOut = false;
    const outgoing = send(
      {
        ...target.requestOptions,
        method: 'POST',
        agent,
        headers,
        ...(pinned && !isIP(target.url.hostname) ? { lookup: pinnedLookup(pinned) } : {}),
      },
      (response) => {
        clearTimeout(timer);
        // The answer is the status; the body is drained so the connection can be reused.
        response.on('error', () => {});
        response.resume();
        resolve(outcomeOf(response));
      },
    );
    // The whole attempt, from connecting to the status line, within the timeout.
    const timer = setTimeout(() => {
      timedOut = true;
      outgoing.destroy(new Error('Receiver timed out'));
    }, context.timeoutMs);
    outgoing.on('error', () => {
      clearTimeout(timer);
      resolve({
        outcome: 'retry',
        reason: timedOut ? 'Receiver timed out' : 'Receiver unreachable',
      });
    });
    outgoing.end(body);
  });
}

/**
 * The Standard Webhooks `v1` signature: HMAC-SHA256 with the secret's base64 bytes (after its
 * `whsec_` prefix) over `id.timestamp.body`. Node's own HMAC, about ten times faster than the
 * reference library's JavaScript one; the tests check every signature with that library.
 */
export function signStandardWebhook(secret: string, content: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
}

/** A `lookup` that answers with the addresses the policy already checked, never asking DNS again. */
function pinnedLookup(addresses: string[]): LookupFunction {
  const entries = addresses.map((address) => ({ address, family: isIP(address) }));
  return (_hostname, options, callback) => {
    const wanted = entries.filter((entry) => !options.family || entry.family === options.family);
    const usable = wanted.length > 0 ? wanted : entries;
    if (options.all) {
      (callback as unknown as (error: null, all: typeof entries) => void)(null, usable);
      return;
    }
    const [first] = usable;
    callback(null, first?.address ?? '', first?.family ?? 4);
  };
}

function outcomeOf(response: IncomingMessage): DeliveryOutcome {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return { outcome: 'delivered' };
  const reason = `Receiver answered ${status}`;
  if (status >= 500 || RETRIED_STATUSES.has(status)) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return retryAfterMs === undefined
      ? { outcome: 'retry', reason }
      : { outcome: 'retry', reason, retryAfterMs };
  }
  return { outcome: 'failed', reason };
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
