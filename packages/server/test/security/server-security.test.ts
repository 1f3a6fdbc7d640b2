import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createChannelToken } from '@frontbridge/sdk';
import { buildDeleteEvent, buildMessageEvent, signForTesting } from '@frontbridge/sdk/testing';
import { createAccount, createLogger } from '../../src/index.ts';
import {
  APP_SECRET,
  APP_UID,
  addChannel,
  control,
  type Harness,
  startHarness,
  waitFor,
} from '../helpers/harness.ts';

const BODY_TEXT = 'body-text-that-must-never-be-logged-5521';
const API_BODY_TEXT = 'api-body-text-that-must-never-be-logged-9034';
const OLD_SECRET = 'previous-app-secret';

async function postWebhook(
  harness: Harness,
  body: unknown,
  options: { secret?: string; timestamp?: number } = {},
) {
  const signed = signForTesting({ body, secret: options.secret ?? APP_SECRET, ...options });
  const response = await fetch(harness.webhookUrl, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
  return {
    status: response.status,
    body: await response.text(),
    signature: signed.headers['x-front-signature'],
  };
}

async function apiPost(harness: Harness, key: string, body: unknown) {
  const response = await fetch(`${harness.server.url}/api/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('security: signatures, keys and tenants', () => {
  const lines: string[] = [];
  let harness: Harness;
  before(async () => {
    harness = await startHarness({
      // The old secret stays valid during a rotation; the first one signs.
      env: { FRONT_APP_SECRET: `${APP_SECRET},${OLD_SECRET}`, BODY_LIMIT_BYTES: String(64 * 1024) },
      server: {
        logger: createLogger({
          level: 'trace',
          destination: { write: (line: string) => lines.push(line) },
        }),
      },
    });
  });
  after(() => harness.close());

  it('refuses stale, future and wrongly signed webhooks and accepts the rotated secret', async () => {
    const event = () =>
      buildMessageEvent({ payload: { id: `msg_sig_${Math.random()}`, text: BODY_TEXT } });
    const now = Date.now();
    assert.equal(
      (await postWebhook(harness, event(), { timestamp: now - 6 * 60_000 })).status,
      401,
    );
    assert.equal(
      (await postWebhook(harness, event(), { timestamp: now + 6 * 60_000 })).status,
      401,
    );
    assert.equal((await postWebhook(harness, event(), { secret: 'wrong-secret' })).status, 401);
    assert.equal((await postWebhook(harness, event(), { secret: OLD_SECRET })).status, 200);
  });

  it('answers a replayed webhook with the same ids and delivers it once', async () => {
    const event = buildMessageEvent({ payload: { id: 'msg_replay_1', text: BODY_TEXT } });
    const first = await postWebhook(harness, event);
    const replay = await postWebhook(harness, event);
    assert.equal(first.status, 200);
    assert.deepEqual(JSON.parse(replay.body), JSON.parse(first.body));
    const externalId = JSON.parse(first.body).external_id as string;
    const deliveredOf = () =>
      harness.receiver.received.filter((r) => r.json.external_id === externalId);
    await waitFor(() => deliveredOf().length > 0, { what: 'the delivery' });
    await waitFor(async () =>
      Object.values(await harness.store.countPendingJobs()).every((n) => n === 0),
    );
    assert.equal(deliveredOf().length, 1);
  });

  it('refuses API calls without a valid API key, including a channel token or JWT in its place', async () => {
    const message = {
      channel_id: harness.channelId,
      direction: 'inbound',
      external_id: 'k1',
      from: '+15551230000',
      body: API_BODY_TEXT,
    };
    const jwt = await createChannelToken({
      appUid: APP_UID,
      appSecret: APP_SECRET,
      channelId: harness.channelId,
    });
    for (const key of [
      '',
      'nope',
      harness.account.channel_token,
      harness.account.signing_secret,
      jwt,
    ]) {
      assert.equal((await apiPost(harness, key, message)).status, 401, `key ${key.slice(0, 4)}`);
    }
    assert.equal((await apiPost(harness, harness.account.api_key, message)).status, 202);
  });

  it("answers 404 to account A's key on account B's channel and stores nothing", async () => {
    const other = await createAccount(harness.store, {
      name: 'beta',
      deliverUrl: harness.receiver.url,
    });
    const added = await addChannel(harness, other.channel_token);
    assert.equal(added.status, 201);
    const channelB = String(added.body.channel_id);
    const attempt = await apiPost(harness, harness.account.api_key, {
      channel_id: channelB,
      direction: 'inbound',
      external_id: 'cross-1',
      from: '+15551230000',
      body: 'x',
    });
    assert.equal(attempt.status, 404);
    const conversations = await control(harness, 'GET', `/channels/${channelB}/conversations`);
    assert.equal(JSON.stringify(conversations.body).includes('cross-1'), false);

    // Channel A's webhook token with a payload naming channel B: refused, B untouched.
    const refused = await postWebhook(
      harness,
      buildDeleteEvent({ payload: { channel_id: channelB } }),
    );
    assert.equal(refused.status, 400);
    assert.equal((await harness.store.getChannel(channelB))?.status, 'active');
  });

  it('answers 413 to bodies over the limit on the webhook and API routes', async () => {
    const big = buildMessageEvent({ payload: { id: 'msg_big', text: 'x'.repeat(100 * 1024) } });
    assert.equal((await postWebhook(harness, big)).status, 413);
    const api = await fetch(`${harness.server.url}/api/v1/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${harness.account.api_key}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ body: 'x'.repeat(100 * 1024) }),
    });
    assert.equal(api.status, 413);
    assert.equal(await harness.store.getMessage('msg_big'), undefined);
  });

  it('never logs a secret, token, API key, signature or message body', async () => {
    // Traffic that exercises failures too: unsigned, bad token, refused key.
    const signed = await postWebhook(
      harness,
      buildMessageEvent({ payload: { id: 'msg_log_1', text: BODY_TEXT } }),
    );
    await fetch(`${harness.server.url}/front`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${harness.account.channel_token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ type: 'authorization', payload: { channel_id: 'x' } }),
    });
    await apiPost(harness, `${harness.account.api_key}`, {
      channel_id: harness.channelId,
      direction: 'inbound',
      external_id: 'log-1',
      from: '+15551230000',
      body: API_BODY_TEXT,
    });
    await waitFor(() => harness.receiver.received.some((r) => r.body.includes(BODY_TEXT)));
    const webhookToken = new URL(harness.webhookUrl).pathname.split('/').pop() ?? '';
    const secrets = {
      APP_SECRET,
      OLD_SECRET,
      BODY_TEXT,
      API_BODY_TEXT,
      webhookToken,
      channel_token: harness.account.channel_token,
      api_key: harness.account.api_key,
      signing_secret: harness.account.signing_secret,
      signature: signed.signature,
    };
    assert.ok(lines.length > 5, `captured ${lines.length} log lines`);
    const all = lines.join('\n');
    for (const [name, value] of Object.entries(secrets)) {
      assert.equal(all.includes(value), false, `${name} appears in the logs`);
    }
  });
});
