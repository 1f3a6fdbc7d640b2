import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createHttpConnector, type Delivery, type DeliveryContext } from '../../src/index.ts';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const delivery = {
  id: 'msg_delivery1',
  attempt: 1,
  payload: { text: 'hi' },
} as unknown as Delivery;

function contextWith(
  fetch: typeof globalThis.fetch,
  deliverUrl: string | null = 'http://receiver.test/hooks',
): DeliveryContext {
  return {
    account: { id: 'acc_1', name: 'acme', deliverUrl, signingSecret: SECRET },
    fetch,
    now: Date.now,
    timeoutMs: 1000,
  };
}

const answering = (status: number, headers: Record<string, string> = {}) =>
  (async () => new Response(null, { status, headers })) as typeof globalThis.fetch;

describe('http connector', () => {
  it('posts the delivery signed with Standard Webhooks under the delivery id', async () => {
    let seen: { headers: Record<string, string>; body: string } | undefined;
    const fetch = (async (_url: string, init: RequestInit) => {
      seen = { headers: init.headers as Record<string, string>, body: String(init.body) };
      return new Response(null, { status: 204 });
    }) as unknown as typeof globalThis.fetch;

    const outcome = await createHttpConnector().deliver(delivery, contextWith(fetch));
    assert.deepEqual(outcome, { outcome: 'delivered' });
    assert.ok(seen);
    assert.equal(seen.headers['webhook-id'], 'msg_delivery1');
    assert.deepEqual(new Webhook(SECRET).verify(seen.body, seen.headers), { text: 'hi' });
  });

  it('retries 5xx, 408 and 429 (with Retry-After) and fails other 4xx', async () => {
    const connector = createHttpConnector();
    assert.equal((await connector.deliver(delivery, contextWith(answering(503)))).outcome, 'retry');
    assert.equal((await connector.deliver(delivery, contextWith(answering(408)))).outcome, 'retry');
    assert.deepEqual(
      await connector.deliver(delivery, contextWith(answering(429, { 'retry-after': '7' }))),
      {
        outcome: 'retry',
        reason: 'Receiver answered 429',
        retryAfterMs: 7000,
      },
    );
    assert.deepEqual(await connector.deliver(delivery, contextWith(answering(410))), {
      outcome: 'failed',
      reason: 'Receiver answered 410',
    });
  });

  it('retries when the receiver cannot be reached and fails without a deliver URL', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    assert.equal(
      (await createHttpConnector().deliver(delivery, contextWith(refused))).outcome,
      'retry',
    );
    assert.equal(
      (await createHttpConnector().deliver(delivery, contextWith(refused, null))).outcome,
      'failed',
    );
  });
});
