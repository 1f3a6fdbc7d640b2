import { after, before, describe, it } from 'node:test';
import { fuzzRuns } from '../../../sdk/test/fuzz/hostile-inputs.ts';
import { fuzzRestApi } from './fuzz-scenarios.ts';
import { type FuzzTarget, startFuzzTarget } from './fuzz-target.ts';

// Loopback HTTP, one request at a time: the long suite runs 10,000 cases (the normal suite
// runs 1,000 in rest-api.test.ts).
describe('fuzz: REST API (long)', () => {
  let target: FuzzTarget;
  before(async () => {
    target = await startFuzzTarget();
  });
  after(() => target.close());

  it('answers every hostile request below 500 and stores nothing it rejects', async () => {
    await fuzzRestApi(target, fuzzRuns(10_000));
  });
});
