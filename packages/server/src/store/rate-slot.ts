import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';
import type { RateSlot, StoreDialect } from './store.ts';

// The database's clock, in epoch milliseconds: every instance reads the same clock, so skew
// between hosts cannot let two of them start requests closer together than the spacing.
const CLOCK = {
  postgres: sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`,
  sqlite: sql`cast((julianday('now') - 2440587.5) * 86400000 as integer)`,
};

/**
 * Reserves the next start time for `key`, `intervalMs` after the previous reservation and never
 * before now. One upsert does it atomically, so instances sharing the database never get the same
 * slot. The caller waits `waitMs` and then starts its request.
 */
export async function reserveRateSlot(
  db: Kysely<Database>,
  dialect: StoreDialect,
  options: { key: string; intervalMs: number },
): Promise<RateSlot> {
  const { key, intervalMs } = options;
  const clock = CLOCK[dialect];
  const later = dialect === 'postgres' ? sql.raw('greatest') : sql.raw('max');
  const result = await sql<{ slot_at: number | string; wait_ms: number | string }>`
    insert into rate_slots (key, next_at) values (${key}, ${clock} + ${intervalMs})
    on conflict (key) do update
      set next_at = ${later}(rate_slots.next_at + ${intervalMs}, excluded.next_at)
    returning next_at - ${intervalMs} as slot_at, next_at - ${intervalMs} - ${clock} as wait_ms
  `.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error('The rate slot upsert returned no row');
  return { slotAt: Number(row.slot_at), waitMs: Math.max(0, Number(row.wait_ms)) };
}
