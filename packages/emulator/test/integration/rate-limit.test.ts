import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inboundBody, startRig } from '../helpers/test-channel.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 30, 250);

describe('rate limits', () => {
  it('answers 429 with retry-after and x-front-tier when a burst passes the per-channel limit', async () => {
    const rig = await startRig({
      now: () => NOW,
      rateLimit: { perChannelPerSecond: 3, perMinute: 100 },
    });
    try {
      const responses = [];
      for (let i = 0; i < 5; i++) {
        responses.push(
          await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
            body: inboundBody(`rl-${i}`),
          }),
        );
      }
      const statuses = responses.map((response) => response.status);
      const ok = responses[0];
      const limited = responses[3];

      assert.deepEqual(statuses, [202, 202, 202, 429, 429]);
      assert.equal(ok?.headers.get('x-ratelimit-limit'), '100');
      assert.equal(ok?.headers.get('x-ratelimit-remaining'), '99');
      assert.equal(
        ok?.headers.get('x-ratelimit-reset'),
        String(Date.UTC(2026, 0, 1, 12, 1, 0) / 1000),
      );
      assert.equal(limited?.headers.get('retry-after'), '1');
      assert.equal(limited?.headers.get('x-front-tier'), 'burst');
      assert.equal(limited?.headers.get('x-ratelimit-remaining'), '0');
      assert.ok(limited);
      const error = (await limited.json()) as { _error: { status: number } };
      assert.equal(error._error.status, 429);
    } finally {
      await rig.close();
    }
  });

  it('keeps the channel budget for authenticated calls when unauthenticated calls exceed it', async () => {
    const rig = await startRig({
      now: () => NOW,
      rateLimit: { perChannelPerSecond: 3, perMinute: 4 },
    });
    try {
      const path = `/channels/${rig.channelId}/inbound_messages`;
      const refused = [];
      for (let i = 0; i < 5; i++) {
        // Alternately without an Authorization header and with a token that is no JWT.
        const response =
          i % 2 === 0
            ? await fetch(`${rig.emu.apiUrl}${path}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(inboundBody(`anon-${i}`)),
              })
            : await rig.api(path, { token: 'not.a.jwt', body: inboundBody(`anon-${i}`) });
        refused.push(response.status);
      }
      const accepted = await rig.api(path, { body: inboundBody('after-anon') });

      assert.equal(accepted.status, 202);
      assert.deepEqual(refused, [401, 401, 401, 401, 401]);
      assert.equal(accepted.headers.get('x-ratelimit-remaining'), '3');
    } finally {
      await rig.close();
    }
  });

  it('answers 429 for the rest of the minute when the company budget is spent', async () => {
    const rig = await startRig({
      now: () => NOW,
      rateLimit: { perChannelPerSecond: 100, perMinute: 2 },
    });
    try {
      const statuses = [];
      let last: Response | undefined;
      for (let i = 0; i < 3; i++) {
        last = await rig.api(`/channels/${rig.channelId}/inbound_messages`, {
          body: inboundBody(`rm-${i}`),
        });
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [202, 202, 429]);
      assert.equal(last?.headers.get('retry-after'), '30');
      assert.equal(last?.headers.get('x-front-tier'), 'company');
    } finally {
      await rig.close();
    }
  });
});
