import { describe, it } from 'node:test';
import { createTestDatabase, POSTGRES_URL, postgresReachable } from '../helpers/multi-instance.ts';
import { canRunPrivateCluster, startPrivateCluster } from '../helpers/private-cluster.ts';
import { runScaleScenario } from '../helpers/scale-scenario.ts';

const skip = (await postgresReachable()) ? false : `PostgreSQL is not reachable at ${POSTGRES_URL}`;
const noCluster = await canRunPrivateCluster();
const FULL = { webhooks: 2000, apiCalls: 2000, timeoutMs: 180_000 };

// The full-size runs of multi-instance.test.ts and postgres-restart.test.ts.
describe('several instances on one PostgreSQL database, full size', { skip }, () => {
  it('delivers and syncs 2,000 + 2,000 messages exactly once across three instances', async () => {
    const database = await createTestDatabase();
    try {
      await runScaleScenario({ databaseUrl: database.url, ...FULL });
    } finally {
      await database.drop();
    }
  });

  it('finishes the jobs of an instance killed with SIGKILL mid-run at full size', async () => {
    const database = await createTestDatabase();
    try {
      await runScaleScenario({
        databaseUrl: database.url,
        ...FULL,
        fault: async (deployment) => {
          deployment.instances[1]?.process.kill('SIGKILL');
        },
        lossyFault: true,
      });
    } finally {
      await database.drop();
    }
  });

  it('rides out a PostgreSQL restart at full size', { skip: noCluster }, async () => {
    const cluster = await startPrivateCluster();
    try {
      const database = await createTestDatabase(cluster.url);
      await runScaleScenario({
        databaseUrl: database.url,
        ...FULL,
        fault: () => cluster.restart(),
        // Longer than the outage, as in production (default 60 s): a lease that runs out while
        // the database is down hands a running job to a second instance.
        env: { JOB_LEASE_SECONDS: '15' },
      });
    } finally {
      await cluster.destroy();
    }
  });
});
