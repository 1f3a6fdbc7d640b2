import type { Logger } from 'pino';
import type { JobRow, Store } from '../store/store.ts';

const DEFAULT_CLAIM_COALESCE_MS = 2;

/**
 * How a job handler ended: done, try again later, or give up for good; `settled` when the handler
 * already completed the job in a transaction of its own (with the work it recorded).
 */
export type JobResult =
  | { type: 'done' }
  | { type: 'settled' }
  | { type: 'retry'; error: string; delayMs?: number }
  | { type: 'failed'; error: string };

export type JobHandler = (job: JobRow, payload: Record<string, unknown>) => Promise<JobResult>;

export interface JobRunnerOptions {
  store: Store;
  /** This process's lease owner name; unique per process. */
  owner: string;
  handlers: Record<string, JobHandler>;
  logger: Logger;
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  now: () => number;
  random: () => number;
  /**
   * While jobs are running, claims are at least this far apart (default 2 ms): jobs enqueued
   * meanwhile wait for one claim that takes them together instead of a claim each.
   */
  claimCoalesceMs?: number;
  onFinished?: (job: JobRow, result: JobResult, durationMs: number) => void;
}

/**
 * Claims due jobs of the kinds it has handlers for, with a lease, and runs them, up to
 * `concurrency` at a time. It wakes at once when
 * told that jobs were enqueued, and otherwise polls (also reclaiming leases of crashed workers).
 *
 * Claims are batched: when slots free up and fewer jobs are waiting in hand than there are free
 * slots, one claim takes enough to fill every slot and as many again. A claim is a write, and one
 * per job would cost more than the job's own bookkeeping. Jobs in hand keep their lease (the
 * heartbeat extends every lease this runner holds) and are released on stop. Under load, claims are
 * also spaced a little (`claimCoalesceMs`) while other jobs run, so one claim takes what several
 * commits enqueued; an idle runner claims at once.
 */
export class JobRunner {
  readonly #options: JobRunnerOptions;
  // Running jobs by id, each with the promise that ends when it is settled.
  readonly #running = new Map<number, Promise<void>>();
  #inHand: JobRow[] = [];
  #timer: NodeJS.Timeout | undefined;
  #timerDue = 0;
  #claiming = false;
  #lastClaimAt = Number.NEGATIVE_INFINITY;
  #wakeAgain = false;
  #stopped = true;

  // The kinds this runner has handlers for: the only ones it claims.
  readonly #kinds: readonly string[];

  constructor(options: JobRunnerOptions) {
    this.#options = options;
    this.#kinds = Object.keys(options.handlers);
  }

  start(): void {
    this.#stopped = false;
    this.wake();
  }

  /** The jobs this runner holds a lease for: running or in hand (for the lease heartbeat). */
  heldJobIds(): number[] {
    return [...this.#running.keys(), ...this.#inHand.map((job) => job.id)];
  }

  /** Looks for work now (called after every enqueue, with the kinds enqueued when known). */
  wake(kinds?: readonly string[]): void {
    if (this.#stopped) return;
    if (kinds && !kinds.some((kind) => this.#kinds.includes(kind))) return;
    if (this.#claiming) {
      this.#wakeAgain = true;
      return;
    }
    void this.#claimAndRun();
  }

  /** Stops claiming, waits up to `graceMs` for running jobs, then releases what is still leased. */
  async stop(graceMs: number): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled(this.#running.values()), grace]);
    this.#inHand = [];
    await this.#options.store.releaseLeases(this.#options.owner);
  }

  async #claimAndRun(): Promise<void> {
    this.#claiming = true;
    this.#wakeAgain = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      const { concurrency } = this.#options;
      const free = concurrency - this.#running.size;
      const coalesceLeft = this.#claimCoalesceLeft();
      if (free > 0 && this.#inHand.length < free && coalesceLeft > 0) {
        this.#scheduleWake(coalesceLeft);
      } else if (free > 0 && this.#inHand.length < free) {
        this.#lastClaimAt = performance.now();
        const limit = free + concurrency - this.#inHand.length;
        const claimed = await this.#claim(limit);
        this.#inHand.push(...claimed);
        if (claimed.length === limit) this.#wakeAgain = true;
      }
      this.#startInHand();
    } catch (error) {
      this.#options.logger.error({ err: errorSummary(error) }, 'job claim failed');
    } finally {
      this.#claiming = false;
    }
    if (this.#wakeAgain && this.#running.size < this.#options.concurrency) return this.wake();
    this.#scheduleWake(this.#options.pollIntervalMs);
  }

  // Milliseconds until the next claim may run; 0 when idle (no running job) or when due.
  #claimCoalesceLeft(): number {
    if (this.#running.size === 0) return 0;
    const spacing = this.#options.claimCoalesceMs ?? DEFAULT_CLAIM_COALESCE_MS;
    return Math.max(0, this.#lastClaimAt + spacing - performance.now());
  }

  #startInHand(): void {
    while (!this.#stopped && this.#running.size < this.#options.concurrency) {
      const job = this.#inHand.shift();
      if (!job) return;
      this.#track(job.id, this.#run(job));
    }
  }

  #claim(limit: number): Promise<JobRow[]> {
    const { store, owner, now, leaseMs } = this.#options;
    return store.claimJobs({ owner, limit, now: now(), leaseMs, kinds: this.#kinds });
  }

  // One timer serves both the poll (other processes' jobs, expired leases) and this runner's own
  // retries, so a retry due in 20 ms does not wait for the next poll.
  #scheduleWake(delayMs: number): void {
    if (this.#stopped) return;
    const due = this.#options.now() + delayMs;
    if (this.#timer && this.#timerDue <= due) return;
    clearTimeout(this.#timer);
    this.#timerDue = due;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.wake();
    }, delayMs);
  }

  #track(id: number, promise: Promise<void>): void {
    this.#running.set(id, promise);
    void promise.finally(() => {
      this.#running.delete(id);
      this.wake();
    });
  }

  async #run(job: JobRow): Promise<void> {
    const { handlers, logger, now } = this.#options;
    const started = now();
    let result: JobResult;
    try {
      const handler = handlers[job.kind];
      result = handler
        ? await handler(job, JSON.parse(job.payload) as Record<string, unknown>)
        : { type: 'failed', error: `No handler for job kind ${job.kind}` };
    } catch (error) {
      logger.warn({ jobId: job.id, kind: job.kind, err: errorSummary(error) }, 'job threw');
      result = { type: 'retry', error: errorSummary(error).message };
    }
    await this.#settle(job, result).catch((error: unknown) => {
      // The lease is no longer renewed: it runs out and the job is claimed again.
      logger.error({ jobId: job.id, err: errorSummary(error) }, 'job settle failed');
    });
    this.#options.onFinished?.(job, result, now() - started);
  }

  async #settle(job: JobRow, result: JobResult): Promise<void> {
    const { store, owner, now } = this.#options;
    if (result.type === 'settled') return;
    if (result.type === 'done') await store.completeJob(job.id, owner);
    else if (result.type === 'failed') await store.failJob(job.id, owner, result.error);
    else {
      const delayMs = result.delayMs ?? this.backoffMs(job.attempts);
      await store.rescheduleJob(job.id, owner, { runAt: now() + delayMs, error: result.error });
      this.#scheduleWake(delayMs);
    }
  }

  /** Exponential backoff with full jitter: a random delay up to base · 2^(attempt − 1), capped. */
  backoffMs(attempt: number): number {
    const { retryBaseDelayMs, retryMaxDelayMs, random } = this.#options;
    const ceiling = Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** Math.max(0, attempt - 1));
    // Half fixed, half random: never hammers, never waits for nothing.
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  }
}

/** A loggable summary of an error: its name, code and message, never its stack or payload. */
export function errorSummary(error: unknown): { name: string; code?: string; message: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string'
    ? { name: error.name, code, message: error.message }
    : { name: error.name, message: error.message };
}
