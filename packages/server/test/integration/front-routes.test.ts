import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMessageEvent, signForTesting } from '@frontbridge/sdk/testing';
import { FRONT_ROUTES } from '../../src/index.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

function urlOf(harness: Harness, route: string): string {
  const token = new URL(harness.webhookUrl).pathname.split('/').pop() ?? '';
  return `${harness.server.url}${route.replace(':token', token)}`;
}

const body = JSON.stringify({ type: 'authorization', payload: { channel_id: 'cha_x' } });

describe('front routes', () => {
  it('rejects an unsigned or wrongly signed request on every route in the table', async () => {
    const harness = await startHarness();
    try {
      assert.ok(FRONT_ROUTES.length >= 3);
      for (const route of FRONT_ROUTES) {
        const url = urlOf(harness, route.url);
        const unsigned = await fetch(url, {
          method: route.method,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${harness.account.channel_token}`,
          },
          body,
        });
        assert.equal(unsigned.status, 401, `${route.method} ${route.url} unsigned`);

        const signed = signForTesting({ body, secret: 'not-the-app-secret' });
        const forged = await fetch(url, {
          method: route.method,
          headers: signed.headers,
          body: signed.body,
        });
        assert.equal(forged.status, 401, `${route.method} ${route.url} forged`);
      }
      assert.equal(await harness.store.getChannel('cha_x'), undefined);
    } finally {
      await harness.close();
    }
  });

  it('answers 404 for an unknown webhook token and 400 for a payload naming another channel', async () => {
    const harness = await startHarness();
    try {
      const secret = harness.config.frontAppSecrets[0] ?? '';
      const other = signForTesting({
        body: { type: 'delete', payload: { channel_id: 'cha_other' } },
        secret,
      });
      const unknown = await fetch(`${harness.server.url}/front/channels/fbw_nope`, {
        method: 'POST',
        headers: other.headers,
        body: other.body,
      });
      assert.equal(unknown.status, 404);

      const mismatch = await fetch(harness.webhookUrl, {
        method: 'DELETE',
        headers: other.headers,
        body: other.body,
      });
      assert.equal(mismatch.status, 400);
      assert.equal((await harness.store.getChannel(harness.channelId))?.status, 'active');
    } finally {
      await harness.close();
    }
  });

  it('answers 200 {} to an event type it does not know', async () => {
    const harness = await startHarness();
    try {
      const secret = harness.config.frontAppSecrets[0] ?? '';
      const signed = signForTesting({ body: { type: 'brand_new_event', payload: {} }, secret });
      const response = await fetch(harness.webhookUrl, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {});
    } finally {
      await harness.close();
    }
  });

  it('deletes the channel on a bare DELETE signed over "undefined"', async () => {
    const harness = await startHarness();
    try {
      const secret = harness.config.frontAppSecrets[0] ?? '';
      const { headers } = signForTesting({ body: '', secret, signUndefined: true });
      const response = await fetch(harness.webhookUrl, { method: 'DELETE', headers });
      assert.equal(response.status, 200);
      assert.equal((await harness.store.getChannel(harness.channelId))?.status, 'deleted');
    } finally {
      await harness.close();
    }
  });

  it('refuses a DELETE whose body a signature over "undefined" does not cover', async () => {
    const harness = await startHarness();
    try {
      const secret = harness.config.frontAppSecrets[0] ?? '';
      const { headers } = signForTesting({ body: '', secret, signUndefined: true });
      const injected = JSON.stringify(
        buildMessageEvent({ payload: { id: 'msg_injected', text: 'not from Front' } }),
      );
      const response = await fetch(harness.webhookUrl, {
        method: 'DELETE',
        headers: { ...headers, 'content-type': 'application/json' },
        body: injected,
      });
      assert.equal(response.status, 401);
      assert.equal((await harness.store.getChannel(harness.channelId))?.status, 'active');
      assert.equal(harness.receiver.hits, 0);
    } finally {
      await harness.close();
    }
  });
});
