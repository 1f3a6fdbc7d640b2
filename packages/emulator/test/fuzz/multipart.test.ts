import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fuzzRuns } from '../../../sdk/test/fuzz/hostile-inputs.ts';
import type { EmulatorApp } from '../../src/index.ts';
import { multipartRequest, runEmulatorFuzz, startEmulatorTarget } from './emulator-fuzz-target.ts';

// In-process through app.inject. The normal suite runs 2,000 cases; emulator-fuzz.long.test.ts
// runs 10,000.
const RUNS = fuzzRuns(2000);

describe('fuzz: emulator multipart parsing', () => {
  let target: EmulatorApp;
  before(async () => {
    target = await startEmulatorTarget();
  });
  after(() => target.app.close());

  it('answers every truncated or hostile multipart body with a 4xx, never a crash or 5xx', async () => {
    const statuses = await runEmulatorFuzz(target, {
      surface: 'emulator multipart',
      runs: RUNS,
      generate: multipartRequest,
    });
    assert.ok((statuses.get(400) ?? 0) > 0);
    assert.ok((statuses.get(202) ?? 0) > 0, 'some bodies were valid enough to be accepted');
  });

  it('answers 400 to a field name with a huge array index instead of exhausting memory', () => {
    // In a child with a small heap, so the bug fails this test instead of killing the runner.
    const child = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=128',
        '--import',
        'tsx',
        new URL('./huge-index-probe.ts', import.meta.url).pathname,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(child.stdout.trim(), '400', child.stderr.slice(0, 300));
  });
});
