import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../store/store.ts';

/** The server's Prometheus metrics, in a registry of its own (never the global one). */
export interface Metrics {
  registry: Registry;
  webhooks: Counter<'type' | 'outcome'>;
  webhookSeconds: Histogram<'type'>;
  deliveryAttempts: Counter<'outcome'>;
  syncAttempts: Counter<'outcome'>;
  jobSeconds: Histogram<'kind'>;
}

export function createMetrics(store: Store): Metrics {
  const registry = new Registry();
  const registers = [registry];
  new Gauge({
    name: 'frontbridge_queue_depth',
    help: 'Jobs waiting or running, by kind',
    labelNames: ['kind'],
    registers,
    async collect() {
      this.reset();
      const counts = await store.countPendingJobs();
      for (const kind of ['deliver', 'sync', 'report_failure'])
        this.set({ kind }, counts[kind] ?? 0);
    },
  });
  return {
    registry,
    webhooks: new Counter({
      name: 'frontbridge_webhooks_total',
      help: 'Requests from Front, by event type and outcome',
      labelNames: ['type', 'outcome'],
      registers,
    }),
    webhookSeconds: new Histogram({
      name: 'frontbridge_webhook_duration_seconds',
      help: 'Time to answer a request from Front',
      labelNames: ['type'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5],
      registers,
    }),
    deliveryAttempts: new Counter({
      name: 'frontbridge_delivery_attempts_total',
      help: 'Attempts to hand a message to the external system, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    syncAttempts: new Counter({
      name: 'frontbridge_sync_attempts_total',
      help: 'Attempts to sync a message into Front, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    jobSeconds: new Histogram({
      name: 'frontbridge_job_duration_seconds',
      help: 'Time a queued job took, by kind',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers,
    }),
  };
}
