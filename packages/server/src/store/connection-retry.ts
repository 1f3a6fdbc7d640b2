import type { Store } from './store.ts';

export interface ConnectionRetryOptions {
  /** How long one call keeps retrying while the database is unreachable (default 10 s). */
  retryWindowMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told about each retry, for logs; never given the query or its values. */
  onRetry?: (event: { method: string; attempt: number; code: string }) => void;
}

// Methods whose failure must show at once: readiness probes and shutdown.
const NOT_RETRIED = new Set<PropertyKey>(['ping', 'close', 'onJobsEnqueued']);

// Node socket errors, PostgreSQL's connection-exception class (08…), and the shutdown and
// start-up codes a server restart produces: the statement never ran, or ran in a transaction that
// rolled back with the connection.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const CLIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
];

/** Whether `error` means the database connection was lost rather than the query being wrong. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08')) return true;
  }
  return CLIENT_MESSAGES.some((phrase) => error.message.includes(phrase));
}

/**
 * Wraps a store so each call rides out a lost database connection: it is retried with backoff
 * until it succeeds or `retryWindowMs` has passed. This is safe because every store method is
 * idempotent or one transaction: a commit whose answer was lost is found again as a duplicate
 * (event keys, external ids and job keys are unique), and a lost claim only leaves jobs leased
 * until their lease expires. Workers therefore record the outcome of a side effect they already
 * made instead of failing and redoing it after the database comes back.
 */
export function withConnectionRetry(store: Store, options: ConnectionRetryOptions = {}): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      // Bound to the target: the store keeps its state in private fields a proxy cannot reach.
      if (NOT_RETRIED.has(property)) return value.bind(target);
      return (...args: unknown[]) =>
        retryCall(() => value.apply(target, args), String(property), options);
    },
  });
}

async function retryCall<T>(
  call: () => Promise<T>,
  method: string,
  options: ConnectionRetryOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + (options.retryWindowMs ?? 10_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isConnectionError(error) || now() >= deadline) throw error;
      const code = String((error as { code?: unknown }).code ?? 'connection_lost');
      options.onRetry?.({ method, attempt, code });
      await sleep(Math.min(1000, 25 * 2 ** Math.min(attempt, 6)));
    }
  }
}
