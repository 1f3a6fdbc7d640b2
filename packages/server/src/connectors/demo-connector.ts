import type { Connector, Delivery, DeliveryOutcome } from './connector.ts';

/** A connector that keeps deliveries in memory and tells listeners, for the Acme Chat demo. */
export interface DemoConnector extends Connector {
  /** Calls `listener` with every delivery from now on; returns an unsubscribe function. */
  subscribe(listener: (delivery: Delivery) => void): () => void;
  /** Deliveries so far, oldest first (at most the last 500). */
  readonly deliveries: readonly Delivery[];
}

const KEPT_DELIVERIES = 500;

/** Creates the in-memory `demo` connector; every delivery succeeds. */
export function createDemoConnector(): DemoConnector {
  const listeners = new Set<(delivery: Delivery) => void>();
  const deliveries: Delivery[] = [];

  return {
    deliveries,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async deliver(delivery): Promise<DeliveryOutcome> {
      // The same delivery id twice (a retried job) is one delivery for the page.
      if (deliveries.some((known) => known.id === delivery.id)) return { outcome: 'delivered' };
      deliveries.push(delivery);
      if (deliveries.length > KEPT_DELIVERIES) deliveries.shift();
      for (const listener of listeners) listener(delivery);
      return { outcome: 'delivered' };
    },
  };
}
