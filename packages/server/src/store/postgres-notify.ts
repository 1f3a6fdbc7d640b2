import pg from 'pg';

export interface PostgresNotifierOptions {
  /** Connection settings of the dedicated LISTEN connection (never a pooled one). */
  client: pg.ClientConfig;
  /** The notification channel; one per schema so separate deployments never wake each other. */
  channel: string;
  /** Sends one NOTIFY (through the pool); failures are ignored, the workers' poll covers them. */
  send: (channel: string, payload: string) => Promise<void>;
  /** This process's id: its own notifications come back to it and are skipped. */
  id: string;
  sleep?: (ms: number) => Promise<void>;
  /** Told when the LISTEN connection is lost (it reconnects by itself). */
  onError?: (error: Error) => void;
}

/**
 * Wakes the workers of every instance when any instance enqueues a job: `NOTIFY` after the commit,
 * `LISTEN` on a dedicated connection that reconnects with backoff after the database restarts.
 * Notifications are only a hint; a lost one costs at most one poll interval, and listeners are
 * also woken after every reconnect because notifications sent meanwhile were not kept.
 */
export class PostgresNotifier {
  readonly #options: PostgresNotifierOptions;
  readonly #listeners = new Set<() => void>();
  #client: pg.Client | undefined;
  #closed = false;
  #sending = false;
  #sendAgain = false;

  constructor(options: PostgresNotifierOptions) {
    this.#options = options;
  }

  /** Connects and listens; resolves after the first attempt, reconnecting in the background. */
  async start(): Promise<void> {
    await this.#connect().catch((error: unknown) => this.#lost(error, this.#client));
  }

  onNotify(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells the other instances that jobs were enqueued; bursts collapse into few NOTIFYs. */
  publish(): void {
    if (this.#closed) return;
    if (this.#sending) {
      this.#sendAgain = true;
      return;
    }
    this.#sending = true;
    this.#sendAgain = false;
    const { send, channel, id } = this.#options;
    void send(channel, id)
      .catch(() => undefined)
      .finally(() => {
        this.#sending = false;
        if (this.#sendAgain) this.publish();
      });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.#options.client);
    this.#client = client;
    // An error on an idle client is emitted, not thrown: without this handler it would crash.
    client.on('error', (error) => this.#lost(error, client));
    client.on('notification', (message) => {
      if (message.payload !== this.#options.id) this.#wake();
    });
    await client.connect();
    await client.query(`listen "${this.#options.channel.replaceAll('"', '""')}"`);
    this.#wake();
  }

  // Only the current client's first failure counts, so one outage starts one reconnect loop.
  #lost(error: unknown, client: pg.Client | undefined): void {
    if (!client || client !== this.#client || this.#closed) return;
    this.#client = undefined;
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    const sleep =
      this.#options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 1; !this.#closed; attempt++) {
      await sleep(Math.min(2000, 50 * 2 ** Math.min(attempt, 6)));
      if (this.#closed) return;
      try {
        await this.#connect();
        return;
      } catch {
        const failed = this.#client;
        this.#client = undefined;
        failed?.end().catch(() => undefined);
      }
    }
  }

  #wake(): void {
    for (const listener of this.#listeners) listener();
  }
}
