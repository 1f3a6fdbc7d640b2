import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAccount } from '../../src/index.ts';
import { api, control, type Harness, startHarness, waitFor } from '../helpers/harness.ts';

type EmulatorMessage = Record<string, unknown>;
type EmulatorConversation = {
  id: string;
  external_conversation_ids: string[];
  messages: EmulatorMessage[];
};

async function conversations(harness: Harness): Promise<EmulatorConversation[]> {
  await harness.emulator.settled();
  const { body } = await control(harness, 'GET', `/channels/${harness.channelId}/conversations`);
  return body.conversations as EmulatorConversation[];
}

async function messageStatus(harness: Harness, id: unknown) {
  return (await api(harness, 'GET', `/messages/${String(id)}`)).body;
}

function inbound(harness: Harness, externalId: string, extra: Record<string, unknown> = {}) {
  return api(harness, 'POST', '/messages', {
    channel_id: harness.channelId,
    direction: 'inbound',
    external_id: externalId,
    from: 'whatsapp:+15551230000',
    body: `message ${externalId}`,
    ...extra,
  });
}

describe('messages from the external system', () => {
  it('threads an inbound reply into the conversation a teammate started', async () => {
    const harness = await startHarness();
    try {
      const sent = await control(harness, 'POST', `/channels/${harness.channelId}/messages`, {
        to: ['+15551230000'],
        text: 'Hello Dana',
      });
      const answer = await inbound(harness, 'sms-1', {
        from: '15551230000',
        sender_name: 'Dana Ortiz',
      });
      assert.equal(answer.status, 202);
      await waitFor(
        async () => (await messageStatus(harness, answer.body.id)).status === 'imported',
      );

      const all = await conversations(harness);
      assert.equal(all.length, 1);
      const ids = all[0]?.messages.map((message) => message.id);
      assert.ok(ids?.includes(sent.body.message_id));
      assert.equal(all[0]?.messages.length, 2);
      const reply = [...harness.emulator.state.messages.values()].find(
        (message) => message.externalId === 'sms-1',
      );
      const from = reply?.recipients.find((recipient) => recipient.role === 'from');
      assert.equal(from?.name, 'Dana Ortiz', 'sender_name reaches Front as the contact name');
    } finally {
      await harness.close();
    }
  });

  it('answers the same id and imports once when an external_id is repeated', async () => {
    const harness = await startHarness();
    try {
      const first = await inbound(harness, 'sms-7');
      const second = await inbound(harness, 'sms-7');
      assert.equal(second.status, 202);
      assert.equal(second.body.id, first.body.id);
      await waitFor(
        async () => (await messageStatus(harness, first.body.id)).status === 'imported',
      );
      const imported = (await conversations(harness)).flatMap((c) => c.messages);
      assert.equal(imported.filter((message) => message.external_id === 'sms-7').length, 1);
    } finally {
      await harness.close();
    }
  });

  it('maps Front ids from message_imported onto the message', async () => {
    const harness = await startHarness();
    try {
      const answer = await inbound(harness, 'sms-9');
      const status = await waitFor(async () => {
        const body = await messageStatus(harness, answer.body.id);
        return body.status === 'imported' ? body : undefined;
      });
      const [conversation] = await conversations(harness);
      assert.equal(status.front_conversation_id, conversation?.id);
      assert.equal(status.front_message_id, conversation?.messages[0]?.id);
      assert.equal(status.external_conversation_id, '+15551230000');
      assert.match(String(status.message_uid), /\w+/);
    } finally {
      await harness.close();
    }
  });

  it('rides out a 429 storm and imports every message once', async () => {
    // Retry-After is honoured through the injected sleep, shortened so the storm passes quickly.
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 20)));
    const harness = await startHarness({ server: { sleep } });
    try {
      const fault = await control(harness, 'POST', '/faults', {
        kind: 'status',
        status: 429,
        count: 12,
      });
      assert.equal(fault.status, 200);
      const answers = [];
      for (const id of ['storm-1', 'storm-2', 'storm-3']) answers.push(await inbound(harness, id));
      for (const answer of answers) {
        await waitFor(
          async () => (await messageStatus(harness, answer.body.id)).status === 'imported',
          {
            timeoutMs: 30_000,
          },
        );
      }
      const imported = (await conversations(harness)).flatMap((c) => c.messages);
      assert.deepEqual(imported.map((message) => message.external_id).sort(), [
        'storm-1',
        'storm-2',
        'storm-3',
      ]);
    } finally {
      await harness.close();
    }
  });

  it('does not import again an outbound message that came from Front (echo)', async () => {
    const harness = await startHarness();
    try {
      const sent = await control(harness, 'POST', `/channels/${harness.channelId}/messages`, {
        to: ['+15551230000'],
        text: 'from a teammate',
      });
      const echo = await api(harness, 'POST', '/messages', {
        channel_id: harness.channelId,
        direction: 'outbound',
        external_id: sent.body.external_id,
        to: '+15551230000',
        body: 'from a teammate',
      });
      assert.equal(echo.status, 202);
      const stored = await messageStatus(harness, echo.body.id);
      assert.equal(stored.origin, 'front');
      const messages = (await conversations(harness)).flatMap((c) => c.messages);
      assert.equal(messages.length, 1);
    } finally {
      await harness.close();
    }
  });

  it('rejects a number that cannot be normalised, naming the field', async () => {
    const harness = await startHarness();
    try {
      const answer = await inbound(harness, 'bad-1', { from: '12' });
      assert.equal(answer.status, 400);
      assert.equal((answer.body.error as { code: string }).code, 'invalid_handle');
      assert.match((answer.body.error as { message: string }).message, /^from /);
    } finally {
      await harness.close();
    }
  });

  it('answers 404 when an account uses its key on another account’s channel', async () => {
    const harness = await startHarness();
    try {
      const other = await createAccount(harness.store, { name: 'other', connector: 'demo' });
      const response = await fetch(`${harness.server.url}/api/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${other.api_key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          channel_id: harness.channelId,
          direction: 'inbound',
          external_id: 'x',
          from: '+15551230000',
          body: 'hi',
        }),
      });
      assert.equal(response.status, 404);
      const mine = await inbound(harness, 'mine-1');
      const peek = await fetch(`${harness.server.url}/api/v1/messages/${String(mine.body.id)}`, {
        headers: { authorization: `Bearer ${other.api_key}` },
      });
      assert.equal(peek.status, 404);
    } finally {
      await harness.close();
    }
  });

  it('syncs multipart attachments with an empty body', async () => {
    const harness = await startHarness();
    try {
      const form = new FormData();
      form.set('channel_id', harness.channelId);
      form.set('direction', 'inbound');
      form.set('external_id', 'mms-1');
      form.set('from', '+447700900123');
      form.set(
        'attachments',
        new Blob([Buffer.from('fake-jpeg')], { type: 'image/jpeg' }),
        'photo.jpg',
      );
      const response = await fetch(`${harness.server.url}/api/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${harness.account.api_key}` },
        body: form,
      });
      assert.equal(response.status, 202);
      const { id } = (await response.json()) as { id: string };
      await waitFor(async () => (await messageStatus(harness, id)).status === 'imported');
      const [message] = (await conversations(harness)).flatMap((c) => c.messages);
      const files = (message?.attachments ?? []) as Array<{ filename: string }>;
      assert.deepEqual(
        files.map((file) => file.filename),
        ['photo.jpg'],
      );
    } finally {
      await harness.close();
    }
  });
});

describe('multipart size limits', () => {
  const BODY_LIMIT = 64 * 1024;

  function messageForm(harness: Harness, externalId: string, fileSizes: number[]): FormData {
    const form = new FormData();
    form.set('channel_id', harness.channelId);
    form.set('direction', 'inbound');
    form.set('external_id', externalId);
    form.set('from', '+447700900123');
    fileSizes.forEach((size, index) => {
      const blob = new Blob([Buffer.alloc(size, index + 1)], { type: 'image/jpeg' });
      form.append('attachments', blob, `photo-${index}.jpg`);
    });
    return form;
  }

  function postMessage(harness: Harness, body: BodyInit, headers: Record<string, string> = {}) {
    return fetch(`${harness.server.url}/api/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${harness.account.api_key}`, ...headers },
      body,
      duplex: 'half',
    } as RequestInit);
  }

  // A message stored under the refused external_id would make a different message under it a 409.
  async function assertNothingStored(harness: Harness, externalId: string) {
    const after = await inbound(harness, externalId, { body: 'sent after the refusal' });
    assert.equal(after.status, 202, JSON.stringify(after.body));
    assert.deepEqual(await harness.store.listAttachments(String(after.body.id)), []);
  }

  async function assertTooLarge(response: Response) {
    assert.equal(response.status, 413);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'payload_too_large');
    assert.match(error.message, new RegExp(`limit of ${BODY_LIMIT} bytes`));
  }

  it('accepts files whose total stays under the body limit', async () => {
    const harness = await startHarness({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
    try {
      const response = await postMessage(
        harness,
        messageForm(harness, 'mms-small', [20_000, 20_000]),
      );
      assert.equal(response.status, 202);
      const { id } = (await response.json()) as { id: string };
      assert.equal((await harness.store.listAttachments(id)).length, 2);
    } finally {
      await harness.close();
    }
  });

  it('answers 413 and stores nothing when the files together pass the body limit', async () => {
    const harness = await startHarness({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
    try {
      // Each file is well under the per-file cap; only their total is too large.
      const form = messageForm(harness, 'mms-big', [60_000, 60_000, 60_000, 60_000]);
      await assertTooLarge(await postMessage(harness, form));
      await assertNothingStored(harness, 'mms-big');
    } finally {
      await harness.close();
    }
  });

  it('answers 413 and stores nothing for a chunked request that declares no length', async () => {
    const harness = await startHarness({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
    try {
      const form = messageForm(harness, 'mms-chunked', [60_000, 60_000, 60_000, 60_000]);
      const encoded = new Response(form);
      const contentType = encoded.headers.get('content-type') ?? '';
      assert.ok(encoded.body);
      const response = await postMessage(harness, encoded.body, { 'content-type': contentType });
      await assertTooLarge(response);
      await assertNothingStored(harness, 'mms-chunked');
    } finally {
      await harness.close();
    }
  });
});

describe('channel deletion', () => {
  it('marks the channel deleted, keeps its history and stops its work', async () => {
    const harness = await startHarness();
    try {
      const answer = await inbound(harness, 'before-delete');
      await waitFor(
        async () => (await messageStatus(harness, answer.body.id)).status === 'imported',
      );
      const removed = await control(harness, 'DELETE', `/channels/${harness.channelId}`);
      assert.equal(removed.body.status, 200);

      const channel = await harness.store.getChannel(harness.channelId);
      assert.equal(channel?.status, 'deleted');
      assert.equal((await messageStatus(harness, answer.body.id)).status, 'imported');
      const after = await inbound(harness, 'after-delete');
      assert.equal(after.status, 404);
    } finally {
      await harness.close();
    }
  });
});
