import assert from 'node:assert/strict';
import {
  adminQuery,
  type Deployment,
  type LoadResult,
  runLoad,
  startDeployment,
  syncedMessages,
  waitForQuiet,
} from './multi-instance.ts';

// Jobs one instance may hold at a time: the most work a SIGKILL can leave half done.
const WORKER_CONCURRENCY = 8;

export interface ScaleScenario {
  databaseUrl: string;
  webhooks: number;
  apiCalls: number;
  /** Done once a third of the requests are acknowledged, while the load goes on. */
  fault?: (deployment: Deployment) => Promise<void>;
  /** Whether the fault may leave side effects to be redone (a killed process). */
  lossyFault?: boolean;
  timeoutMs: number;
  /** Extra server settings for this scenario. */
  env?: Record<string, string>;
}

/**
 * Three instances on one database take the load through a balancer; then every acknowledged
 * message must be delivered and every API message synced, once, with no job left.
 */
export async function runScaleScenario(scenario: ScaleScenario): Promise<void> {
  const deployment = await startDeployment({
    databaseUrl: scenario.databaseUrl,
    instances: 3,
    channels: 4,
    env: { WORKER_CONCURRENCY: String(WORKER_CONCURRENCY), ...scenario.env },
  });
  try {
    let faultDone: Promise<void> | undefined;
    const third = Math.floor((scenario.webhooks + scenario.apiCalls) / 3);
    const load = await runLoad(deployment, {
      webhooks: scenario.webhooks,
      apiCalls: scenario.apiCalls,
      inFlight: 24,
      onAck: (acked) => {
        if (acked >= third && !faultDone && scenario.fault) faultDone = scenario.fault(deployment);
      },
    });
    await faultDone;
    assert.equal(load.webhooks.size, scenario.webhooks);
    assert.equal(load.apiCalls.size, scenario.apiCalls);

    await waitForQuiet(deployment, load, scenario.timeoutMs);
    checkDeliveries(deployment, load, scenario.lossyFault ?? false);
    checkSyncs(deployment, load, scenario.lossyFault ?? false);
    await checkJobs(deployment);
  } catch (error) {
    // The servers' own last words explain most failures here; they are JSON lines without bodies.
    const logs = deployment.instances.flatMap((instance) => instance.stderr.slice(-40));
    if (error instanceof Error) error.message += `\nserver logs:\n${logs.join('\n')}`;
    throw error;
  } finally {
    await deployment.close();
  }
}

function checkDeliveries(deployment: Deployment, load: LoadResult, lossy: boolean) {
  const received = deployment.receiver.received;
  const byWebhookId = new Map<string, unknown>();
  for (const delivery of received) {
    const webhookId = String(delivery.headers['webhook-id']);
    const previous = byWebhookId.get(webhookId);
    // A repeat is only ever the same delivery again, under the same webhook-id.
    if (previous !== undefined) assert.equal(previous, delivery.json.external_id);
    byWebhookId.set(webhookId, delivery.json.external_id);
  }
  const delivered = new Set(byWebhookId.values());
  for (const externalId of load.webhooks.values()) {
    assert.ok(delivered.has(externalId), `message ${externalId} was never delivered`);
  }
  assert.equal(byWebhookId.size, load.webhooks.size);

  const repeats = received.length - byWebhookId.size;
  if (lossy) assert.ok(repeats <= WORKER_CONCURRENCY, `${repeats} deliveries were repeated`);
  else assert.equal(repeats, 0, `${repeats} deliveries were made twice`);
}

function checkSyncs(deployment: Deployment, load: LoadResult, lossy: boolean) {
  const imported = syncedMessages(deployment.emulator);
  const calls = deployment.syncCalls;
  let repeats = 0;
  for (const externalId of load.apiCalls.keys()) {
    assert.equal(
      imported.get(externalId),
      1,
      `${externalId} is in Front ${imported.get(externalId)} times`,
    );
    repeats += (calls.get(externalId) ?? 0) - 1;
  }
  assert.equal(imported.size, load.apiCalls.size);
  if (lossy) assert.ok(repeats <= WORKER_CONCURRENCY, `${repeats} syncs were repeated`);
  else assert.equal(repeats, 0, `${repeats} syncs were sent twice`);
}

async function checkJobs(deployment: Deployment) {
  const { rows } = await adminQuery(
    deployment.databaseUrl,
    'select status, count(*)::int as count from jobs group by status order by status',
  );
  const counts = Object.fromEntries(rows.map((row) => [row.status, row.count]));
  assert.deepEqual(Object.keys(counts), ['done'], `jobs left: ${JSON.stringify(counts)}`);
}
