import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';

export interface LeaseHeartbeatOptions {
  store: Store;
  owner: string;
  leaseMs: number;
  now: () => number;
  logger: Logger;
}

/**
 * Keeps this process's leases alive while its jobs run: every third of the lease they are pushed
 * a full lease ahead. Leases can then be short, so a crashed instance's jobs are taken over within
 * seconds, without a slow job (a slow receiver, a busy machine) outliving its lease and being run
 * a second time by another instance.
 */
export function startLeaseHeartbeat(options: LeaseHeartbeatOptions): { stop(): void } {
  const { store, owner, leaseMs, now, logger } = options;
  let beating = false;
  const timer = setInterval(
    () => {
      if (beating) return;
      beating = true;
      store
        .extendLeases(owner, now() + leaseMs)
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
