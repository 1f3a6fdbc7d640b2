import type Sqlite from 'better-sqlite3';
import type { AccountRow, ChannelRow, DeliveryRow, JobRow, MessageRow } from './schema.ts';
import type { DeliveryWork } from './store.ts';

type JobLease = { id: number; owner: string };

/** One delivery to mark delivered (see `Store.markDelivered`). */
export interface DeliveredSettlement {
  id: string;
  patch: Partial<DeliveryRow>;
  now: number;
  job: JobLease | undefined;
}

/**
 * Prepared statements for the reads and writes every delivery makes, run synchronously on the
 * raw SQLite handle. Callers must hold the Kysely connection while calling (see `KyselyStore`).
 */
export class SqliteStatements {
  readonly #database: Sqlite.Database;
  readonly #prepared = new Map<string, Sqlite.Statement>();
  readonly #markDelivered: Sqlite.Transaction<(settled: DeliveredSettlement[]) => void>;

  // One statement instead of four. The tables share column names, so rows come back as arrays
  // and are split by the table each column is from.
  readonly #loadDelivery: {
    statement: Sqlite.Statement;
    columns: Array<{ table: string; name: string }>;
  };

  constructor(database: Sqlite.Database) {
    this.#database = database;
    const statement = database
      .prepare(
        `select d.*, m.*, c.*, a.* from deliveries d
         join messages m on m.id = d.message_id
         join channels c on c.id = m.channel_id
         join accounts a on a.id = c.account_id
         where d.id = ?`,
      )
      .raw(true);
    this.#loadDelivery = { statement, columns: columnsOf(statement) };
    this.#markDelivered = database.transaction((settled: DeliveredSettlement[]) => {
      for (const { id, patch, now, job } of settled) {
        if (job) this.finishJob(job.id, job.owner, COMPLETED);
        const { sql, values } = assignments({ ...patch, status: 'delivered' });
        const delivered = this.#statement(
          `update deliveries set ${sql} where id = ? returning message_id`,
        ).get(...values, id) as { message_id: string } | undefined;
        if (!delivered) continue;
        this.#statement(
          `update messages set status = 'delivered', updated_at = ?
           where id = ? and not exists (
             select 1 from deliveries where message_id = ? and status != 'delivered')`,
        ).run(now, delivered.message_id, delivered.message_id);
      }
    });
  }

  /** A delivery with its message, channel and account, or `undefined` if any is missing. */
  loadDelivery(id: string): DeliveryWork | undefined {
    const values = this.#loadDelivery.statement.get(id) as unknown[] | undefined;
    if (!values) return undefined;
    // Another process may have migrated the schema since; SQLite re-prepares, so map again.
    if (values.length !== this.#loadDelivery.columns.length)
      this.#loadDelivery.columns = columnsOf(this.#loadDelivery.statement);
    const rows = { deliveries: {}, messages: {}, channels: {}, accounts: {} } as Record<
      string,
      Record<string, unknown>
    >;
    for (const [index, { table, name }] of this.#loadDelivery.columns.entries()) {
      const row = rows[table];
      if (row) row[name] = values[index];
    }
    return {
      delivery: rows.deliveries as DeliveryRow,
      message: rows.messages as MessageRow,
      channel: rows.channels as ChannelRow,
      account: rows.accounts as AccountRow,
    };
  }

  /**
   * Marks deliveries delivered and, once every delivery of a message is, the message too; each
   * settlement's `job` is completed in the same transaction. One commit for all of them.
   */
  markDelivered(settled: DeliveredSettlement[]): void {
    this.#markDelivered.immediate(settled);
  }

  /** Applies `patch` to a pending job leased by `owner`; false when the lease was lost. */
  finishJob(id: number, owner: string, patch: Partial<JobRow>): boolean {
    const { sql, values } = assignments(patch);
    const result = this.#statement(
      `update jobs set ${sql} where id = ? and lease_owner = ? and status = 'pending'`,
    ).run(...values, id, owner);
    return result.changes === 1;
  }

  // The statements differ only by which columns a patch sets, so a handful are ever prepared.
  #statement(sql: string): Sqlite.Statement {
    let statement = this.#prepared.get(sql);
    if (!statement) {
      statement = this.#database.prepare(sql);
      this.#prepared.set(sql, statement);
    }
    return statement;
  }
}

function columnsOf(statement: Sqlite.Statement) {
  return statement.columns().map(({ table, name }) => ({ table: table ?? '', name }));
}

const COMPLETED = { status: 'done', lease_owner: null, lease_expires_at: null };
const COLUMN = /^[a-z_]+$/;

/** `a = ?, b = ?` and its values, for a patch whose keys are column names of our own schema. */
function assignments(patch: Record<string, unknown>): { sql: string; values: unknown[] } {
  const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
  for (const [column] of entries) {
    if (!COLUMN.test(column)) throw new Error(`Not a column name: ${column}`);
  }
  return {
    sql: entries.map(([column]) => `${column} = ?`).join(', '),
    values: entries.map(([, value]) => value),
  };
}
