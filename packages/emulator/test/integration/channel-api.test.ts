import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inboundBody, type Rig, startRig } from '../helpers/test-channel.ts';

describe('Channel API', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ rateLimit: { perChannelPerSecond: 1000 } });
  });
  after(() => rig.close());

  it('answers 202 with a message_uid and imports the message when an inbound message is synced', async () => {
    const response = await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
      body: inboundBody('in-1', '5551230001'),
    });
    const body = await response.json();

    assert.equal(response.status, 202);
    assert.equal(body.status, 'accepted');
    assert.equal(typeof body.message_uid, 'string');
    const imported = await rig.channel.waitFor('message_imported');
    assert.equal(imported.signatureValid, true);
    assert.equal(imported.event.payload.is_inbound, true);
    assert.deepEqual(imported.event.payload.metadata, { external_id: 'in-1' });
    assert.deepEqual(imported.event.metadata, {
      external_conversation_id: '5551230001',
      external_conversation_ids: ['5551230001'],
    });
    const from = (imported.event.payload.recipients as { role: string; handle: string }[]).find(
      (r) => r.role === 'from',
    );
    assert.equal(from?.handle, '+15551230001');
  });

  it('answers the same message_uid and imports once when an external_id repeats', async () => {
    const first = await (
      await rig.api(`/channels/${rig.channelId}/inbound_messages`, { body: inboundBody('dup-1') })
    ).json();
    const second = await (
      await rig.api(`/channels/${rig.channelId}/inbound_messages`, { body: inboundBody('dup-1') })
    ).json();
    await rig.emu.settled();

    assert.equal(second.message_uid, first.message_uid);
    const copies = [...rig.emu.state.messages.values()].filter((m) => m.externalId === 'dup-1');
    assert.equal(copies.length, 1);
  });

  it('threads messages with the same external_conversation_id into one conversation', async () => {
    await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
      body: inboundBody('t-1', 'thread-a'),
    });
    await rig.api(`/channels/${rig.channelId}/outbound_messages`, {
      body: {
        to: [{ handle: 'thread-a' }],
        body: 'Reply',
        metadata: { external_id: 't-2', external_conversation_id: 'thread-a' },
      },
    });
    await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
      body: inboundBody('t-3', 'thread-b'),
    });
    await rig.emu.settled();

    const byId = (id: string) =>
      [...rig.emu.state.messages.values()].find((m) => m.externalId === id);
    assert.equal(byId('t-1')?.conversationId, byId('t-2')?.conversationId);
    assert.notEqual(byId('t-1')?.conversationId, byId('t-3')?.conversationId);
    assert.equal(byId('t-2')?.direction, 'outbound');
  });

  it('flags an outbound message failed and answers 204 when its status is set to failed', async () => {
    await rig.api(`/channels/${rig.channelId}/outbound_messages`, {
      body: {
        to: [{ handle: '+15551239999' }],
        body: 'Hello',
        metadata: { external_id: 'st-1', external_conversation_id: '+15551239999' },
      },
    });
    await rig.emu.settled();
    const path = `/channels/${rig.channelId}/conversations/${encodeURIComponent('+15551239999')}/messages/st-1/status`;
    const response = await rig.api(path, {
      method: 'PUT',
      body: { status: 'failed', reason: 'Carrier rejected' },
    });

    assert.equal(response.status, 204);
    const message = [...rig.emu.state.messages.values()].find((m) => m.externalId === 'st-1');
    assert.equal(message?.status, 'failed');
    assert.equal(message?.errorMessage, 'Carrier rejected');
  });

  it('answers 404 when a status update names an unknown message', async () => {
    const path = `/channels/${rig.channelId}/conversations/nope/messages/nope/status`;
    const response = await rig.api(path, { method: 'PUT', body: { status: 'failed' } });
    assert.equal(response.status, 404);
    assert.equal((await response.json())._error.status, 404);
  });

  it('answers 204 and records the status when the channel is patched offline', async () => {
    const response = await rig.api(`/channels/${rig.channelId}`, {
      method: 'PATCH',
      body: { status: 'offline' },
    });
    assert.equal(response.status, 204);
    assert.equal(rig.emu.state.channels.get(rig.channelId)?.status, 'offline');
    await rig.api(`/channels/${rig.channelId}`, { method: 'PATCH', body: { status: 'ok' } });
  });

  it('creates and updates a template when the template routes are called', async () => {
    const template = {
      external_id: 'tpl-1',
      name: 'shipping_update',
      blurb: 'Hi {{1}}',
      is_disabled: false,
      status_name: 'APPROVED',
      variable_mappings: [{ uid: '1', name: 'first_name', type: 'text' }],
      template_preview: 'Hi {{1}}',
    };
    const created = await rig.api(`/channels/${rig.channelId}/application_message_templates`, {
      method: 'PUT',
      body: template,
    });
    const updated = await rig.api(
      `/channels/${rig.channelId}/application_message_templates/tpl-1`,
      { method: 'PATCH', body: { is_disabled: true } },
    );

    assert.equal(created.status, 200);
    const id = (await created.json()).template_id;
    assert.equal((await updated.json()).template_id, id);
    const missing = await rig.api(`/channels/${rig.channelId}/application_message_templates/none`, {
      method: 'PATCH',
      body: {},
    });
    assert.equal(missing.status, 404);
  });

  it('answers 202 to each voice call route when the call exists', async () => {
    const base = `/channels/${rig.channelId}/calls`;
    const create = {
      external_call_id: 'call-1',
      initial_status: 'ringing',
      direction: 'inbound',
      from: { handle: '+15551230000' },
    };
    const statuses = [
      (await rig.api(base, { body: create })).status,
      (await rig.api(`${base}/call-1`, { method: 'PATCH', body: { call_status: 'connected' } }))
        .status,
      (await rig.api(`${base}/call-1/summary`, { body: { content: 'Asked about an order' } }))
        .status,
      (
        await rig.api(`${base}/call-1/transcript`, {
          body: {
            lines: [
              {
                speaker_name: 'Dana',
                content: 'Hi',
                start_time_seconds: 0,
                speaker_type: 'external',
              },
            ],
          },
        })
      ).status,
    ];
    const form = new FormData();
    form.append('recording_type', 'voicemail');
    form.append('attachments', new Blob([Buffer.from('RIFF')], { type: 'audio/wav' }), 'vm.wav');
    const recording = await fetch(`${rig.emu.apiUrl}${base}/call-1/recording`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${await rig.token()}` },
    });

    assert.deepEqual(statuses, [202, 202, 202, 202]);
    assert.equal(recording.status, 202);
    const call = rig.emu.state.calls.get(`${rig.channelId}\u0000call-1`);
    assert.equal(call?.status, 'connected');
    assert.equal(call?.recordings[0]?.recordingType, 'voicemail');
    assert.equal(
      (await rig.api(`${base}/other`, { method: 'PATCH', body: { call_status: 'hangup' } })).status,
      404,
    );
  });

  it('serves a message, its conversation and its attachment to the channel token', async () => {
    const form = new FormData();
    form.append('sender[handle]', '+15551234444');
    form.append('body', 'Photo');
    form.append('metadata[external_id]', 'att-1');
    form.append('metadata[external_conversation_id]', 'att-thread');
    form.append('attachments[0]', new Blob(['image-bytes'], { type: 'image/jpeg' }), 'photo.jpg');
    await fetch(`${rig.emu.apiUrl}/channels/${rig.channelId}/inbound_messages`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${await rig.token()}` },
    });
    await rig.emu.settled();
    const message = [...rig.emu.state.messages.values()].find((m) => m.externalId === 'att-1');
    assert.ok(message);

    const got = await (await rig.api(`/messages/${message.id}`, { method: 'GET' })).json();
    const conversation = await (
      await rig.api(`/conversations/${message.conversationId}`, { method: 'GET' })
    ).json();
    const file = await rig.api(new URL(got.attachments[0].url).pathname, { method: 'GET' });
    const unauthenticated = await fetch(got.attachments[0].url);

    assert.equal(got.metadata.external_id, 'att-1');
    assert.deepEqual(conversation.metadata.external_conversation_ids, ['att-thread']);
    assert.equal(file.headers.get('content-type'), 'image/jpeg');
    assert.equal(await file.text(), 'image-bytes');
    assert.equal(unauthenticated.status, 401);
  });

  it('answers 400 naming each field when a sync body is incomplete', async () => {
    const response = await rig.api(`/channels/${rig.channelId}/outbound_messages`, {
      body: { to: { handle: 'x' }, body: '   ', metadata: { external_id: 'x'.repeat(201) } },
    });
    const body = await response.json();

    assert.equal(response.status, 400);
    assert.equal(body._error.title, 'Bad request');
    assert.ok(body._error.details.includes('body.to: must be an array of recipients'));
    assert.ok(body._error.details.includes('body.body: must not be blank'));
    assert.ok(
      body._error.details.includes('body.metadata.external_id: must be at most 200 characters'),
    );
    assert.ok(body._error.details.includes('body.metadata.external_conversation_id: missing'));
  });

  it('answers 400 in the error shape when the body is blank or not JSON', async () => {
    const blank = await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
      body: '',
      headers: { 'content-type': 'application/json' },
    });
    const broken = await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
      body: '{"sender":',
      headers: { 'content-type': 'application/json' },
    });

    assert.equal(blank.status, 400);
    assert.match((await blank.json())._error.message, /empty/);
    assert.equal(broken.status, 400);
    assert.match((await broken.json())._error.message, /not valid JSON/);
  });

  it('answers 404 in the error shape when the route does not exist', async () => {
    const response = await rig.api('/nothing/here', { method: 'GET' });
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), {
      _error: { status: 404, title: 'Not found', message: 'No such route.' },
    });
  });

  it('answers 400 in the error shape when the URL is malformed', async () => {
    const response = await rig.api('/channels/%E0%A4%A/inbound_messages', { body: {} });
    assert.equal(response.status, 400);
    assert.equal((await response.json())._error.status, 400);
  });
});
