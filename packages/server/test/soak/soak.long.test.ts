import { describe, it } from 'node:test';
import { runSoak } from './soak-scenario.ts';

// Issue #6's soak: 10 minutes (SOAK_SECONDS shortens it) at a steady mixed load.
describe('soak (long)', () => {
  it('serves ten minutes of steady mixed load with no error, flat memory and a drained queue', {
    timeout: 20 * 60_000,
  }, async () => {
    await runSoak({ seconds: Number(process.env.SOAK_SECONDS ?? 600), ratePerSecond: 50 });
  });
});
