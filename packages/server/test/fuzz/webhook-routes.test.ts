import { after, before, describe, it } from 'node:test';
import { fuzzRuns } from '../../../sdk/test/fuzz/hostile-inputs.ts';
import { fuzzWebhookRoutes } from './fuzz-scenarios.ts';
import { type FuzzTarget, startFuzzTarget } from './fuzz-target.ts';

// Loopback HTTP, one request at a time: the normal suite runs 1,000 cases; the long suite
// (webhook-routes.long.test.ts) runs 10,000.
describe('fuzz: webhook routes', () => {
  let target: FuzzTarget;
  before(async () => {
    target = await startFuzzTarget();
  });
  after(() => target.close());

  it('answers every hostile request below 500 and stores nothing it rejects', async () => {
    await fuzzWebhookRoutes(target, fuzzRuns(1000));
  });
});
