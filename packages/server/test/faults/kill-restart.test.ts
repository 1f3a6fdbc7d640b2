import { describe, it } from 'node:test';
import { runKillScenario } from './kill-scenario.ts';

// The normal suite: 300 mixed requests, 2 kills. kill-restart.long.test.ts: 2,000 and 6 kills.
describe('faults: kill -9 during a mixed burst', () => {
  it('delivers or syncs every acknowledged message exactly once across restarts', async () => {
    await runKillScenario({ total: 300, kills: 2 });
  });
});
