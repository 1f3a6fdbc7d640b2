import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildMessageEvent, signForTesting } from '@frontbridge/sdk/testing';
import Sqlite from 'better-sqlite3';
import { createAccount, openStore } from '../../src/index.ts';
import { type ChildServer, spawnServer } from '../helpers/child-server.ts';
import { APP_SECRET, testEnv, waitFor } from '../helpers/harness.ts';
import { startReceiver } from '../helpers/receiver.ts';

const BURST = 400;
const KILL_AFTER_ACKS = 120;
const IN_FLIGHT = 16;

async function prepareDatabase(databaseUrl: string, deliverUrl: string) {
  const store = await openStore(databaseUrl);
  const account = await createAccount(store, { name: 'crash', deliverUrl });
  const channel = await store.authorizeChannel({
    id: 'cha_crash',
    account_id: account.account_id,
    webhook_token: 'fbw_crash-test-token',
    status: 'active',
    created_at: Date.now(),
    deleted_at: null,
  });
  await store.close();
  return channel?.webhook_token ?? '';
}

/** Sends signed message webhooks until the burst ends or the server dies; returns the acked ids. */
async function burst(server: ChildServer, token: string): Promise<Map<string, string>> {
  const acked = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < BURST) {
      const id = `msg_burst_${next++}`;
      const { body, headers } = signForTesting({
        body: buildMessageEvent({ payload: { id } }),
        secret: APP_SECRET,
      });
      try {
        const response = await fetch(`${server.url}/front/channels/${token}`, {
          method: 'POST',
          body,
          headers,
        });
        const answer = (await response.json()) as { external_id?: string };
        if (response.status === 200 && answer.external_id) acked.set(id, answer.external_id);
      } catch {
        return; // the server is gone
      }
      if (acked.size === KILL_AFTER_ACKS) server.process.kill('SIGKILL');
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return acked;
}

function readStoredFrontIds(file: string): Set<string> {
  // Read-only and before the restart: what the killed process left on disk, untouched.
  const database = new Sqlite(file, { readonly: true });
  try {
    const rows = database.prepare('select front_message_id from messages').all() as Array<{
      front_message_id: string;
    }>;
    return new Set(rows.map((row) => row.front_message_id));
  } finally {
    database.close();
  }
}

describe('crash recovery', () => {
  it('loses no acknowledged message when the process is killed with SIGKILL mid-burst', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'frontbridge-crash-'));
    const receiver = await startReceiver();
    const databaseUrl = `sqlite:${join(dir, 'crash.db')}`;
    // A short lease, so the jobs the killed process held are taken over quickly.
    const env = testEnv({ DATABASE_URL: databaseUrl, PORT: '0', JOB_LEASE_SECONDS: '2' });
    let second: ChildServer | undefined;
    try {
      const token = await prepareDatabase(databaseUrl, receiver.url);
      const first = await spawnServer(env);
      const acked = await burst(first, token);
      await first.exited;
      assert.ok(acked.size >= KILL_AFTER_ACKS && acked.size < BURST, `acked ${acked.size}`);

      const stored = readStoredFrontIds(join(dir, 'crash.db'));
      for (const frontId of acked.keys()) {
        assert.ok(stored.has(frontId), `acknowledged ${frontId} is missing after the crash`);
      }

      second = await spawnServer(env);
      const deliveredIds = () =>
        new Set(receiver.received.map((delivery) => delivery.json.external_id));
      await waitFor(() => [...acked.values()].every((id) => deliveredIds().has(id)), {
        timeoutMs: 30_000,
      });
      // A delivery in flight at the kill may be sent again, always under the same webhook-id.
      const byWebhookId = new Map<string, unknown>();
      for (const delivery of receiver.received) {
        const webhookId = String(delivery.headers['webhook-id']);
        const previous = byWebhookId.get(webhookId);
        if (previous !== undefined) assert.equal(previous, delivery.json.external_id);
        byWebhookId.set(webhookId, delivery.json.external_id);
      }
      assert.equal(new Set(byWebhookId.values()).size, byWebhookId.size);
    } finally {
      second?.process.kill('SIGTERM');
      await second?.exited;
      await receiver.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
