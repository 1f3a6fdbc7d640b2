import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Rig, startRig } from '../helpers/test-channel.ts';

// Shaped like the server's tokens: `fbw_` and 32 random bytes in base64url.
const WEBHOOK_TOKEN = 'fbw_Q2hhbm5lbFRva2VuLXNlY3JldC0wMTIzNDU2Nzg5YWI';
const TOKEN_TAIL = WEBHOOK_TOKEN.slice(8);

describe('exchange log', () => {
  let rig: Rig;
  before(async () => {
    // The channel answers the authorization with a webhook URL that carries its token.
    rig = await startRig({}, (request) =>
      request.event.type === 'authorization'
        ? {
            status: 200,
            body: {
              type: 'success',
              webhook_url: `http://${request.headers.host}/front/channels/${WEBHOOK_TOKEN}`,
            },
          }
        : undefined,
    );
    const sent = await rig.control(`/_emulator/channels/${rig.channelId}/messages`, {
      body: { to: ['+15551230000'], text: 'Your parcel ships today.' },
    });
    assert.equal(sent.json.status, 'sent');
  });
  after(() => rig.close());

  it('shows the webhook URL with its fbw_ token masked', async () => {
    const response = await fetch(`${rig.emu.url}/_emulator/log`);
    const text = await response.text();
    const { entries } = JSON.parse(text);
    const message = entries.find((entry: { kind: string }) => entry.kind === 'message');
    const authorization = entries.find((entry: { kind: string }) => entry.kind === 'authorization');

    assert.equal(response.status, 200);
    assert.ok(!text.includes(WEBHOOK_TOKEN));
    assert.ok(!text.includes(TOKEN_TAIL));
    assert.match(message.url, /^http:\/\/127\.0\.0\.1:\d+\/front\/channels\/fbw_Q2hh…\(masked\)$/);
    assert.match(JSON.parse(authorization.response_body).webhook_url, /fbw_Q2hh…\(masked\)$/);
  });

  it('replays to the real webhook URL and shows the replay masked', async () => {
    const { entries } = (await rig.control('/_emulator/log')).json;
    const original = entries.find((entry: { kind: string }) => entry.kind === 'message');

    const response = await fetch(`${rig.emu.url}/_emulator/log/${original.n}/replay`, {
      method: 'POST',
    });
    const text = await response.text();

    assert.equal(response.status, 200);
    assert.equal(rig.channel.requests.at(-1)?.path, `/front/channels/${WEBHOOK_TOKEN}`);
    assert.equal(JSON.parse(text).status, 200);
    assert.ok(!text.includes(TOKEN_TAIL));
  });
});
