import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ChildServer, spawnServer } from '../helpers/child-server.ts';
import { testEnv, waitFor } from '../helpers/harness.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { type Acked, prepareDatabase, sendOne } from './kill-scenario.ts';

describe('faults: restart after kill -9 on SQLite', () => {
  it('runs the jobs the killed process had leased at once, not when their lease would end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'frontbridge-restart-'));
    // The first delivery hangs, so the job is leased (for the default 60 s) when the server dies.
    const receiver = await startReceiver((index) =>
      index === 0 ? { status: 200, delayMs: 120_000 } : { status: 200 },
    );
    const env = testEnv({ DATABASE_URL: `sqlite:${join(dir, 'restart.db')}` });
    let server: ChildServer | undefined;
    try {
      const account = await prepareDatabase(env.DATABASE_URL ?? '', receiver.url);
      server = await spawnServer(env);
      const acked: Acked = { webhooks: new Map(), api: new Map() };
      await sendOne(server, account, 0, acked);
      assert.equal(acked.webhooks.size, 1);
      await waitFor(() => receiver.hits === 1, { what: 'the first delivery attempt' });
      server.process.kill('SIGKILL');
      await server.exited;

      const restarted = Date.now();
      server = await spawnServer(env);
      await waitFor(() => receiver.received.length === 1, {
        timeoutMs: 15_000,
        what: 'the delivery after the restart',
      });
      assert.ok(Date.now() - restarted < 15_000);
      assert.equal(receiver.received[0]?.json.external_id, [...acked.webhooks.values()][0]);
    } finally {
      server?.process.kill('SIGKILL');
      await server?.exited;
      await receiver.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
