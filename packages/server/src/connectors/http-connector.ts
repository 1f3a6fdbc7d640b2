import { Webhook } from 'standardwebhooks';
import type { Connector, Delivery, DeliveryContext, DeliveryOutcome } from './connector.ts';
import {
  assertDeliverUrlAllowed,
  type DeliverUrlPolicy,
  type HostLookup,
} from './deliver-url-policy.ts';

// 408 and 429 ask to come back later; 5xx is the receiver's own trouble. Other 4xx answers are
// final: the receiver looked at the message and refused it.
const RETRIED_STATUSES = new Set([408, 429]);

/**
 * The built-in connector: POSTs the delivery as JSON to the account's deliver URL, signed with
 * the Standard Webhooks scheme (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
 */
export function createHttpConnector(
  options: { urlPolicy?: DeliverUrlPolicy; lookup?: HostLookup } = {},
): Connector {
  return {
    deliver: async (delivery, context) => {
      const url = context.account.deliverUrl;
      if (!url) return { outcome: 'failed', reason: 'The account has no deliver URL' };
      // Checked after DNS resolution on every attempt: a name may be re-pointed at 127.0.0.1.
      const refusal = options.urlPolicy
        ? await assertDeliverUrlAllowed(url, options.urlPolicy, options.lookup).then(
            () => undefined,
            (error: Error) => error.message,
          )
        : undefined;
      if (refusal) return { outcome: 'failed', reason: refusal };
      return deliverOverHttp(delivery, context, url);
    },
  };
}

async function deliverOverHttp(
  delivery: Delivery,
  context: DeliveryContext,
  url: string,
): Promise<DeliveryOutcome> {
  const body = JSON.stringify(delivery.payload);
  const sentAt = new Date(context.now());
  const signature = new Webhook(context.account.signingSecret).sign(delivery.id, sentAt, body);
  const headers = {
    'content-type': 'application/json',
    'webhook-id': delivery.id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': signature,
  };

  let response: Response;
  try {
    const signal = AbortSignal.timeout(context.timeoutMs);
    response = await context.fetch(url, { method: 'POST', headers, body, signal });
    await response.body?.cancel();
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return { outcome: 'retry', reason: timedOut ? 'Receiver timed out' : 'Receiver unreachable' };
  }
  return outcomeOf(response);
}

function outcomeOf(response: Response): DeliveryOutcome {
  if (response.ok) return { outcome: 'delivered' };
  const reason = `Receiver answered ${response.status}`;
  if (response.status >= 500 || RETRIED_STATUSES.has(response.status)) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return retryAfterMs === undefined
      ? { outcome: 'retry', reason }
      : { outcome: 'retry', reason, retryAfterMs };
  }
  return { outcome: 'failed', reason };
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
