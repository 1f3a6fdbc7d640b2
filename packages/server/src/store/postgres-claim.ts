import { type Kysely, sql } from 'kysely';
import type { Database, JobRow } from './schema.ts';
import type { ClaimOptions } from './store.ts';

/**
 * PostgreSQL claim: `FOR UPDATE SKIP LOCKED` lets several servers claim from one table without
 * waiting on each other or taking the same job. Same ordering rule as the SQLite claim.
 */
export async function claimJobsPostgres(db: Kysely<Database>, options: ClaimOptions) {
  const { owner, limit, now, leaseMs } = options;
  const result = await sql<JobRow>`
    update jobs set lease_owner = ${owner}, lease_expires_at = ${now + leaseMs},
      attempts = attempts + 1
    where id in (
      select j.id from jobs j
      where j.status = 'pending' and j.run_at <= ${now}
        and (j.lease_expires_at is null or j.lease_expires_at <= ${now})
        and (j.ordering_key is null or not exists (
          select 1 from jobs e
          where e.ordering_key = j.ordering_key and e.status = 'pending' and e.id < j.id))
      order by j.run_at, j.id
      limit ${limit}
      for update skip locked)
    returning *`.execute(db);
  return result.rows;
}
