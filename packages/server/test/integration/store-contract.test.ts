import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/index.ts';
import { POSTGRES_URL, postgresReachable } from '../helpers/multi-instance.ts';
import { storeContract } from '../helpers/store-contract.ts';

storeContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'frontbridge-store-'));
  const store = await openStore(`sqlite:${join(dir, 'store.db')}`);
  return {
    store,
    dispose: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

const reachable = await postgresReachable();
storeContract(
  'postgres',
  async () => {
    // A schema of its own per run, so parallel runs never collide.
    const schema = `fb_test_${randomBytes(6).toString('hex')}`;
    const store = await openStore(POSTGRES_URL, { schema, maxConnections: 4 });
    return {
      store,
      dispose: async () => {
        await store.close();
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema "${schema}" cascade`);
        await client.end();
      },
    };
  },
  { skip: reachable ? false : `PostgreSQL is not reachable at ${POSTGRES_URL}` },
);
