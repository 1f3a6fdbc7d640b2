import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';

export interface LeaseHeartbeatOptions {
  store: Store;
  owner: string;
  /** The ids of the jobs this process is running or holding in hand right now. */
  heldJobIds: () => readonly number[];
  leaseMs: number;
  now: () => number;
  logger: Logger;
}

/**
 * Keeps the leases of the jobs this process runs or holds alive (only those: see
 * `Store.extendLeases`): every third of the lease they are pushed a full lease ahead. Leases can then be short, so a crashed instance's jobs are taken over within
 * seconds, without a slow job (a slow receiver, a busy machine) outliving its lease and being run
 * a second time by another instance.
 */
export function startLeaseHeartbeat(options: LeaseHeartbeatOptions): { stop(): void } {
  const { store, owner, heldJobIds, leaseMs, now, logger } = options;
  let beating = false;
  const timer = setInterval(
    () => {
      const held = heldJobIds();
      if (beating || held.length === 0) return;
      beating = true;
      store
        .extendLeases(owner, now() + leaseMs, held)
        .catch((error: unknown) => {
          logger.warn({ err: { message: (error as Error).message } }, 'lease renewal failed');
        })
        .finally(() => {
          beating = false;
        });
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
