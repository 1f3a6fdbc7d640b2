import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../src/index.ts';
import {
  adminQuery,
  createTestDatabase,
  POSTGRES_URL,
  postgresReachable,
} from '../helpers/multi-instance.ts';

const skip = (await postgresReachable()) ? false : `PostgreSQL is not reachable at ${POSTGRES_URL}`;

const job = (key: string) => ({
  kind: 'deliver' as const,
  key,
  channelId: 'cha_1',
  payload: {},
  runAt: 0,
});

/** Resolves the next time `store` hears of an enqueue (a local one or another instance's). */
function nextWake(store: Store): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = store.onJobsEnqueued(() => {
      unsubscribe();
      resolve();
    });
  });
}

describe('PostgreSQL store', { skip }, () => {
  let database: { url: string; drop: () => Promise<void> };
  const stores: Store[] = [];

  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await database.drop();
  });

  async function open(schema: string): Promise<Store> {
    const store = await openStore(database.url, { schema, maxConnections: 3 });
    stores.push(store);
    return store;
  }

  it('migrates once when several instances start at the same moment', async () => {
    const opened = await Promise.all(Array.from({ length: 5 }, () => open('race')));
    const { rows } = await adminQuery(database.url, 'select name from race.kysely_migration');
    assert.deepEqual(rows.map((row) => row.name).sort(), ['0001_initial', '0002_rate_slots']);
    for (const store of opened) assert.deepEqual(await store.countPendingJobs(), {});
  });

  it('wakes another instance through NOTIFY when a job is enqueued', async () => {
    const [first, second] = await Promise.all([open('wake'), open('wake')]);
    assert.ok(first && second);
    const woken = nextWake(second);
    await first.enqueueJobs([job('deliver:wake-1')]);
    await woken;
    assert.equal((await second.countPendingJobs()).deliver, 1);
  });

  it('spaces rate slots of one key across instances when they reserve at once', async () => {
    const instances = await Promise.all([open('rate'), open('rate'), open('rate')]);
    const slots = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        instances[index % 3]?.reserveRateSlot('front:channel:cha_1', 40),
      ),
    );
    const starts = slots.map((slot) => slot?.slotAt ?? 0).sort((a, b) => a - b);
    for (let index = 1; index < starts.length; index++) {
      assert.ok((starts[index] ?? 0) - (starts[index - 1] ?? 0) >= 40, `slot ${index} too close`);
    }
    const other = await instances[0]?.reserveRateSlot('front:channel:cha_2', 40);
    assert.equal(other?.waitMs, 0);
  });

  it('keeps working and listening when the server ends every session', async () => {
    const [first, second] = await Promise.all([open('lost'), open('lost')]);
    assert.ok(first && second);
    await first.enqueueJobs([job('deliver:lost-1')]);
    await adminQuery(
      POSTGRES_URL,
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = '${new URL(database.url).pathname.slice(1)}' and pid <> pg_backend_pid()`,
    );

    assert.equal((await second.countPendingJobs()).deliver, 1);
    // The LISTEN session was ended too: a wake-up arriving proves it reconnected.
    const woken = nextWake(second);
    await first.enqueueJobs([job('deliver:lost-2')]);
    await woken;
    assert.equal((await second.countPendingJobs()).deliver, 2);
  });
});
