import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import {
  buildAuthorizationResponse,
  buildBadRequestResponse,
  buildMessageResponse,
  ConfigError,
  createFrontWebhookHandler,
  createNodeMiddleware,
  type FrontEvent,
  type FrontWebhookHandlerOptions,
} from '../../src/index.ts';
import {
  buildAuthorizationEvent,
  buildAutoReplyEvent,
  buildDeleteEvent,
  buildMessageEvent,
  buildMessageImportedEvent,
  buildSignedRequest,
  signForTesting,
} from '../../src/testing.ts';

const SECRET = 'webhook-secret';
const URL_BASE = 'http://127.0.0.1/front';

function makeHandler(overrides: Partial<FrontWebhookHandlerOptions> = {}) {
  const seen: FrontEvent[] = [];
  const errors: unknown[] = [];
  const handler = createFrontWebhookHandler({
    secret: SECRET,
    on: {
      authorization: (event) => {
        seen.push(event);
        return buildAuthorizationResponse(`https://chan.example/front/${event.payload.channel_id}`);
      },
      message: async (event) => {
        seen.push(event);
        return buildMessageResponse({
          externalId: `ext-${event.payload.id}`,
          externalConversationId: 'conv-1',
        });
      },
      message_autoreply: (event) => {
        seen.push(event);
        return buildMessageResponse({ externalId: 'auto-1', externalConversationId: 'conv-1' });
      },
      message_imported: (event) => {
        seen.push(event);
      },
      delete: (event) => {
        seen.push(event);
      },
    },
    onError: (error) => errors.push(error),
    ...overrides,
  });
  return { handler, seen, errors };
}

describe('createFrontWebhookHandler', () => {
  it('answers each known event with its callback result', async () => {
    const { handler, seen } = makeHandler();
    const cases: Array<[Record<string, unknown>, unknown]> = [
      [
        buildAuthorizationEvent(),
        { type: 'success', webhook_url: 'https://chan.example/front/cha_4kx9p' },
      ],
      [
        buildMessageEvent(),
        { type: 'success', external_id: 'ext-msg_7kq2x1', external_conversation_id: 'conv-1' },
      ],
      [
        buildAutoReplyEvent(),
        { type: 'success', external_id: 'auto-1', external_conversation_id: 'conv-1' },
      ],
      [buildMessageImportedEvent(), {}],
      [buildDeleteEvent(), {}],
    ];
    for (const [event, expected] of cases) {
      const response = await handler(
        buildSignedRequest({ url: URL_BASE, body: event, secret: SECRET }),
      );
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), expected);
    }
    assert.deepEqual(
      seen.map((event) => event.type),
      ['authorization', 'message', 'message_autoreply', 'message_imported', 'delete'],
    );
  });

  it('answers 401 with a short JSON body when the signature is wrong', async () => {
    const { handler, seen, errors } = makeHandler();
    const request = buildSignedRequest({
      url: URL_BASE,
      body: buildMessageEvent(),
      secret: 'wrong',
    });
    const response = await handler(request);
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { error: 'invalid_signature' });
    assert.equal(seen.length, 0);
    assert.equal((errors[0] as { code?: string }).code, 'no_matching_signature');
  });

  it('answers 400 when a known event lacks a required field', async () => {
    const { handler } = makeHandler();
    const body = { type: 'message', payload: { text: 'no id' } };
    const response = await handler(buildSignedRequest({ url: URL_BASE, body, secret: SECRET }));
    assert.equal(response.status, 400);
    const answer = (await response.json()) as { type: string; message: string };
    assert.equal(answer.type, 'bad_request');
    assert.match(answer.message, /payload\.id/);
  });

  it('answers 400 when the body is not JSON', async () => {
    const { handler } = makeHandler();
    const response = await handler(
      buildSignedRequest({ url: URL_BASE, body: '{"type":', secret: SECRET }),
    );
    assert.equal(response.status, 400);
  });

  it('answers 200 {} for unknown types and passes them to the unknown callback', async () => {
    const unknown: unknown[] = [];
    const { handler } = makeHandler();
    const withUnknown = createFrontWebhookHandler({
      secret: SECRET,
      on: { unknown: (event) => void unknown.push(event.originalType) },
    });
    for (const target of [handler, withUnknown]) {
      const request = buildSignedRequest({
        url: URL_BASE,
        body: { type: 'conversation_merged', payload: {} },
        secret: SECRET,
      });
      const response = await target(request);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {});
    }
    assert.deepEqual(unknown, ['conversation_merged']);
  });

  it('answers 400 with the builder object when a callback refuses', async () => {
    const handler = createFrontWebhookHandler({
      secret: SECRET,
      on: { authorization: () => buildBadRequestResponse('Unknown account') },
    });
    const response = await handler(
      buildSignedRequest({ url: URL_BASE, body: buildAuthorizationEvent(), secret: SECRET }),
    );
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), { type: 'bad_request', message: 'Unknown account' });
  });

  it('answers 500 without details when a callback throws', async () => {
    const { handler, errors } = makeHandler({
      on: {
        message: () => {
          throw new Error('db down');
        },
      },
    });
    const response = await handler(
      buildSignedRequest({ url: URL_BASE, body: buildMessageEvent(), secret: SECRET }),
    );
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { error: 'internal_error' });
    assert.match(String(errors[0]), /db down/);
  });

  it('answers 413 when the body passes maxBodyBytes', async () => {
    const { handler, seen } = makeHandler({ maxBodyBytes: 100 });
    const event = buildMessageEvent({ payload: { text: 'x'.repeat(200) } });
    const response = await handler(
      buildSignedRequest({ url: URL_BASE, body: event, secret: SECRET }),
    );
    assert.equal(response.status, 413);
    assert.equal(seen.length, 0);
  });

  it('stops reading a streamed body without content-length once it passes the limit', async () => {
    const { handler } = makeHandler({ maxBodyBytes: 1000 });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(400));
      },
    });
    const request = new Request(URL_BASE, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const response = await handler(request);
    assert.equal(response.status, 413);
    assert.ok(pulled < 10, `pulled ${pulled} chunks`);
  });

  it('accepts a DELETE without body signed over undefined', async () => {
    const { handler, seen } = makeHandler();
    const { headers } = signForTesting({ body: '', secret: SECRET, signUndefined: true });
    const response = await handler(new Request(URL_BASE, { method: 'DELETE', headers }));
    assert.equal(response.status, 200);
    assert.equal(seen[0]?.type, 'delete');
  });

  it('throws ConfigError at construction when the secret or limit is unusable', () => {
    for (const options of [{ secret: '' }, { secret: [] }, { secret: SECRET, maxBodyBytes: 0 }]) {
      assert.throws(
        () => createFrontWebhookHandler({ on: {}, ...options }),
        (error: unknown) => error instanceof ConfigError && error.code === 'config_error',
      );
    }
  });

  it('uses the injected clock and tolerance', async () => {
    const { handler } = makeHandler({ now: () => 2_000_000_000_000, toleranceMs: 1000 });
    const request = buildSignedRequest({
      url: URL_BASE,
      body: buildMessageEvent(),
      secret: SECRET,
      timestamp: 2_000_000_001_500,
    });
    assert.equal((await handler(request)).status, 401);
  });
});

describe('createNodeMiddleware', () => {
  const { handler, seen } = makeHandler({ maxBodyBytes: 64 * 1024 });
  const server = createServer(createNodeMiddleware(handler));
  const ready = new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  const base = async () => {
    await ready;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it('verifies the raw bytes and answers a message event', async () => {
    const vectorLike =
      '{"type":"message","payload":{"id":"msg_n1","text":"Crème \\/ 📦","created_at":1.10}}';
    const { body, headers } = signForTesting({ body: vectorLike, secret: SECRET });
    const response = await fetch(`${await base()}/front`, { method: 'POST', body, headers });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      type: 'success',
      external_id: 'ext-msg_n1',
      external_conversation_id: 'conv-1',
    });
    assert.equal(seen.at(-1)?.type, 'message');
  });

  it('answers 401 on a bad signature', async () => {
    const { body, headers } = signForTesting({ body: buildMessageEvent(), secret: 'nope' });
    const response = await fetch(`${await base()}/front`, { method: 'POST', body, headers });
    assert.equal(response.status, 401);
  });

  it('answers 413 while a chunked body is still streaming past the limit', {
    timeout: 10_000,
  }, async () => {
    const url = new URL(await base());
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpRequest({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/front',
        headers: { 'transfer-encoding': 'chunked' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode);
        request.destroy();
      });
      request.on('error', (error) =>
        (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error),
      );
      // Far more than the limit, written without waiting: the answer must come before the end.
      for (let index = 0; index < 200; index++) request.write(Buffer.alloc(1024, 0x61));
    });
    assert.equal(status, 413);
  });

  it('verifies a chunked body that arrives in pieces', async () => {
    const url = new URL(await base());
    const { body, headers } = signForTesting({ body: buildAuthorizationEvent(), secret: SECRET });
    const text = String(body);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpRequest({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/front',
        headers: { ...headers, 'transfer-encoding': 'chunked' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on('error', reject);
      request.write(text.slice(0, 10));
      request.end(text.slice(10));
    });
    assert.equal(status, 200);
  });

  it('answers 413 at once when content-length is over the limit', async () => {
    const response = await fetch(`${await base()}/front`, {
      method: 'POST',
      body: 'x'.repeat(70 * 1024),
    });
    assert.equal(response.status, 413);
  });
});

describe('createNodeMiddleware with a body a framework already read', () => {
  const { handler } = makeHandler();
  const middleware = createNodeMiddleware(handler, { maxBodyBytes: 4096 });
  // Stands in for a framework: read the stream, store what a body parser would, then delegate.
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const mode = request.headers['x-test-body'];
      const body =
        mode === 'buffer'
          ? raw
          : mode === 'string'
            ? raw.toString('utf8')
            : JSON.parse(String(raw));
      Object.assign(request, { body });
      middleware(request, response);
    });
  });
  const ready = new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  async function post(mode: string, event: unknown) {
    await ready;
    const { body, headers } = signForTesting({ body: event, secret: SECRET });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/front`;
    return fetch(url, { method: 'POST', body, headers: { ...headers, 'x-test-body': mode } });
  }

  it('verifies a captured Buffer or string body', async () => {
    assert.equal((await post('buffer', buildAuthorizationEvent())).status, 200);
    assert.equal((await post('string', buildAuthorizationEvent())).status, 200);
  });

  it('answers 413 when the captured body passes the limit', async () => {
    const big = buildMessageEvent({ payload: { text: 'x'.repeat(5000) } });
    assert.equal((await post('buffer', big)).status, 413);
  });

  it('answers 500 raw_body_unavailable when a parser kept only an object', async () => {
    const response = await post('parsed', buildAuthorizationEvent());
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { error: 'raw_body_unavailable' });
  });
});
