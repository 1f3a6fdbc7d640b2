import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@frontbridge/emulator';
import { buildMessageEvent, signForTesting } from '@frontbridge/sdk/testing';
import { createRng, fuzzSeed, type Rng } from '../../../sdk/test/fuzz/hostile-inputs.ts';
import { type CreatedAccount, createAccount, openStore } from '../../src/index.ts';
import { type ChildServer, spawnServer } from '../helpers/child-server.ts';
import { APP_SECRET, APP_UID, testEnv, waitFor } from '../helpers/harness.ts';
import { startReceiver } from '../helpers/receiver.ts';

export const CHANNEL_ID = 'cha_kill';

/** An emulator that already knows CHANNEL_ID, so a server can sync to it without authorizing. */
export async function startEmulatorWithChannel(
  address: string,
  rateLimit: { perChannelPerSecond: number; perMinute: number },
) {
  const emulator = await startEmulator({ appUid: APP_UID, appSecret: APP_SECRET, rateLimit });
  emulator.context.state.channels.set(CHANNEL_ID, {
    id: CHANNEL_ID,
    channelUrl: 'http://127.0.0.1:9/front',
    webhookUrl: 'http://127.0.0.1:9/x',
    token: 't',
    status: 'ok',
    address,
    createdAt: 0,
  });
  return emulator;
}
const WEBHOOK_TOKEN = 'fbw_kill-test-token';
const IN_FLIGHT = 8;

/** What one mixed burst acknowledged: webhook ids → external ids, API external ids → message ids. */
export interface Acked {
  webhooks: Map<string, string>;
  api: Map<string, string>;
}

export async function prepareDatabase(
  databaseUrl: string,
  deliverUrl: string,
): Promise<CreatedAccount> {
  const store = await openStore(databaseUrl);
  const account = await createAccount(store, { name: 'kill', deliverUrl });
  await store.authorizeChannel({
    id: CHANNEL_ID,
    account_id: account.account_id,
    webhook_token: WEBHOOK_TOKEN,
    status: 'active',
    created_at: Date.now(),
    deleted_at: null,
  });
  await store.close();
  return account;
}

export async function sendOne(
  server: ChildServer,
  account: CreatedAccount,
  index: number,
  acked: Acked,
) {
  // Fifty contacts: per-contact ordering keeps each conversation's jobs serial, so traffic spread
  // like a real inbox's is what the workers can run in parallel.
  const contact = `+1555123${String(1000 + (index % 50))}`;
  if (index % 2 === 0) {
    const id = `msg_kill_${index}`;
    const recipients = [
      { _links: { related: { contact: null } }, name: null, handle: 'acme-sms-main', role: 'from' },
      { _links: { related: { contact: null } }, name: null, handle: contact, role: 'to' },
    ];
    const { body, headers } = signForTesting({
      body: buildMessageEvent({ payload: { id, text: id, recipients } }),
      secret: APP_SECRET,
    });
    const response = await fetch(`${server.url}/front/channels/${WEBHOOK_TOKEN}`, {
      method: 'POST',
      body,
      headers,
    });
    const answer = (await response.json()) as { external_id?: string };
    if (response.status === 200 && answer.external_id) acked.webhooks.set(id, answer.external_id);
    return;
  }
  const externalId = `api_kill_${index}`;
  const response = await fetch(`${server.url}/api/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${account.api_key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      channel_id: CHANNEL_ID,
      direction: 'inbound',
      external_id: externalId,
      from: contact,
      body: externalId,
    }),
  });
  const answer = (await response.json()) as { id?: string };
  if (response.status === 202 && answer.id) acked.api.set(externalId, answer.id);
}

/** Sends requests [from, to) until done or the server dies (killed at `killAt` acks). */
async function burstUntilKilled(
  server: ChildServer,
  account: CreatedAccount,
  range: { next: number; end: number },
  killAt: number,
  acked: Acked,
) {
  const ackedBefore = acked.webhooks.size + acked.api.size;
  const worker = async () => {
    while (range.next < range.end) {
      const index = range.next++;
      try {
        await sendOne(server, account, index, acked);
      } catch {
        range.next = Math.min(range.next, index); // not acknowledged: Front / the system sends it again
        return;
      }
      if (acked.webhooks.size + acked.api.size - ackedBefore >= killAt)
        server.process.kill('SIGKILL');
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

function checkDeliveredOnce(
  received: Array<{ headers: Record<string, unknown>; json: Record<string, unknown> }>,
  acked: Acked,
) {
  const webhookIdOf = new Map<string, string>();
  for (const delivery of received) {
    const externalId = String(delivery.json.external_id);
    const webhookId = String(delivery.headers['webhook-id']);
    assert.equal(
      webhookIdOf.get(externalId) ?? webhookId,
      webhookId,
      `${externalId} delivered under two webhook-ids`,
    );
    webhookIdOf.set(externalId, webhookId);
  }
  for (const externalId of acked.webhooks.values())
    assert.ok(webhookIdOf.has(externalId), `${externalId} never delivered`);
}

/**
 * A mixed burst (signed webhooks and REST API calls) against a server in a child process, killed
 * with SIGKILL `kills` times at random points and restarted on the same SQLite file. In the end every
 * acknowledged webhook is delivered once (one webhook-id) and every accepted API message is in
 * Front exactly once.
 */
export async function runKillScenario(options: { total: number; kills: number }) {
  const rng: Rng = createRng(fuzzSeed('kill -9 points'));
  const dir = await mkdtemp(join(tmpdir(), 'frontbridge-kill-'));
  const receiver = await startReceiver();
  const emulator = await startEmulatorWithChannel('kill', {
    perChannelPerSecond: 1000,
    perMinute: 1e6,
  });
  const databaseUrl = `sqlite:${join(dir, 'kill.db')}`;
  const env = testEnv({
    DATABASE_URL: databaseUrl,
    FRONT_API_URL: emulator.apiUrl,
    JOB_LEASE_SECONDS: '2',
    FRONT_REQUESTS_PER_SECOND: '1000',
  });
  let server: ChildServer | undefined;
  try {
    const account = await prepareDatabase(databaseUrl, receiver.url);
    const acked: Acked = { webhooks: new Map(), api: new Map() };
    const range = { next: 0, end: options.total };
    for (let kill = 0; kill <= options.kills; kill++) {
      server = await spawnServer(env);
      const killAt =
        kill < options.kills
          ? 10 + rng.int(Math.max(1, options.total / (options.kills + 1)))
          : Number.POSITIVE_INFINITY;
      await burstUntilKilled(server, account, range, killAt, acked);
      if (kill < options.kills) await server.exited;
    }
    await waitFor(
      () =>
        [...acked.webhooks.values()].every((id) =>
          receiver.received.some((r) => r.json.external_id === id),
        ),
      { timeoutMs: 60_000, what: 'deliveries' },
    );
    const syncedTexts = () =>
      [...emulator.state.messages.values()].filter((m) => m.source === 'sync').map((m) => m.text);
    await waitFor(() => syncedTexts().length >= acked.api.size, {
      timeoutMs: 60_000,
      what: 'syncs',
    });
    checkDeliveredOnce(receiver.received as never, acked);
    const texts = syncedTexts();
    for (const externalId of acked.api.keys())
      assert.equal(texts.filter((t) => t === externalId).length, 1, `${externalId} synced once`);
    process.stdout.write(
      `# kill -9: ${options.kills} kills, ${acked.webhooks.size} webhooks and ${acked.api.size} API messages acknowledged, ${receiver.received.length} deliveries, ${texts.length} syncs\n`,
    );
  } finally {
    server?.process.kill('SIGTERM');
    await server?.exited;
    await emulator.close();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  }
}
