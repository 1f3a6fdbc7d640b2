import { describe, it } from 'node:test';
import { runKillScenario } from './kill-scenario.ts';

describe('faults: kill -9 during a mixed burst (long)', () => {
  it('delivers or syncs every acknowledged message exactly once across six restarts', async () => {
    await runKillScenario({ total: 2000, kills: 6 });
  });
});
