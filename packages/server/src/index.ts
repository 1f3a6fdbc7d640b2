export {
  type CreateAccountInput,
  type CreatedAccount,
  createAccount,
} from './accounts/create-account.ts';
export { loadConfig, type ServerConfig } from './config/load-config.ts';
export { BUILT_IN_CONNECTORS, createBuiltInConnectors } from './connectors/built-in-connectors.ts';
export type {
  Connector,
  Delivery,
  DeliveryAccount,
  DeliveryContext,
  DeliveryOutcome,
  DeliveryPayload,
} from './connectors/connector.ts';
export {
  type DeliverUrlPolicy,
  DeliverUrlRefusedError,
  deliverUrlPolicyFromEnv,
} from './connectors/deliver-url-policy.ts';
export { createDemoConnector, type DemoConnector } from './connectors/demo-connector.ts';
export { createHttpConnector } from './connectors/http-connector.ts';
export { FRONT_ROUTES, type FrontRoute } from './front/front-routes.ts';
export {
  type RunningServer,
  type StartServerOptions,
  startServer,
} from './http/start-server.ts';
export { type CreateLoggerOptions, createLogger } from './logging/create-logger.ts';
export { type OpenStoreOptions, openStore, type SqliteSynchronous } from './store/open-store.ts';
export type * from './store/store.ts';
export type { FrontClient } from './workers/front-client.ts';
