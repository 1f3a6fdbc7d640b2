import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fuzzRuns } from '../../../sdk/test/fuzz/hostile-inputs.ts';
import type { EmulatorApp } from '../../src/index.ts';
import { channelApiRequest, runEmulatorFuzz, startEmulatorTarget } from './emulator-fuzz-target.ts';

// In-process through app.inject. The normal suite runs 2,000 cases (about 10 s on a busy 2-core
// machine); emulator-fuzz.long.test.ts runs 10,000.
const RUNS = fuzzRuns(2000);

describe('fuzz: emulator Channel API', () => {
  let target: EmulatorApp;
  before(async () => {
    target = await startEmulatorTarget();
  });
  after(() => target.app.close());

  it("answers every hostile call below 500, in Front's error shape, changing nothing it rejects", async () => {
    const statuses = await runEmulatorFuzz(target, {
      surface: 'emulator Channel API',
      runs: RUNS,
      generate: channelApiRequest,
    });
    assert.ok((statuses.get(400) ?? 0) > 0);
    assert.ok((statuses.get(401) ?? 0) + (statuses.get(403) ?? 0) > 0);
    assert.ok((statuses.get(202) ?? 0) > 0, 'some valid calls got through');
  });
});
