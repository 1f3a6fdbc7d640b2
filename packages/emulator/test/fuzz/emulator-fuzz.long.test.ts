import { after, before, describe, it } from 'node:test';
import { fuzzRuns } from '../../../sdk/test/fuzz/hostile-inputs.ts';
import type { EmulatorApp } from '../../src/index.ts';
import {
  channelApiRequest,
  multipartRequest,
  runEmulatorFuzz,
  startEmulatorTarget,
} from './emulator-fuzz-target.ts';

// The full count of issue #6: 10,000 inputs per surface (the normal suite runs 2,000).
describe('fuzz: emulator (long)', () => {
  let target: EmulatorApp;
  before(async () => {
    target = await startEmulatorTarget();
  });
  after(() => target.app.close());

  it('survives 10,000 hostile Channel API calls', async () => {
    await runEmulatorFuzz(target, {
      surface: 'emulator Channel API',
      runs: fuzzRuns(10_000),
      generate: channelApiRequest,
    });
  });

  it('survives 10,000 hostile multipart bodies', async () => {
    await runEmulatorFuzz(target, {
      surface: 'emulator multipart',
      runs: fuzzRuns(10_000),
      generate: multipartRequest,
    });
  });
});
