import { type Kysely, sql } from 'kysely';
import type { Database, JobRow } from './schema.ts';
import type { ClaimOptions } from './store.ts';

/**
 * Leases up to `limit` due jobs to `owner` in one `UPDATE … RETURNING`. A job waits while an older
 * job with the same ordering key is still pending. On SQLite the statement is atomic under the
 * single writer; on PostgreSQL `FOR UPDATE SKIP LOCKED` lets several servers claim from one table
 * without waiting on each other or taking the same job.
 */
export async function claimJobs(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  options: ClaimOptions,
): Promise<JobRow[]> {
  const { owner, limit, now, leaseMs, kinds } = options;
  const rowLocking = sql.raw(dialect === 'postgres' ? 'for update skip locked' : '');
  const ofKinds = kinds ? sql`and j.kind in (${sql.join([...kinds])})` : sql``;
  const result = await sql<JobRow>`
    update jobs set lease_owner = ${owner}, lease_expires_at = ${now + leaseMs},
      attempts = attempts + 1
    where id in (
      select j.id from jobs j
      where j.status = 'pending' and j.run_at <= ${now} ${ofKinds}
        and (j.lease_expires_at is null or j.lease_expires_at <= ${now})
        and (j.ordering_key is null or not exists (
          select 1 from jobs e
          where e.ordering_key = j.ordering_key and e.status = 'pending' and e.id < j.id))
      order by j.run_at, j.id
      limit ${limit}
      ${rowLocking})
    returning *`.execute(db);
  return result.rows;
}
