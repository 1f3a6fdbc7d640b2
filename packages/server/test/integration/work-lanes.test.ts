import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, control, startHarness, waitFor } from '../helpers/harness.ts';

describe('work lanes', () => {
  it('delivers a teammate message while a backlog of syncs waits for Front’s rate limit', async () => {
    // One request per second to Front and two slots per lane: eight syncs keep the Front lane
    // busy for about eight seconds.
    const harness = await startHarness({
      env: { FRONT_REQUESTS_PER_SECOND: '1', WORKER_CONCURRENCY: '2' },
    });
    try {
      for (let index = 0; index < 8; index++) {
        const accepted = await api(harness, 'POST', '/messages', {
          channel_id: harness.channelId,
          direction: 'inbound',
          external_id: `backlog-${index}`,
          from: `+1555123000${index}`,
          body: `backlog ${index}`,
        });
        assert.equal(accepted.status, 202);
      }
      const sent = await control(harness, 'POST', `/channels/${harness.channelId}/messages`, {
        to: ['+15559990000'],
        text: 'A teammate answers',
      });
      assert.equal(sent.status, 200);

      await waitFor(() => harness.receiver.received.length === 1, {
        timeoutMs: 5000,
        what: 'the delivery, ahead of the sync backlog',
      });
      const waitingSyncs = (await harness.store.countPendingJobs()).sync ?? 0;
      assert.ok(
        waitingSyncs >= 3,
        `${waitingSyncs} syncs still waiting when the delivery was made`,
      );
    } finally {
      await harness.close();
    }
  });
});
