import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createHttpConnector, type Delivery, type DeliveryContext } from '../../src/index.ts';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const delivery = {
  id: 'msg_delivery1',
  attempt: 1,
  payload: { text: 'hi' },
} as unknown as Delivery;

interface Answer {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
  body?: string;
}

// A real loopback receiver: each test sets how it answers and reads what it saw.
let answer: Answer = { status: 204 };
const seen: Array<{
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  remotePort: number;
}> = [];
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    seen.push({
      url: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      remotePort: request.socket.remotePort ?? 0,
    });
    const { status, headers = {}, delayMs = 0, body } = answer;
    setTimeout(() => response.writeHead(status, headers).end(body), delayMs).unref();
  });
});
let baseUrl = '';

function contextWith(deliverUrl: string | null = `${baseUrl}/hooks`): DeliveryContext {
  return {
    account: { id: 'acc_1', name: 'acme', deliverUrl, signingSecret: SECRET },
    fetch: () => Promise.reject(new Error('the http connector does not use fetch')),
    now: Date.now,
    timeoutMs: 300,
  };
}

describe('http connector', () => {
  before(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  after(() => {
    receiver.closeAllConnections();
    receiver.close();
  });

  it('posts the delivery signed with Standard Webhooks under the delivery id', async () => {
    answer = { status: 204 };
    seen.length = 0;
    const outcome = await createHttpConnector().deliver(delivery, contextWith());
    assert.deepEqual(outcome, { outcome: 'delivered' });
    const [request] = seen;
    assert.ok(request);
    assert.equal(request.headers['webhook-id'], 'msg_delivery1');
    assert.equal(request.headers['content-type'], 'application/json');
    const headers = request.headers as Record<string, string>;
    assert.deepEqual(new Webhook(SECRET).verify(request.body, headers), { text: 'hi' });
  });

  it("keeps the deliver URL's path, query and credentials on every attempt", async () => {
    answer = { status: 200 };
    seen.length = 0;
    const connector = createHttpConnector();
    const url = `http://bot:s3cret@${baseUrl.slice('http://'.length)}/in/frontbridge?tenant=7`;
    for (let index = 0; index < 2; index++) {
      assert.equal((await connector.deliver(delivery, contextWith(url))).outcome, 'delivered');
    }
    assert.deepEqual(
      seen.map((request) => [request.url, request.headers.authorization]),
      Array(2).fill([
        '/in/frontbridge?tenant=7',
        `Basic ${Buffer.from('bot:s3cret').toString('base64')}`,
      ]),
    );
  });

  it('reuses one kept-alive connection for consecutive deliveries', async () => {
    answer = { status: 200, body: 'a body the connector drains' };
    seen.length = 0;
    const connector = createHttpConnector();
    for (let index = 0; index < 3; index++) {
      assert.equal((await connector.deliver(delivery, contextWith())).outcome, 'delivered');
    }
    assert.equal(new Set(seen.map((request) => request.remotePort)).size, 1);
  });

  it('retries 5xx, 408 and 429 (with Retry-After) and fails other 4xx', async () => {
    const connector = createHttpConnector();
    const outcomeFor = async (status: number, headers: Record<string, string> = {}) => {
      answer = { status, headers };
      return connector.deliver(delivery, contextWith());
    };
    assert.equal((await outcomeFor(503)).outcome, 'retry');
    assert.equal((await outcomeFor(408)).outcome, 'retry');
    assert.deepEqual(await outcomeFor(429, { 'retry-after': '7' }), {
      outcome: 'retry',
      reason: 'Receiver answered 429',
      retryAfterMs: 7000,
    });
    assert.deepEqual(await outcomeFor(410), {
      outcome: 'failed',
      reason: 'Receiver answered 410',
    });
  });

  it('retries a receiver slower than the timeout, or unreachable; fails without a deliver URL', async () => {
    answer = { status: 200, delayMs: 2000 };
    assert.deepEqual(await createHttpConnector().deliver(delivery, contextWith()), {
      outcome: 'retry',
      reason: 'Receiver timed out',
    });

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    assert.deepEqual(
      await createHttpConnector().deliver(delivery, contextWith(`http://127.0.0.1:${port}/`)),
      { outcome: 'retry', reason: 'Receiver unreachable' },
    );

    assert.equal(
      (await createHttpConnector().deliver(delivery, contextWith(null))).outcome,
      'failed',
    );
    assert.equal(
      (await createHttpConnector().deliver(delivery, contextWith('ftp://127.0.0.1/'))).outcome,
      'failed',
    );
  });
});
