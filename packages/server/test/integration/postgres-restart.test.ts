import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger, loadConfig, startServer } from '../../src/index.ts';
import { testEnv, waitFor } from '../helpers/harness.ts';
import { createTestDatabase } from '../helpers/multi-instance.ts';
import {
  canRunPrivateCluster,
  type PrivateCluster,
  startPrivateCluster,
} from '../helpers/private-cluster.ts';
import { runScaleScenario } from '../helpers/scale-scenario.ts';

const skip = await canRunPrivateCluster();

// A private cluster: restarting the machine's shared PostgreSQL would break everyone else's tests.
describe('PostgreSQL restarted mid-run', { skip }, () => {
  let cluster: PrivateCluster;

  before(async () => {
    cluster = await startPrivateCluster();
  });
  after(async () => cluster?.destroy());

  it('finishes every job exactly once when the database restarts under load', async () => {
    const database = await createTestDatabase(cluster.url);
    await runScaleScenario({
      databaseUrl: database.url,
      webhooks: 300,
      apiCalls: 300,
      fault: () => cluster.restart(),
      // Longer than the outage, as in production (default 60 s): a lease that runs out while
      // the database is down hands a running job to a second instance.
      env: { JOB_LEASE_SECONDS: '15' },
      timeoutMs: 60_000,
    });
  });

  it('answers 503 on /readyz while the database is down and 200 once it is back', async () => {
    const database = await createTestDatabase(cluster.url);
    const config = loadConfig(testEnv({ DATABASE_URL: database.url }), { mode: 'development' });
    const server = await startServer({ config, logger: createLogger({ level: 'silent' }) });
    const readiness = async () => (await fetch(`${server.url}/readyz`)).status;
    try {
      assert.equal(await readiness(), 200);
      await cluster.stop();
      assert.equal(await readiness(), 503);
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);

      await cluster.start();
      await waitFor(async () => (await readiness()) === 200, { what: 'readiness' });
    } finally {
      await cluster.start().catch(() => undefined);
      await server.close();
    }
  });
});
