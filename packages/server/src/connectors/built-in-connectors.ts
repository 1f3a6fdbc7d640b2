import type { Connector } from './connector.ts';
import type { DeliverUrlPolicy } from './deliver-url-policy.ts';
import { createDemoConnector } from './demo-connector.ts';
import { createHttpConnector } from './http-connector.ts';

/** The names of the connectors every server has; others come through `startServer({ connectors })`. */
export const BUILT_IN_CONNECTORS = ['http', 'demo'] as const;

export type BuiltInConnectorName = (typeof BUILT_IN_CONNECTORS)[number];

/** The built-in connectors, by name: `http` under the given deliver URL policy, and `demo`. */
export function createBuiltInConnectors(options: {
  deliverUrlPolicy: DeliverUrlPolicy;
}): Record<BuiltInConnectorName, Connector> {
  return {
    http: createHttpConnector({ urlPolicy: options.deliverUrlPolicy }),
    demo: createDemoConnector(),
  };
}
