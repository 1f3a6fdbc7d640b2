import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import { errorSummary } from './job-runner.ts';

export interface JobPrunerOptions {
  store: Store;
  /** Finished jobs older than this are deleted. */
  retentionMs: number;
  now: () => number;
  logger: Logger;
  /** How often to look (default hourly); the first look is at start. */
  intervalMs?: number;
  /** Rows per DELETE, so no statement holds the write lock for long (default 1,000). */
  batchSize?: number;
}

/**
 * Keeps the jobs table to what is pending plus a few days of history: without it every message
 * would leave its jobs behind for ever, and the claim's index would grow with them.
 */
export function startJobPruner(options: JobPrunerOptions): { stop(): void } {
  const { store, retentionMs, now, logger, intervalMs = 60 * 60 * 1000 } = options;
  const batchSize = options.batchSize ?? 1000;
  let running = false;
  let stopped = false;

  const prune = async () => {
    if (running || stopped) return;
    running = true;
    let pruned = 0;
    try {
      const before = now() - retentionMs;
      for (;;) {
        const deleted = await store.pruneFinishedJobs(before, batchSize);
        pruned += deleted;
        if (deleted < batchSize || stopped) break;
        // Let requests in between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (pruned > 0) logger.info({ pruned }, 'finished jobs pruned');
    } catch (error) {
      logger.warn({ err: errorSummary(error) }, 'job pruning failed');
    } finally {
      running = false;
    }
  };

  void prune();
  const timer = setInterval(() => void prune(), intervalMs);
  timer.unref();
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
