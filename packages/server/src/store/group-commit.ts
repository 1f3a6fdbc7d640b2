interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<T, R> {
  /** Writes every item in one transaction; resolves only after its COMMIT. */
  runBatch: (items: T[]) => Promise<R[]>;
  /** Writes one item in its own transaction (the fallback when a shared batch fails). */
  runOne: (item: T) => Promise<R>;
  /** Most items per shared transaction. */
  maxBatch: number;
}

/**
 * Group commit: items arriving while a batch is being written wait and go together into the
 * next transaction, so a burst of webhooks pays for one BEGIN/COMMIT instead of one each. Every
 * caller is answered only after the commit that holds its item. If a shared batch fails (one
 * bad item rolls back all of it), each item is retried alone so one failure poisons no other.
 */
export class GroupCommit<T, R> {
  readonly #options: GroupCommitOptions<T, R>;
  #waiting: Waiting<T, R>[] = [];
  #running: Promise<void> | undefined;

  constructor(options: GroupCommitOptions<T, R>) {
    this.#options = options;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      // Waiting one macrotask lets the requests already read from sockets join the batch.
      this.#running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.#drain());
    });
  }

  /** Resolves once nothing is waiting or being written (call before closing the database). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#options.maxBatch);
      await this.#write(batch);
    }
    this.#running = undefined;
  }

  async #write(batch: Waiting<T, R>[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const results = await this.#options.runBatch(batch.map((entry) => entry.item));
        for (const [index, entry] of batch.entries()) entry.resolve(results[index] as R);
        return;
      } catch {
        // Fall through: the shared transaction rolled back; write each alone to find the culprit.
      }
    }
    for (const entry of batch) {
      await this.#options.runOne(entry.item).then(entry.resolve, entry.reject);
    }
  }
}
