import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { decodeJwt, jwtVerify } from 'jose';
import {
  ApiError,
  ChannelApiClient,
  type ChannelApiClientOptions,
  NetworkError,
  RateLimitError,
  type RetryHookEvent,
  TimeoutError,
} from '../../src/index.ts';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.ts';
import {
  accepted,
  drop,
  empty,
  hang,
  json,
  type LoopbackServer,
  type Responder,
  startLoopbackServer,
} from '../helpers/loopback-server.ts';

const APP_UID = 'app_test';
const APP_SECRET = 'app-secret-for-tests';
const INBOUND = {
  sender: { handle: '+15551230000', name: 'Dana Ortiz' },
  body: 'Hi, where is my parcel?',
  metadata: { external_id: 'sms-88190', external_conversation_id: '+15551230000' },
};

const servers: LoopbackServer[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

async function setup(
  script: Responder[],
  options: Partial<ChannelApiClientOptions> = {},
  clock = createFakeClock(),
) {
  const server = await startLoopbackServer(script);
  servers.push(server);
  const retries: RetryHookEvent[] = [];
  const client = new ChannelApiClient({
    appUid: APP_UID,
    appSecret: APP_SECRET,
    baseUrl: server.url,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
    onRetry: (event) => retries.push(event),
    ...options,
  });
  return { server, clock, client, retries };
}

function bearer(server: LoopbackServer, index: number): string {
  return String(server.requests[index]?.headers.authorization).replace(/^Bearer /, '');
}

async function assertValidToken(token: string, clock: FakeClock) {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(APP_SECRET), {
    currentDate: new Date(clock.now()),
    issuer: APP_UID,
    subject: 'cha_1',
  });
  assert.ok(typeof payload.exp === 'number' && payload.exp - clock.now() / 1000 <= 30);
}

describe('ChannelApiClient retries', () => {
  it('waits 2000 ms when a 429 says retry-after: 2', async () => {
    const { client, clock, retries, server } = await setup([
      json(429, {}, { 'retry-after': '2' }),
      accepted,
    ]);
    const result = await client.syncInboundMessage('cha_1', INBOUND);
    assert.deepEqual(result, { status: 'accepted', message_uid: 'uid_1' });
    assert.deepEqual(clock.sleeps, [2000]);
    assert.equal(retries[0]?.reason, 'rate_limited');
    assert.equal(server.requests.length, 2);
  });

  it('backs off from at least one second when a 429 has no retry-after', async () => {
    const { client, clock } = await setup([json(429, {}), json(429, {}), accepted], {
      random: () => 0.5,
    });
    await client.syncInboundMessage('cha_1', INBOUND);
    assert.deepEqual(clock.sleeps, [1250, 2500]);
  });

  it('waits until the date when retry-after is an HTTP date', async () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const date = new Date(start + 3000).toUTCString();
    const { client, clock } = await setup([json(429, {}, { 'retry-after': date }), accepted]);
    await client.syncInboundMessage('cha_1', INBOUND);
    assert.deepEqual(clock.sleeps, [3000]);
  });

  it('ends six 429s in a row with RateLimitError carrying retryAfterMs', async () => {
    const tooMany = json(
      429,
      { _error: { status: 429, message: 'Rate limit exceeded' } },
      { 'retry-after': '1' },
    );
    const isRateLimit = (error: unknown) =>
      error instanceof RateLimitError &&
      error.code === 'rate_limited' &&
      error.retryAfterMs === 1000;

    const six = await setup([tooMany], { maxAttempts: 6 });
    await assert.rejects(six.client.syncInboundMessage('cha_1', INBOUND), isRateLimit);
    assert.equal(six.server.requests.length, 6);
    assert.deepEqual(six.clock.sleeps, [1000, 1000, 1000, 1000, 1000]);

    // With the default of 5 attempts the fifth 429 already ends the call.
    const byDefault = await setup([tooMany]);
    await assert.rejects(byDefault.client.syncInboundMessage('cha_1', INBOUND), isRateLimit);
    assert.equal(byDefault.server.requests.length, 5);
  });

  it('gives up at once when retry-after exceeds maxRetryAfterMs', async () => {
    const { client, server, clock } = await setup([json(429, {}, { 'retry-after': '120' })]);
    await assert.rejects(client.syncInboundMessage('cha_1', INBOUND), RateLimitError);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('retries a 503 and succeeds with a new token', async () => {
    const { client, clock, server } = await setup([json(503, {}), accepted]);
    await client.syncInboundMessage('cha_1', INBOUND);
    assert.equal(server.requests.length, 2);
    assert.notEqual(bearer(server, 0), bearer(server, 1));
    assert.notEqual(decodeJwt(bearer(server, 0)).jti, decodeJwt(bearer(server, 1)).jti);
    await assertValidToken(bearer(server, 1), clock);
  });

  it('throws ApiError with the status when 5xx outlasts the attempts', async () => {
    const { client, server } = await setup([json(500, { _error: { message: 'boom' } })], {
      maxAttempts: 3,
    });
    await assert.rejects(
      client.syncInboundMessage('cha_1', INBOUND),
      (error: unknown) =>
        error instanceof ApiError && error.status === 500 && error.code === 'api_error',
    );
    assert.equal(server.requests.length, 3);
  });

  it('retries a dropped connection with the same external_id', async () => {
    const { client, server, retries } = await setup([drop, accepted]);
    await client.syncInboundMessage('cha_1', INBOUND);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(server.requests[0]?.body, server.requests[1]?.body);
    assert.equal(JSON.parse(String(server.requests[1]?.body)).metadata.external_id, 'sms-88190');
    assert.equal(retries[0]?.reason, 'network_error');
  });

  it('throws NetworkError when the connection keeps dropping', async () => {
    const { client } = await setup([drop], { maxAttempts: 2 });
    await assert.rejects(
      client.syncInboundMessage('cha_1', INBOUND),
      (error: unknown) => error instanceof NetworkError && error.code === 'network_error',
    );
  });

  it('throws TimeoutError when no answer comes within timeoutMs', async () => {
    const { client, retries } = await setup([hang], { maxAttempts: 2, timeoutMs: 50 });
    await assert.rejects(
      client.syncInboundMessage('cha_1', INBOUND),
      (error: unknown) => error instanceof TimeoutError && error.code === 'timeout',
    );
    assert.equal(retries[0]?.reason, 'timeout');
  });

  it("does not retry a 400 and exposes Front's _error body", async () => {
    const body = {
      _error: {
        status: 400,
        title: 'Bad request',
        message: 'Body did not satisfy requirements',
        details: ['body.metadata.external_id: missing'],
      },
    };
    const { client, server } = await setup([json(400, body), accepted]);
    await assert.rejects(
      client.syncInboundMessage('cha_1', INBOUND),
      (error: unknown) =>
        error instanceof ApiError &&
        !(error instanceof RateLimitError) &&
        error.status === 400 &&
        /external_id: missing/.test(error.message) &&
        (error.body as typeof body)._error.title === 'Bad request',
    );
    assert.equal(server.requests.length, 1);
  });

  it('stops without retrying when the caller aborts', async () => {
    const { client } = await setup([hang]);
    const controller = new AbortController();
    const call = client.syncInboundMessage('cha_1', INBOUND, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller gave up')), 20);
    await assert.rejects(call, /caller gave up/);
  });

  it('stops waiting between attempts when the caller aborts', async () => {
    const controller = new AbortController();
    const { client, server } = await setup([json(503, {})], {
      sleep: () => {
        setTimeout(() => controller.abort(new Error('stop waiting')), 5);
        return new Promise<void>(() => undefined);
      },
    });
    await assert.rejects(
      client.syncInboundMessage('cha_1', INBOUND, { signal: controller.signal }),
      /stop waiting/,
    );
    assert.equal(server.requests.length, 1);
  });
});

describe('ChannelApiClient pacing and URLs', () => {
  it('never starts more than 5 calls to one channel in any second when ten are queued', async () => {
    const starts: number[] = [];
    const clock = createFakeClock();
    const { client } = await setup(
      [accepted],
      { onRequest: () => starts.push(clock.now()) },
      clock,
    );
    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        client.syncInboundMessage('cha_1', {
          ...INBOUND,
          metadata: { ...INBOUND.metadata, external_id: `m${index}` },
        }),
      ),
    );
    assert.equal(starts.length, 10);
    for (let index = 0; index + 5 < starts.length; index++) {
      assert.ok(
        (starts[index + 5] as number) - (starts[index] as number) >= 1000,
        `window at ${index}`,
      );
    }
  });

  it('does not slow one channel down for another', async () => {
    const { client, clock } = await setup([accepted]);
    await Promise.all(
      ['cha_1', 'cha_2', 'cha_3'].flatMap((channel) =>
        Array.from({ length: 5 }, () => client.syncInboundMessage(channel, INBOUND)),
      ),
    );
    assert.deepEqual(clock.sleeps, []);
  });

  it('joins a base URL with a trailing slash or a path prefix without a double slash', async () => {
    const { server } = await setup([accepted]);
    for (const baseUrl of [`${server.url}/`, `${server.url}//`, `${server.url}/front/`]) {
      const client = new ChannelApiClient({ appUid: APP_UID, appSecret: APP_SECRET, baseUrl });
      await client.syncInboundMessage('cha_1', INBOUND);
    }
    assert.deepEqual(
      server.requests.map((request) => request.path),
      [
        '/channels/cha_1/inbound_messages',
        '/channels/cha_1/inbound_messages',
        '/front/channels/cha_1/inbound_messages',
      ],
    );
  });

  it('percent-encodes ids in the status path', async () => {
    const { client, server } = await setup([empty(204)]);
    await client.updateMessageStatus('cha_1', {
      externalConversationId: '+15551230000',
      externalId: 'sms/88 214',
      status: 'failed',
      reason: 'Carrier rejected',
    });
    const request = server.requests[0];
    assert.equal(request?.method, 'PUT');
    assert.equal(
      request?.path,
      '/channels/cha_1/conversations/%2B15551230000/messages/sms%2F88%20214/status',
    );
    assert.deepEqual(JSON.parse(String(request?.body)), {
      status: 'failed',
      reason: 'Carrier rejected',
    });
    assert.equal(request?.headers['content-type'], 'application/json');
  });
});

describe('ChannelApiClient multipart', () => {
  it('sends the exact multipart bytes with bracket names and a generated boundary', async () => {
    const { client, server } = await setup([accepted]);
    const photo = new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x0d, 0x0a]);
    await client.syncOutboundMessage('cha_1', {
      to: [{ handle: '+15551230000', name: 'Dana' }],
      body: 'Photo of the damage',
      metadata: { external_id: 'mms-5521', external_conversation_id: '+15551230000' },
      attachments: [{ filename: '../../etc/Fotó 1', contentType: 'image/jpeg', data: photo }],
    });

    const request = server.requests[0];
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(
      String(request?.headers['content-type']),
    )?.[1];
    assert.ok(boundary, 'content-type carries the boundary');
    const part = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const expected = Buffer.concat([
      Buffer.from(
        part('to[0][handle]', '+15551230000') +
          part('to[0][name]', 'Dana') +
          part('body', 'Photo of the damage') +
          part('metadata[external_id]', 'mms-5521') +
          part('metadata[external_conversation_id]', '+15551230000') +
          `--${boundary}\r\nContent-Disposition: form-data; name="attachments[0]"; filename="Fotó 1.jpeg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      Buffer.from(photo),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    assert.deepEqual(request?.body, expected);
  });

  it('sends the placeholder body when a message has only attachments', async () => {
    const { client, server } = await setup([accepted], { attachmentPlaceholderBody: '[photo]' });
    await client.syncInboundMessage('cha_1', {
      ...INBOUND,
      body: '',
      attachments: [{ contentType: 'image/png', data: new Blob([new Uint8Array([1, 2])]) }],
    });
    const text = String(server.requests[0]?.body);
    assert.match(text, /name="body"\r\n\r\n\[photo\]\r\n/);
    assert.match(text, /name="attachments\[0\]"; filename="attachment-1.png"/);
  });

  it('uploads a call recording as one audio file with its type', async () => {
    const { client, server } = await setup([empty(202)]);
    await client.uploadCallRecording('cha_1', 'call 7', {
      recordingType: 'voicemail',
      file: { filename: 'vm', contentType: 'audio/mpeg', data: new Uint8Array([9]) },
    });
    const request = server.requests[0];
    assert.equal(request?.path, '/channels/cha_1/calls/call%207/recording');
    assert.match(String(request?.body), /name="recording_type"\r\n\r\nvoicemail\r\n/);
    assert.match(
      String(request?.body),
      /name="attachments"; filename="vm.mp3"\r\nContent-Type: audio\/mpeg/,
    );
  });
});

describe('ChannelApiClient endpoints', () => {
  it('sends each endpoint to its method and path with a JSON body', async () => {
    const { client, server } = await setup([json(200, { template_id: 'msg_777' })]);
    const variables = [{ uid: '1', name: 'first_name', type: 'text' }];
    const template = {
      external_id: 'tpl 1',
      name: 'n',
      blurb: 'b',
      is_disabled: false,
      status_name: 'APPROVED',
      variable_mappings: variables,
      template_preview: 'p',
    };
    assert.deepEqual(await client.syncMessageTemplate('cha_1', template), {
      template_id: 'msg_777',
    });
    await client.updateMessageTemplate('cha_1', 'tpl 1', { is_disabled: true });
    await client.updateChannelStatus('cha_1', 'offline');
    await client.createCall('cha_1', {
      external_call_id: 'c1',
      initial_status: 'ringing',
      direction: 'inbound',
      from: { handle: '+15551230000' },
      started_at: 1_767_225_900_000,
    });
    await client.updateCall('cha_1', 'c1', { call_status: 'connected' });
    await client.addCallSummary('cha_1', 'c1', { content: 'Asked about parcel.' });
    await client.addCallTranscript('cha_1', 'c1', {
      lines: [
        { speaker_name: 'Dana', content: 'Hi', start_time_seconds: 0, speaker_type: 'external' },
      ],
    });

    const seen = server.requests.map((request) => `${request.method} ${request.path}`);
    assert.deepEqual(seen, [
      'PUT /channels/cha_1/application_message_templates',
      'PATCH /channels/cha_1/application_message_templates/tpl%201',
      'PATCH /channels/cha_1',
      'POST /channels/cha_1/calls',
      'PATCH /channels/cha_1/calls/c1',
      'POST /channels/cha_1/calls/c1/summary',
      'POST /channels/cha_1/calls/c1/transcript',
    ]);
    assert.deepEqual(JSON.parse(String(server.requests[2]?.body)), { status: 'offline' });
    assert.equal(JSON.parse(String(server.requests[3]?.body)).parent_external_call_id, '');
  });

  it('reads messages and conversations with the channel token', async () => {
    const conversation = { id: 'cnv_1', metadata: { external_conversation_ids: ['+1555'] } };
    const { client, server, clock } = await setup([
      json(200, { id: 'msg_1', recipients: [] }),
      json(200, conversation),
    ]);
    assert.equal((await client.getMessage('cha_1', 'msg_1')).id, 'msg_1');
    assert.deepEqual(await client.getConversation('cha_1', 'cnv_1'), conversation);
    assert.deepEqual(
      server.requests.map((request) => request.path),
      ['/messages/msg_1', '/conversations/cnv_1'],
    );
    await assertValidToken(bearer(server, 0), clock);
  });

  it('downloads an attachment with its type and name', async () => {
    const file: Responder = (_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="label.pdf"; filename*=UTF-8''l%C3%A4bel.pdf`,
      });
      response.end(Buffer.from('%PDF'));
    };
    const { client, server } = await setup([file]);
    const download = await client.downloadAttachment(
      'cha_1',
      `${server.url}/messages/msg_1/download/fil_1`,
    );
    assert.deepEqual(download, {
      data: new Uint8Array(Buffer.from('%PDF')),
      contentType: 'application/pdf',
      filename: 'läbel.pdf',
    });
    assert.match(String(server.requests[0]?.headers.authorization), /^Bearer /);
  });

  it('refuses to send the token to a host that is not Front or the base URL', async () => {
    const { client, server } = await setup([accepted]);
    await assert.rejects(
      client.downloadAttachment('cha_1', 'https://evil.example/messages/msg_1/download/fil_1'),
      (error: unknown) =>
        error instanceof Error && (error as { code?: string }).code === 'validation_error',
    );
    await assert.rejects(
      client.downloadAttachment('cha_1', 'http://acme.api.frontapp.com/x'),
      /Front or at baseUrl/,
    );
    assert.equal(server.requests.length, 0);
  });

  it('throws ValidationError when Front accepts without a message_uid or with a non-JSON body', async () => {
    const { client } = await setup([
      json(202, { status: 'accepted' }),
      empty(202),
      (_request, response) => {
        response.writeHead(202, { 'content-type': 'text/plain' });
        response.end('accepted');
      },
    ]);
    for (let index = 0; index < 3; index++) {
      await assert.rejects(
        client.syncInboundMessage('cha_1', INBOUND),
        (error: unknown) => (error as { code?: string }).code === 'validation_error',
      );
    }
  });

  it('keeps a text error body and accepts a relative attachment path', async () => {
    const text: Responder = (_request, response) => {
      response.writeHead(403, { 'content-type': 'text/plain', 'x-request-id': 'req-9' });
      response.end('Forbidden');
    };
    const { client, server } = await setup([text]);
    await assert.rejects(
      client.downloadAttachment('cha_1', '/messages/msg_1/download/fil_1'),
      (error: unknown) =>
        error instanceof ApiError &&
        error.status === 403 &&
        error.body === 'Forbidden' &&
        error.requestId === 'req-9',
    );
    assert.equal(server.requests[0]?.path, '/messages/msg_1/download/fil_1');
  });

  it('completes the call and warns when a hook throws', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const { client } = await setup([accepted], {
        onRequest: () => {
          throw new Error('hook bug');
        },
      });
      assert.equal((await client.syncInboundMessage('cha_1', INBOUND)).message_uid, 'uid_1');
      await new Promise((resolve) => setImmediate(resolve));
      assert.match(warnings.join('\n'), /hook threw: hook bug/);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('gives hooks no token and no body', async () => {
    const seen: unknown[] = [];
    const hook = (event: unknown) => seen.push(event);
    const { client } = await setup([json(503, {}), accepted], {
      onRequest: hook,
      onResponse: hook,
      onRetry: hook,
    });
    await client.syncInboundMessage('cha_1', INBOUND);
    assert.equal(seen.length, 5);
    const text = JSON.stringify(seen);
    assert.ok(!/Bearer|eyJ|where is my parcel|sms-88190/.test(text), text);
  });
});
