import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger, openStore } from '../../src/index.ts';
import { type JobHandler, JobRunner } from '../../src/queue/job-runner.ts';
import { startLeaseHeartbeat } from '../../src/queue/lease-heartbeat.ts';
import type { Store } from '../../src/store/store.ts';
import { waitFor } from '../helpers/harness.ts';

function runnerWith(
  store: Store,
  handlers: Record<string, JobHandler>,
  random = () => 0.5,
  claimCoalesceMs?: number,
) {
  return new JobRunner({
    ...(claimCoalesceMs === undefined ? {} : { claimCoalesceMs }),
    store,
    owner: 'test-worker',
    handlers,
    logger: createLogger({ level: 'silent' }),
    concurrency: 2,
    leaseMs: 10_000,
    pollIntervalMs: 1000,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 1000,
    now: Date.now,
    random,
  });
}

/** A SQLite store in a folder of its own, and how to close and remove both. */
async function tempStore() {
  const dir = await mkdtemp(join(tmpdir(), 'frontbridge-runner-'));
  const store = await openStore(`sqlite:${join(dir, 'runner.db')}`);
  const remove = async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { store, remove };
}

describe('JobRunner', () => {
  it('backs off exponentially with jitter between half and all of the ceiling, capped', () => {
    const low = runnerWith({} as Store, {}, () => 0);
    const high = runnerWith({} as Store, {}, () => 0.999999);
    assert.equal(low.backoffMs(1), 50);
    assert.equal(high.backoffMs(1), 100);
    assert.equal(low.backoffMs(3), 200);
    assert.equal(high.backoffMs(3), 400);
    assert.equal(high.backoffMs(30), 1000);
  });

  it('runs an enqueued job at once and retries one whose handler throws', async () => {
    const { store, remove } = await tempStore();
    let calls = 0;
    const runner = runnerWith(store, {
      sync: async () => {
        calls++;
        if (calls === 1) throw new Error('first attempt fails');
        return { type: 'done' };
      },
    });
    store.onJobsEnqueued(() => runner.wake());
    runner.start();
    try {
      await store.enqueueJobs([
        { kind: 'sync', key: 'k1', channelId: 'cha_1', payload: {}, runAt: Date.now() },
      ]);
      await waitFor(async () => (await store.countPendingJobs()).sync === undefined);
      assert.equal(calls, 2);
    } finally {
      await runner.stop(100);
      await remove();
    }
  });

  it('takes jobs enqueued while others run in one claim, and claims at once when idle', async () => {
    const { store, remove } = await tempStore();
    const claimed: string[][] = [];
    const counting = new Proxy(store, {
      get(target, property) {
        if (property === 'claimJobs') {
          return async (...args: Parameters<Store['claimJobs']>) => {
            const rows = await target.claimJobs(...args);
            claimed.push(rows.map((row) => row.job_key));
            return rows;
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    let release = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ran: string[] = [];
    // A long spacing, so the test does not race it: the second claim waits for it or for idle.
    const runner = runnerWith(
      counting,
      {
        sync: async (job) => {
          ran.push(job.job_key);
          if (job.job_key === 'first') await blocked;
          return { type: 'done' };
        },
      },
      () => 0.5,
      60_000,
    );
    store.onJobsEnqueued(() => runner.wake());
    runner.start();
    const enqueue = (key: string) =>
      store.enqueueJobs([
        { kind: 'sync', key, channelId: 'cha_1', payload: {}, runAt: Date.now() },
      ]);
    try {
      await waitFor(async () => claimed.length === 1);
      await enqueue('first');
      await waitFor(async () => ran.includes('first'));
      assert.deepEqual(claimed.at(-1), ['first'], 'an idle runner claims at once');
      const claimsSoFar = claimed.length;
      for (const key of ['second', 'third', 'fourth']) await enqueue(key);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(claimed.length, claimsSoFar, 'no claim while a job runs and the spacing lasts');
      assert.deepEqual(ran, ['first']);

      release();
      await waitFor(async () => ran.length === 4);
      assert.deepEqual(ran, ['first', 'second', 'third', 'fourth']);
      assert.deepEqual(claimed[claimsSoFar], ['second', 'third', 'fourth'], 'one claim took them');
    } finally {
      release();
      await runner.stop(100);
      await remove();
    }
  });

  it('lets the lease of a job it could not settle run out, so the job runs again', async () => {
    const { store, remove } = await tempStore();
    // The first settlement fails as on a full disk; the job keeps its lease but nobody runs it.
    let failSettle = true;
    const flaky = new Proxy(store, {
      get(target, property) {
        if (property === 'completeJob' && failSettle) {
          return async () => {
            failSettle = false;
            throw new Error('database or disk is full');
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    let runs = 0;
    const leaseMs = 300;
    const runner = new JobRunner({
      store: flaky,
      owner: 'test-worker',
      handlers: {
        sync: async () => {
          runs++;
          return { type: 'done' };
        },
      },
      logger: createLogger({ level: 'silent' }),
      concurrency: 2,
      leaseMs,
      pollIntervalMs: 50,
      retryBaseDelayMs: 100,
      retryMaxDelayMs: 1000,
      now: Date.now,
      random: () => 0.5,
    });
    const heartbeat = startLeaseHeartbeat({
      store: flaky,
      owner: 'test-worker',
      heldJobIds: () => runner.heldJobIds(),
      leaseMs,
      now: Date.now,
      logger: createLogger({ level: 'silent' }),
    });
    store.onJobsEnqueued(() => runner.wake());
    runner.start();
    try {
      await store.enqueueJobs([
        { kind: 'sync', key: 'k1', channelId: 'cha_1', payload: {}, runAt: Date.now() },
      ]);
      await waitFor(async () => (await store.countPendingJobs()).sync === undefined, {
        timeoutMs: 5000,
        what: 'the job to be claimed again once its lease ran out',
      });
      assert.equal(runs, 2);
    } finally {
      heartbeat.stop();
      await runner.stop(100);
      await remove();
    }
  });
});
