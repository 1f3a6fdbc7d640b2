import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RESPONSE_DEADLINE_MS } from '../../src/index.ts';
import { type ReceivedRequest, startRig } from '../helpers/test-channel.ts';

// A channel that needs 8 s per message, scaled down: the emulator's deadline is 7 s / 20 (350 ms),
// and the channel's answer only comes when the test releases it, so the timeout is certain and the
// test stays fast. The deadline is not smaller so a loaded machine still authorizes in time.
function slowChannel() {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const answer = async (request: ReceivedRequest) => {
    if (request.event.type !== 'message') return undefined;
    await released;
    return {
      status: 200,
      body: { type: 'success', external_id: 'late', external_conversation_id: 'late' },
    };
  };
  return { answer, release: () => release() };
}

describe('response deadline', () => {
  it('defaults to 7000 ms when no deadline is configured', () => {
    assert.equal(DEFAULT_RESPONSE_DEADLINE_MS, 7000);
  });

  it('marks the message failed with webhook_timeout when the channel answers after the deadline', async () => {
    const slow = slowChannel();
    const rig = await startRig({ responseDeadlineMs: 350 }, slow.answer);
    try {
      const sent = await rig.control(`/_emulator/channels/${rig.channelId}/messages`, {
        body: { to: ['+15551230000'], text: 'Hi' },
      });

      assert.equal(sent.json.status, 'failed');
      assert.equal(sent.json.error_type, 'webhook_timeout');
      assert.match(sent.json.error, /no answer within 350 ms/);
      assert.equal(rig.emu.state.messages.get(sent.json.message_id)?.errorType, 'webhook_timeout');
      assert.equal(rig.channel.requests.filter((r) => r.event.type === 'message').length, 1);
    } finally {
      slow.release();
      await rig.close();
    }
  });

  it('sends the identical request again when redelivery on timeout is on', async () => {
    const slow = slowChannel();
    const rig = await startRig({ responseDeadlineMs: 350, redeliverOnTimeout: true }, slow.answer);
    try {
      await rig.control(`/_emulator/channels/${rig.channelId}/messages`, {
        body: { to: ['+15551230000'], text: 'Hi' },
      });

      const [first, second] = rig.channel.requests.filter((r) => r.event.type === 'message');
      assert.ok(first && second);
      assert.equal(second.raw, first.raw);
      assert.equal(second.headers['x-front-signature'], first.headers['x-front-signature']);
      assert.equal(
        second.headers['x-front-request-timestamp'],
        first.headers['x-front-request-timestamp'],
      );
      const log = (await rig.control('/_emulator/log')).json.entries;
      assert.equal(log.at(-1).repeat_of, log.at(-2).n);
    } finally {
      slow.release();
      await rig.close();
    }
  });

  it('marks the message failed with the problems when the answer breaks the schema', async () => {
    const rig = await startRig({}, (request) =>
      request.event.type === 'message'
        ? { status: 200, body: { type: 'success', external_id: 'x'.repeat(201) } }
        : undefined,
    );
    try {
      const sent = await rig.control(`/_emulator/channels/${rig.channelId}/messages`, {
        body: { to: ['+15551230000'], text: 'Hi' },
      });
      assert.equal(sent.json.status, 'failed');
      assert.equal(sent.json.error_type, 'webhook_error');
      assert.match(sent.json.error, /external_id/);
      assert.match(sent.json.error, /external_conversation_id/);
    } finally {
      await rig.close();
    }
  });
});
