import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMessageEvent, signForTesting } from '@frontbridge/sdk/testing';
import Sqlite from 'better-sqlite3';
import { Webhook } from 'standardwebhooks';
import {
  addChannel,
  control,
  deliverAttachment,
  type Harness,
  startHarness,
  waitFor,
} from '../helpers/harness.ts';

async function sendFromFront(harness: Harness, text: string, to = '+15551230000') {
  const sent = await control(harness, 'POST', `/channels/${harness.channelId}/messages`, {
    to: [to],
    text,
  });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  return sent.body;
}

async function queueDrained(harness: Harness) {
  const pending = await harness.store.countPendingJobs();
  return Object.values(pending).every((count) => count === 0);
}

describe('authorization', () => {
  it('stores the channel and answers a webhook URL when the token matches an account', async () => {
    const harness = await startHarness();
    try {
      const channel = await harness.store.getChannel(harness.channelId);
      assert.equal(channel?.status, 'active');
      assert.match(
        harness.webhookUrl,
        /^http:\/\/127\.0\.0\.1:\d+\/front\/channels\/fbw_[\w-]{43}$/,
      );
    } finally {
      await harness.close();
    }
  });

  it('answers 401 and stores no channel when the token is unknown', async () => {
    const harness = await startHarness({ skipChannel: true });
    try {
      const added = await addChannel(harness, 'fbc_not-a-real-token');
      assert.equal(added.status, 502);
      assert.equal(added.body.channel_status, 401);
      const stored = [...harness.emulator.state.channels.keys()];
      for (const id of stored) assert.equal(await harness.store.getChannel(id), undefined);
    } finally {
      await harness.close();
    }
  });
});

describe('delivery to the external system', () => {
  it('delivers a teammate reply once, signed with Standard Webhooks', async () => {
    const harness = await startHarness();
    try {
      const sent = await sendFromFront(harness, 'Your parcel ships today.');
      await waitFor(() => harness.receiver.received.length === 1 && queueDrained(harness));

      const [delivery] = harness.receiver.received;
      assert.ok(delivery);
      const verified = new Webhook(harness.account.signing_secret).verify(delivery.body, {
        'webhook-id': String(delivery.headers['webhook-id']),
        'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
        'webhook-signature': String(delivery.headers['webhook-signature']),
      }) as Record<string, unknown>;
      assert.equal(verified.text, 'Your parcel ships today.');
      assert.equal(verified.recipient, '+15551230000');
      assert.equal(verified.external_id, sent.external_id);
      assert.equal(verified.external_conversation_id, sent.external_conversation_id);
      assert.equal(verified.is_auto_reply, false);
      assert.equal(harness.receiver.received.length, 1);
    } finally {
      await harness.close();
    }
  });

  it('refuses a "to" handle too long to be a conversation id before storing anything', async () => {
    const harness = await startHarness();
    try {
      const event = buildMessageEvent({
        payload: {
          id: 'msg_long_handle',
          recipients: [
            { handle: 'acme', role: 'from', name: null },
            { handle: 'a'.repeat(201), role: 'to', name: null },
          ],
        },
      });
      const { body, headers } = signForTesting({
        body: event,
        secret: harness.config.frontAppSecrets[0] ?? '',
      });
      const response = await fetch(harness.webhookUrl, { method: 'POST', body, headers });
      assert.equal(response.status, 400);
      assert.match(JSON.stringify(await response.json()), /at most 200 characters/);
      const file = new Sqlite(harness.config.databaseUrl.slice('sqlite:'.length), {
        readonly: true,
      });
      try {
        assert.equal(file.prepare('select count(*) from messages').pluck().get(), 0);
        assert.equal(file.prepare('select count(*) from jobs').pluck().get(), 0);
      } finally {
        file.close();
      }
    } finally {
      await harness.close();
    }
  });

  it('answers the same ids and delivers once when Front redelivers a webhook', async () => {
    const harness = await startHarness();
    try {
      const event = buildMessageEvent({ payload: { id: 'msg_redelivered' } });
      const post = async () => {
        const { body, headers } = signForTesting({
          body: event,
          secret: harness.config.frontAppSecrets[0] ?? '',
        });
        const response = await fetch(harness.webhookUrl, { method: 'POST', body, headers });
        return { status: response.status, body: await response.json() };
      };

      const first = await post();
      const second = await post();
      assert.equal(first.status, 200);
      assert.deepEqual(second, first);
      await waitFor(() => harness.receiver.received.length >= 1 && queueDrained(harness));
      assert.equal(harness.receiver.received.length, 1);
    } finally {
      await harness.close();
    }
  });

  it('answers Front well inside its 7 s deadline when the receiver takes 8 s', async () => {
    const harness = await startHarness({
      behaviour: () => ({ status: 200, delayMs: 8000 }),
      emulator: { responseDeadlineMs: 7000 },
      server: { shutdownGraceMs: 100 },
    });
    try {
      const sent = await sendFromFront(harness, 'slow receiver');
      assert.equal(sent.status, 'sent');
      assert.equal(sent.error_type ?? null, null);
    } finally {
      await harness.close();
    }
  });

  it('delivers everything exactly once when the receiver is down for a while, then up', async () => {
    const harness = await startHarness({
      behaviour: (index) => ({ status: index < 6 ? 503 : 200 }),
    });
    try {
      for (const text of ['one', 'two', 'three']) await sendFromFront(harness, text);
      await waitFor(() => harness.receiver.received.length >= 3 && queueDrained(harness));

      const texts = harness.receiver.received.map((delivery) => delivery.json.text);
      assert.deepEqual(texts, ['one', 'two', 'three']);
      const ids = new Set(
        harness.receiver.received.map((delivery) => delivery.headers['webhook-id']),
      );
      assert.equal(ids.size, 3);
    } finally {
      await harness.close();
    }
  });

  it('reports the message failed to Front when the receiver never recovers', async () => {
    const harness = await startHarness({
      behaviour: () => ({ status: 503 }),
      env: { DELIVERY_RETRY_PERIOD_SECONDS: '1' },
    });
    try {
      const sent = await sendFromFront(harness, 'into the void');
      const failed = await waitFor(async () => {
        const { body } = await control(
          harness,
          'GET',
          `/channels/${harness.channelId}/conversations`,
        );
        const conversations = body.conversations as Array<{
          messages: Array<Record<string, unknown>>;
        }>;
        const message = conversations
          .flatMap((c) => c.messages)
          .find((m) => m.id === sent.message_id);
        return message?.status === 'failed' ? message : undefined;
      });
      assert.match(String(failed.error), /Receiver answered 503/);
      assert.equal(harness.receiver.received.length, 0);
    } finally {
      await harness.close();
    }
  });

  it('delivers an auto-reply flagged as one, threaded into the contact conversation', async () => {
    const harness = await startHarness();
    try {
      const first = await sendFromFront(harness, 'hello');
      const reply = await control(harness, 'POST', `/channels/${harness.channelId}/autoreplies`, {
        to: ['+15551230000'],
        text: 'We reply within one day.',
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      await waitFor(() => harness.receiver.received.length === 2 && queueDrained(harness));

      const auto = harness.receiver.received.find((delivery) => delivery.json.is_auto_reply);
      assert.equal(auto?.json.external_conversation_id, first.external_conversation_id);
    } finally {
      await harness.close();
    }
  });

  it('serves attachment links that fetch the file from Front and refuse tampering', async () => {
    const harness = await startHarness();
    try {
      const file = await deliverAttachment(harness, { filename: 'label.pdf', data: '%PDF-1' });
      assert.equal(file.filename, 'label.pdf');
      const download = await fetch(file.url);
      assert.equal(download.status, 200);
      assert.equal(Buffer.from(await download.arrayBuffer()).toString(), '%PDF-1');

      const tampered = file.url.replace(/expires=\d+/, 'expires=99999999999999');
      assert.equal((await fetch(tampered)).status, 403);
    } finally {
      await harness.close();
    }
  });

  it('serves an attachment whose name is beyond Latin-1 with an RFC 6266 header', async () => {
    const harness = await startHarness();
    try {
      const filename = '報告書 😀.pdf';
      const file = await deliverAttachment(harness, { filename, data: '%PDF-2' });

      const download = await fetch(file.url);
      assert.equal(download.status, 200);
      assert.equal(Buffer.from(await download.arrayBuffer()).toString(), '%PDF-2');
      assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
      const disposition = download.headers.get('content-disposition') ?? '';
      assert.match(disposition, /^attachment; filename="___ _\.pdf"; /);
      const encoded = /filename\*=UTF-8''([^;\s]+)/.exec(disposition)?.[1] ?? '';
      assert.equal(decodeURIComponent(encoded), filename);
    } finally {
      await harness.close();
    }
  });
});
