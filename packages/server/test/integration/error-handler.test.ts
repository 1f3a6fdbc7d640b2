import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { buildMessageEvent, signForTesting } from '@frontbridge/sdk/testing';
import { createLogger } from '../../src/index.ts';
import type { FrontClient } from '../../src/workers/front-client.ts';
import { APP_SECRET, control, type Harness, startHarness, waitFor } from '../helpers/harness.ts';

interface LogLine {
  level: number;
  msg: string;
  route?: string;
  err?: { name: string; message: string; stack?: string };
}

const BODY_TEXT = 'customer words never logged';
const lines: string[] = [];
const logged = () => lines.map((line) => JSON.parse(line) as LogLine);

// Downloads fail with an error of our own making, to stand for a real fault on our side.
const front = {
  downloadAttachment: async () => {
    throw new Error('attachment store broke');
  },
} as unknown as FrontClient;

let harness: Harness;
before(async () => {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  harness = await startHarness({
    server: { front, logger: createLogger({ level: 'debug', destination }) },
  });
});
after(async () => {
  await harness.close();
});

/** Sends the head and part of the body, stalls as a slow client does, then goes away. */
function sendAndHangUp(head: string, partialBody: string): Promise<void> {
  const { port } = new URL(harness.server.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port) }, () => {
      socket.write(`${head}\r\n\r\n${partialBody}`, () => {
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 100);
      });
    });
    socket.on('error', reject);
  });
}

// A webhook signed over its whole body, so that the server starts reading it.
function signedWebhook() {
  const { body, headers } = signForTesting({
    body: buildMessageEvent({ payload: { text: BODY_TEXT } }),
    secret: APP_SECRET,
  });
  const text = String(body);
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  const head =
    `POST ${new URL(harness.webhookUrl).pathname} HTTP/1.1\r\nHost: localhost\r\n` +
    `${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(text)}`;
  return { head, body: text };
}

// The body up to the middle of the customer's words, so some of them reach the server.
const partOf = (body: string) => body.slice(0, body.indexOf(BODY_TEXT) + 'customer words'.length);

const abortedLines = (route: string) =>
  logged().filter((line) => line.msg === 'request aborted by client' && line.route === route);

/**
 * Aborts one request mid-body and returns the line it logged. Node reports no abort at all when
 * the client leaves before the server starts reading the body (nothing is logged then, before or
 * after the fix), so a busy machine may need another try.
 */
async function abortMidBody(route: string, head: string, partialBody: string) {
  for (let attempt = 1; ; attempt++) {
    const seen = abortedLines(route).length;
    await sendAndHangUp(head, partialBody);
    try {
      return await waitFor(() => abortedLines(route)[seen], {
        timeoutMs: 2000,
        what: `the abort on ${route} to be logged`,
      });
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
}

describe('a client that disconnects mid-body', () => {
  it('is logged at debug as "request aborted by client", never as a failed request', async () => {
    const start = lines.length;
    const json = JSON.stringify({ body: BODY_TEXT, channel_id: harness.channelId });
    const auth = `Authorization: Bearer ${harness.account.api_key}`;
    const webhook = signedWebhook();

    const aborted = [
      await abortMidBody(
        '/api/v1/messages',
        `POST /api/v1/messages HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 4000',
        partOf(json),
      ),
      await abortMidBody(
        '/api/v1/messages',
        `POST /api/v1/messages HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n` +
          'Content-Type: application/json\r\nTransfer-Encoding: chunked',
        `${Buffer.byteLength(partOf(json)).toString(16)}\r\n${partOf(json)}\r\n`,
      ),
      await abortMidBody('/front/channels/:token', webhook.head, partOf(webhook.body)),
    ];

    for (const line of aborted) {
      assert.equal(line.level, 20, 'logged at debug');
      assert.equal(line.err, undefined, 'no error object and no stack');
    }
    const since = lines.slice(start).join('');
    assert.ok(!since.includes('customer words'), 'no part of the body is logged');
    const serious = lines
      .slice(start)
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.level >= 40);
    assert.deepEqual(serious, [], 'nothing at warn or above');
  });

  it('leaves the server answering the next request', async () => {
    const response = await fetch(`${harness.server.url}/healthz`);

    assert.equal(response.status, 200);
  });
});

describe('a real failure on our side', () => {
  it('is still answered 500 internal_error and logged as "request failed" at error', async () => {
    await control(harness, 'POST', `/channels/${harness.channelId}/messages`, {
      to: ['+15551230000'],
      text: 'label attached',
      attachments: [
        { filename: 'label.pdf', content_type: 'application/pdf', content_base64: 'JVBERi0x' },
      ],
    });
    await waitFor(() => harness.receiver.received.length === 1, { what: 'the delivery' });
    const files = harness.receiver.received[0]?.json.attachments as Array<{ url: string }>;

    const response = await fetch(String(files[0]?.url));

    assert.equal(response.status, 500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.deepEqual(body.error, {
      code: 'internal_error',
      message: 'Something went wrong on our side.',
    });
    const failed = await waitFor(() =>
      logged().find(
        (line) => line.msg === 'request failed' && line.route === '/attachments/:messageId/:index',
      ),
    );
    assert.equal(failed.level, 50);
    assert.equal(failed.err?.message, 'attachment store broke');
  });
});
