import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { APP_SECRET, APP_UID, inboundBody, type Rig, startRig } from '../helpers/test-channel.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const nowSeconds = NOW / 1000;
let jtiCounter = 0;

function sign(claims: Record<string, unknown>, secret = APP_SECRET): Promise<string> {
  return new SignJWT({ jti: `jti-${++jtiCounter}`, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

function unsigned(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

describe('Channel API token checks', () => {
  let rig: Rig;
  let otherChannelId: string;
  let externalId = 0;
  before(async () => {
    rig = await startRig({ now: () => NOW, rateLimit: { perChannelPerSecond: 1000 } });
    otherChannelId = (await rig.control('/_emulator/channels', { body: { token: 'api-token-2' } }))
      .json.channel_id;
  });
  after(() => rig.close());

  const valid = () => ({ iss: APP_UID, sub: rig.channelId, exp: nowSeconds + 10 });
  const send = async (token: string, channelId = rig.channelId) => {
    const response = await rig.api(`/channels/${channelId}/inbound_messages`, {
      token,
      body: inboundBody(`jwt-${++externalId}`),
    });
    return {
      status: response.status,
      message: ((await response.json()) as { _error?: { message: string } })._error?.message,
    };
  };

  const cases: [string, () => Promise<string>, number, RegExp | undefined][] = [
    ['a valid token', () => sign(valid()), 202, undefined],
    [
      'exp a few seconds past, within the leeway',
      () => sign({ ...valid(), exp: nowSeconds - 2 }),
      202,
      undefined,
    ],
    ['an expired token', () => sign({ ...valid(), exp: nowSeconds - 60 }), 401, /expired/],
    [
      'an hour-long token',
      () => sign({ ...valid(), exp: nowSeconds + 3600 }),
      401,
      /more than 30 s/,
    ],
    ['exp in milliseconds', () => sign({ ...valid(), exp: NOW + 10_000 }), 401, /milliseconds/],
    ['a wrong iss', () => sign({ ...valid(), iss: 'other-app' }), 401, /iss/],
    ['no exp', () => sign({ iss: APP_UID, sub: rig.channelId }), 401, /exp/],
    [
      'no jti',
      () =>
        new SignJWT(valid())
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode(APP_SECRET)),
      401,
      /jti/,
    ],
    ['another secret', () => sign(valid(), 'not-the-secret'), 401, /signature/],
    ['alg none', async () => unsigned({ ...valid(), jti: 'none-1' }), 401, /HS256/],
    ['garbage', async () => 'not.a.jwt', 401, /JWT/],
  ];
  for (const [name, makeToken, status, message] of cases) {
    it(`answers ${status} when the request carries ${name}`, async () => {
      const result = await send(await makeToken());
      assert.equal(result.status, status);
      if (message) assert.match(result.message ?? '', message);
    });
  }

  it('answers 403 when sub names another existing channel', async () => {
    const result = await send(await sign({ ...valid(), sub: otherChannelId }));
    assert.equal(result.status, 403);
  });

  it('answers 404 when the path names no channel', async () => {
    const result = await send(await sign(valid()), 'cha_missing');
    assert.equal(result.status, 404);
  });

  it('answers 401 when a jti is used a second time', async () => {
    const token = await sign(valid());
    assert.equal((await send(token)).status, 202);
    const again = await send(token);
    assert.equal(again.status, 401);
    assert.match(again.message ?? '', /already used/);
  });

  it('answers 401 when the Authorization header is missing or not Bearer', async () => {
    const missing = await fetch(`${rig.emu.apiUrl}/channels/${rig.channelId}/inbound_messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(inboundBody('jwt-none')),
    });
    const basic = await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
      headers: { authorization: 'Basic abc' },
      body: inboundBody('jwt-basic'),
    });
    assert.equal(missing.status, 401);
    assert.equal(basic.status, 401);
  });

  it('accepts the channel address alias as the path channel', async () => {
    const address = rig.emu.state.channels.get(rig.channelId)?.address ?? '';
    const result = await send(await sign(valid()), `alt:address:${encodeURIComponent(address)}`);
    assert.equal(result.status, 202);
  });
});
