/** Shortest wait before a retry that Front did not time for us (no `Retry-After`). */
export const MIN_BACKOFF_MS = 1000;
/** Longest wait between two attempts when backing off on our own. */
export const MAX_BACKOFF_MS = 30_000;

/** Inputs of {@link computeBackoffMs}. */
export interface BackoffOptions {
  /** The attempt that just failed, counting from 1. */
  attempt: number;
  /** A number in [0, 1), e.g. `Math.random()`, injected so tests are deterministic. */
  random: number;
  /** First delay before jitter; default 1 s. */
  baseMs?: number;
  /** Upper bound of any delay; default 30 s. */
  maxMs?: number;
}

/**
 * The wait before the next attempt: exponential (1 s, 2 s, 4 s …) plus up to 50% jitter, capped.
 * The jitter only adds time, so the first retry never comes sooner than 1 s: Front's burst limit
 * is counted per second, and a faster retry would only hit it again.
 */
export function computeBackoffMs(options: BackoffOptions): number {
  const base = options.baseMs ?? MIN_BACKOFF_MS;
  const max = options.maxMs ?? MAX_BACKOFF_MS;
  const exponent = Math.max(0, Math.min(options.attempt - 1, 30));
  const delay = base * 2 ** exponent;
  const random = Math.min(Math.max(options.random, 0), 1);

  return Math.min(max, Math.round(delay * (1 + random / 2)));
}
