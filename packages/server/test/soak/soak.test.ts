import { describe, it } from 'node:test';
import { runSoak } from './soak-scenario.ts';

// The short soak of the normal suite: 20 s (SOAK_SECONDS overrides). The 10-minute run is
// soak.long.test.ts.
describe('soak (short)', () => {
  it('serves a steady mixed load with no error, flat memory and a drained queue', async () => {
    await runSoak({ seconds: Number(process.env.SOAK_SECONDS ?? 20), ratePerSecond: 40 });
  });
});
