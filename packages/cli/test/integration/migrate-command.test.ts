import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createTestDatabase,
  POSTGRES_URL,
  postgresReachable,
} from '../../../server/test/helpers/multi-instance.ts';
import { runCli } from '../helpers/run-cli.ts';

const APPLIED_ALL = /^applied 2 migrations \(0001_initial, 0002_rate_slots\)\n$/;

async function migrate(databaseUrl: string) {
  const run = await runCli(['migrate'], { env: { DATABASE_URL: databaseUrl } });
  assert.equal(run.timedOut, false, 'the process had to be killed');
  assert.equal(run.code, 0, run.stderr);
  return run.stdout;
}

describe('frontbridge migrate on SQLite', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'frontbridge-migrate-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tells how many migrations it applied to a new file, then that it is up to date', async () => {
    const databaseUrl = `sqlite:${join(dir, 'fresh.db')}`;

    const first = await migrate(databaseUrl);
    const second = await migrate(databaseUrl);

    assert.match(first, APPLIED_ALL);
    assert.equal(second, 'database is up to date\n');
  });
});

const skip = (await postgresReachable()) ? false : `PostgreSQL is not reachable at ${POSTGRES_URL}`;

describe('frontbridge migrate on PostgreSQL', { skip }, () => {
  let database: { url: string; drop: () => Promise<void> };
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await database.drop();
  });

  it('tells how many migrations it applied to a new database, then that it is up to date', async () => {
    const first = await migrate(database.url);
    const second = await migrate(database.url);

    assert.match(first, APPLIED_ALL);
    assert.equal(second, 'database is up to date\n');
  });
});
