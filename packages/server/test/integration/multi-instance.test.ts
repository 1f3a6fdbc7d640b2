import { describe, it } from 'node:test';
import { createTestDatabase, POSTGRES_URL, postgresReachable } from '../helpers/multi-instance.ts';
import { runScaleScenario } from '../helpers/scale-scenario.ts';

const skip = (await postgresReachable()) ? false : `PostgreSQL is not reachable at ${POSTGRES_URL}`;

// The smaller versions; multi-instance.long.test.ts runs 2,000 + 2,000.
describe('several instances on one PostgreSQL database', { skip }, () => {
  it('delivers and syncs every message exactly once when three instances share the load', async () => {
    const database = await createTestDatabase();
    try {
      await runScaleScenario({
        databaseUrl: database.url,
        webhooks: 300,
        apiCalls: 300,
        timeoutMs: 60_000,
      });
    } finally {
      await database.drop();
    }
  });

  it('finishes the jobs of an instance killed with SIGKILL mid-run', async () => {
    const database = await createTestDatabase();
    try {
      await runScaleScenario({
        databaseUrl: database.url,
        webhooks: 300,
        apiCalls: 300,
        fault: async (deployment) => {
          deployment.instances[1]?.process.kill('SIGKILL');
        },
        lossyFault: true,
        timeoutMs: 60_000,
      });
    } finally {
      await database.drop();
    }
  });
});
