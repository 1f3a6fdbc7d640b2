import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { computeFrontSignature } from '@frontbridge/sdk';
import {
  APP_SECRET,
  inboundBody,
  type Rig,
  startRig,
  startTestChannel,
} from '../helpers/test-channel.ts';

// biome-ignore lint/suspicious/noExplicitAny: a received event payload, asserted field by field.
type MessagePayload = Record<string, any>;

describe('control API', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ rateLimit: { perChannelPerSecond: 1000 } });
  });
  after(() => rig.close());

  it('runs the signed authorization call with the Bearer token when a channel is added', async () => {
    const [authorization] = rig.channel.requests;
    assert.equal(authorization?.method, 'POST');
    assert.equal(authorization?.path, '/');
    assert.equal(authorization?.headers.authorization, 'Bearer api-token-1');
    assert.equal(authorization?.signatureValid, true);
    assert.deepEqual(authorization?.event, {
      type: 'authorization',
      payload: { channel_id: rig.channelId },
    });
    const listed = (await rig.control('/_emulator/channels')).json.channels;
    assert.ok(
      listed.some(
        (c: { id: string; webhook_url: string }) =>
          c.id === rig.channelId && c.webhook_url === `${rig.channel.url}/front/hook`,
      ),
    );
  });

  it('re-creates a channel under a requested id and refuses an id already in use', async () => {
    const body = {
      token: 'api-token-1',
      channel_url: `${rig.channel.url}/`,
      channel_id: 'cha_kept1',
    };

    const created = await rig.control('/_emulator/channels', { body });
    const again = await rig.control('/_emulator/channels', { body });
    const malformed = await rig.control('/_emulator/channels', {
      body: { ...body, channel_id: '../etc' },
    });

    assert.equal(created.status, 201);
    assert.equal(created.json.channel_id, 'cha_kept1');
    assert.equal(again.status, 409);
    assert.equal(malformed.status, 400);
  });

  it('answers 502 with what the channel said when it refuses the authorization', async () => {
    const refusing = await startTestChannel(() => ({
      status: 400,
      body: { type: 'bad_request', message: 'unknown token' },
    }));
    try {
      const result = await rig.control('/_emulator/channels', {
        body: { token: 'bad', channel_url: refusing.url },
      });
      assert.equal(result.status, 502);
      assert.equal(result.json.channel_status, 400);
      assert.match(result.json.channel_body, /unknown token/);
      assert.ok(result.json._error.details.includes('the channel answered HTTP 400'));
    } finally {
      await refusing.close();
    }
  });

  it('answers 502 naming the field when the authorization answer has a relative webhook_url', async () => {
    const relative = await startTestChannel(() => ({
      status: 200,
      body: { type: 'success', webhook_url: '/hook' },
    }));
    try {
      const result = await rig.control('/_emulator/channels', {
        body: { token: 't', channel_url: relative.url },
      });
      assert.equal(result.status, 502);
      assert.ok(result.json._error.details.some((d: string) => d.startsWith('webhook_url')));
    } finally {
      await relative.close();
    }
  });

  it('sends a realistic signed message event when a teammate sends', async () => {
    const attachment = {
      filename: 'label.pdf',
      content_type: 'application/pdf',
      content_base64: Buffer.from('%PDF').toString('base64'),
    };
    const sent = await rig.control(`/_emulator/channels/${rig.channelId}/messages`, {
      body: {
        to: ['(555) 123-0100'],
        text: 'Your parcel ships today.',
        subject: 'Order 4411',
        attachments: [attachment],
      },
    });
    const request = rig.channel.requests.find(
      (r) => r.event.type === 'message' && r.event.payload.id === sent.json.message_id,
    );
    const payload = request?.event.payload as MessagePayload;

    assert.equal(sent.json.status, 'sent');
    assert.equal(sent.json.external_conversation_id, '+15551230100');
    assert.equal(request?.path, '/front/hook');
    assert.equal(request?.signatureValid, true);
    assert.equal(request?.raw, JSON.stringify(request?.event));
    assert.match(payload.id, /^msg_/);
    assert.equal(payload.type, 'custom');
    assert.equal(payload.is_inbound, false);
    assert.equal(payload.author.id, 'tea_emulator');
    assert.equal(payload.subject, 'Order 4411');
    assert.ok(payload.created_at < 1e11, 'created_at is in seconds');
    assert.deepEqual(
      payload.recipients.map((r: { role: string }) => r.role),
      ['from', 'to'],
    );
    assert.equal(payload.recipients[1].handle, '+15551230100');
    assert.equal(payload.attachments[0].size, 4);
    assert.match(
      payload.attachments[0].url,
      new RegExp(`^${rig.emu.url}/messages/msg_.+/download/fil_`),
    );
    assert.match(request?.headers['x-front-request-timestamp'] as string, /^\d{13}$/);
  });

  it('replies to the conversation contact with message_replied_to when only conversation_id is given', async () => {
    await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
      body: inboundBody('reply-1', '+15551230200'),
    });
    await rig.emu.settled();
    const conversationId = [...rig.emu.state.messages.values()].find(
      (m) => m.externalId === 'reply-1',
    )?.conversationId;
    const sent = await rig.control(`/_emulator/channels/${rig.channelId}/messages`, {
      body: { conversation_id: conversationId, text: 'On its way' },
    });
    const payload = rig.channel.requests.find((r) => r.event.payload.id === sent.json.message_id)
      ?.event.payload as MessagePayload;

    assert.equal(sent.json.conversation_id, conversationId);
    assert.equal(payload.recipients[1].handle, '+15551230200');
    assert.match(payload._links.related.message_replied_to, /\/messages\/msg_/);
  });

  it('sends the reduced message_autoreply payload when an auto-reply fires', async () => {
    const sent = await rig.control(`/_emulator/channels/${rig.channelId}/autoreplies`, {
      body: { to: ['+15551230300'], text: 'We reply within a day.' },
    });
    const request = rig.channel.requests.findLast((r) => r.event.type === 'message_autoreply');
    const payload = request?.event.payload as Record<string, unknown>;

    assert.equal(sent.json.status, 'sent');
    assert.equal(payload.id, undefined);
    assert.equal(payload.author, undefined);
    assert.equal(payload.type, 'auto_reply');
    assert.equal(request?.signatureValid, true);
  });

  it('lists conversations with each message direction, status and ids', async () => {
    const { conversations } = (
      await rig.control(`/_emulator/channels/${rig.channelId}/conversations`)
    ).json;
    const replied = conversations.find((c: { external_conversation_ids: string[] }) =>
      c.external_conversation_ids.includes('+15551230200'),
    );
    assert.deepEqual(
      replied.messages.map((m: { direction: string; status: string }) => [m.direction, m.status]),
      [
        ['inbound', 'imported'],
        ['outbound', 'sent'],
      ],
    );
    assert.equal(replied.messages[0].external_id, 'reply-1');
    assert.match(replied.messages[0].message_uid, /\w+/);
    assert.match(replied.messages[1].id, /^msg_/);
  });

  it('keeps every exchange with masked secrets and a verdict in the log', async () => {
    const { entries } = (await rig.control('/_emulator/log')).json;
    const outgoing = entries.find((e: { kind: string }) => e.kind === 'message');
    const incoming = entries.find((e: { direction: string }) => e.direction === 'from_channel');

    assert.equal(outgoing.direction, 'to_channel');
    assert.equal(outgoing.verdict, 'signature valid');
    assert.equal(outgoing.request_headers.authorization, 'Bearer api-…(masked)');
    assert.match(outgoing.request_headers['x-front-signature'], /^.{4}…\(masked\)$/);
    assert.equal(outgoing.status, 200);
    assert.equal(typeof outgoing.duration_ms, 'number');
    assert.equal(incoming.verdict, 'token valid');
    assert.doesNotMatch(JSON.stringify(entries), /eyJ[\w-]{20,}\.[\w-]+\.[\w-]+/);
  });

  it('sends the logged request again with the same body when it is replayed', async () => {
    const { entries } = (await rig.control('/_emulator/log')).json;
    const original = entries.find((e: { kind: string }) => e.kind === 'message');
    const before = rig.channel.requests.length;
    const replayed = await rig.control(`/_emulator/log/${original.n}/replay`, { method: 'POST' });

    assert.equal(replayed.json.repeat_of, original.n);
    assert.equal(rig.channel.requests.length, before + 1);
    assert.equal(rig.channel.requests.at(-1)?.raw, original.request_body);
    assert.equal(
      (await rig.control('/_emulator/log/99999/replay', { method: 'POST' })).status,
      404,
    );
  });

  it('merges conversations and reports both external ids on the next import', async () => {
    await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
      body: inboundBody('mg-1', 'merge-a'),
    });
    await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
      body: inboundBody('mg-2', 'merge-b'),
    });
    await rig.emu.settled();
    const conversationOf = (id: string) =>
      [...rig.emu.state.messages.values()].find((m) => m.externalId === id)?.conversationId;
    const merged = await rig.control('/_emulator/conversations/merge', {
      body: { target_id: conversationOf('mg-1'), source_ids: [conversationOf('mg-2')] },
    });
    await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
      body: inboundBody('mg-3', 'merge-b'),
    });
    const imported = await rig.channel.waitFor(
      'message_imported',
      rig.channel.requests.filter((r) => r.event.type === 'message_imported').length + 1,
    );

    assert.deepEqual(merged.json.external_conversation_ids, ['merge-a', 'merge-b']);
    assert.equal(conversationOf('mg-3'), conversationOf('mg-1'));
    assert.deepEqual(imported.event.metadata, {
      external_conversation_id: 'merge-b',
      external_conversation_ids: ['merge-a', 'merge-b'],
    });
  });

  it('answers the next calls with the injected status, then recovers', async () => {
    await rig.control('/_emulator/faults', { body: { kind: 'status', status: 503, count: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (
          await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
            body: inboundBody(`fault-${i}`),
          })
        ).status,
      );
    }
    assert.deepEqual(statuses, [503, 503, 202]);
    assert.deepEqual((await rig.control('/_emulator/faults')).json.faults, []);
  });

  it('drops the connection when a drop fault is injected', async () => {
    await rig.control('/_emulator/faults', { body: { kind: 'drop' } });
    await assert.rejects(
      rig.api(`/channels/${rig.channelId}/inbound_messages`, { body: inboundBody('drop-1') }),
      TypeError,
    );
  });

  it('answers 400 in the error shape when a fault is malformed', async () => {
    const result = await rig.control('/_emulator/faults', {
      body: { kind: 'status', status: 418 },
    });
    assert.equal(result.status, 400);
    assert.equal(result.json._error.status, 400);
  });
});

describe('control API delete', () => {
  for (const mode of ['body', 'undefined'] as const) {
    it(`signs the delete event over the ${mode === 'body' ? 'JSON body' : 'string undefined'} when the mode is ${mode}`, async () => {
      const rig = await startRig({ deleteSignatureMode: mode });
      try {
        const result = await rig.control(`/_emulator/channels/${rig.channelId}`, {
          method: 'DELETE',
        });
        const request = rig.channel.requests.at(-1);
        const signed = mode === 'body' ? (request?.raw ?? '') : 'undefined';
        const expected = computeFrontSignature(
          APP_SECRET,
          String(request?.headers['x-front-request-timestamp']),
          signed,
        );

        assert.equal(result.json.status, 200);
        assert.equal(request?.method, 'DELETE');
        assert.deepEqual(request?.event, {
          type: 'delete',
          payload: { channel_id: rig.channelId },
        });
        assert.equal(request?.headers['x-front-signature'], expected);
        assert.deepEqual((await rig.control('/_emulator/channels')).json.channels, []);
        assert.equal(
          (await rig.api(`/channels/${rig.channelId}`, { method: 'PATCH', body: { status: 'ok' } }))
            .status,
          404,
        );
      } finally {
        await rig.close();
      }
    });
  }
});

describe('control API latency fault', () => {
  it('waits the injected latency through the injected sleep before answering', async () => {
    const slept: number[] = [];
    const rig = await startRig({
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    try {
      await rig.control('/_emulator/faults', { body: { kind: 'latency', ms: 1500, count: 1 } });
      const first = await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
        body: inboundBody('lat-1'),
      });
      const second = await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
        body: inboundBody('lat-2'),
      });

      assert.deepEqual([first.status, second.status], [202, 202]);
      assert.deepEqual(slept, [1500]);
    } finally {
      await rig.close();
    }
  });
});
