import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, control, type Harness, startHarness, waitFor } from '../helpers/harness.ts';

// Waits inside calls to Front (retry-after, backoff, pacing) run 20 times faster than the clock.
const fastSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms / 20));

async function queueDrained(harness: Harness) {
  const pending = await harness.store.countPendingJobs();
  return Object.values(pending).every((count) => count === 0);
}

async function sendFromFront(harness: Harness, text: string) {
  const sent = await control(harness, 'POST', `/channels/${harness.channelId}/messages`, {
    to: ['+15551230000'],
    text,
  });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  return String(sent.body.message_id);
}

describe('faults: Front (the emulator) failing', () => {
  it('syncs every accepted message exactly once through 429, 500, 503 and dropped connections', async () => {
    const harness = await startHarness({ server: { sleep: fastSleep } });
    try {
      const faults = [
        { kind: 'status', status: 429, count: 6 },
        { kind: 'drop', count: 4 },
        { kind: 'status', status: 500, count: 4 },
        { kind: 'status', status: 503, count: 6 },
        { kind: 'drop', count: 3 },
      ];
      for (const fault of faults)
        assert.equal((await control(harness, 'POST', '/faults', fault)).status, 200);
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const answer = await api(harness, 'POST', '/messages', {
          channel_id: harness.channelId,
          direction: 'inbound',
          external_id: `fault-sync-${i}`,
          from: `+1555123${String(1000 + (i % 5))}`,
          body: `message ${i}`,
        });
        assert.equal(answer.status, 202, JSON.stringify(answer.body));
        ids.push(String(answer.body.id));
      }
      await waitFor(() => queueDrained(harness), { timeoutMs: 60_000, what: 'the queue to drain' });
      await harness.emulator.settled();
      const synced = [...harness.emulator.state.messages.values()].filter(
        (m) => m.source === 'sync',
      );
      for (let i = 0; i < 30; i++) {
        const copies = synced.filter((m) => m.text === `message ${i}`);
        assert.equal(copies.length, 1, `message ${i} is in Front ${copies.length} times`);
      }
      const left = await control(harness, 'GET', '/faults');
      assert.deepEqual(left.body.faults, [], 'every injected fault was hit');
      for (const id of ids) {
        const status = (await api(harness, 'GET', `/messages/${id}`)).body.status;
        assert.ok(
          status === 'synced' || status === 'imported',
          `message ${id} ended ${String(status)}`,
        );
      }
    } finally {
      await harness.close();
    }
  });
});

describe('faults: the external system failing', () => {
  it('delivers every message exactly once to a receiver that flaps, times out and refuses', async () => {
    // Per request: 503, then a 2 s answer (past the 1 s delivery timeout), then 429, then 200.
    const harness = await startHarness({
      env: { DELIVERY_TIMEOUT_SECONDS: '1' },
      behaviour: (index) =>
        [{ status: 503 }, { status: 200, delayMs: 2000 }, { status: 429 }, { status: 200 }][
          index % 4
        ] ?? { status: 200 },
    });
    try {
      const sent: string[] = [];
      for (let i = 0; i < 12; i++) sent.push(await sendFromFront(harness, `flap ${i}`));
      await waitFor(() => queueDrained(harness), { timeoutMs: 60_000, what: 'the queue to drain' });
      const byWebhookId = new Map<string, string>();
      for (const delivery of harness.receiver.received) {
        const webhookId = String(delivery.headers['webhook-id']);
        const text = String(delivery.json.text);
        assert.equal(byWebhookId.get(webhookId) ?? text, text, 'one webhook-id, one message');
        byWebhookId.set(webhookId, text);
      }
      const texts = [...byWebhookId.values()].sort();
      assert.deepEqual(texts, Array.from({ length: 12 }, (_, i) => `flap ${i}`).sort());
    } finally {
      await harness.close();
    }
  });

  it('reports a message failed to Front with the reason when the receiver stays down', async () => {
    const harness = await startHarness({
      env: { DELIVERY_RETRY_PERIOD_SECONDS: '1' },
      behaviour: () => ({ status: 503 }),
    });
    try {
      const messageId = await sendFromFront(harness, 'never arrives');
      const failed = await waitFor(
        () => {
          const message = harness.emulator.state.messages.get(messageId);
          return message?.status === 'failed' ? message : undefined;
        },
        { timeoutMs: 30_000, what: 'the failure report' },
      );
      assert.match(String(failed.errorMessage), /503/);
    } finally {
      await harness.close();
    }
  });
});
