import type { Kysely } from 'kysely';
import { KyselyStore } from './kysely-store.ts';
import type { PostgresNotifier } from './postgres-notify.ts';
import type { Database } from './schema.ts';

/**
 * The PostgreSQL store: the shared Kysely implementation, plus wake-ups across instances. A local
 * enqueue is published with NOTIFY; a NOTIFY from another instance reaches the same listeners as a
 * local enqueue, so the job runner needs no PostgreSQL-specific code.
 */
export class PostgresStore extends KyselyStore {
  readonly #notifier: PostgresNotifier;

  constructor(db: Kysely<Database>, notifier: PostgresNotifier) {
    super(db, 'postgres');
    this.#notifier = notifier;
    super.onJobsEnqueued(() => notifier.publish());
  }

  override onJobsEnqueued(listener: (kinds?: readonly string[]) => void): () => void {
    const local = super.onJobsEnqueued(listener);
    const remote = this.#notifier.onNotify(() => listener());
    return () => {
      local();
      remote();
    };
  }

  override async close(): Promise<void> {
    await this.#notifier.close();
    await super.close();
  }
}
