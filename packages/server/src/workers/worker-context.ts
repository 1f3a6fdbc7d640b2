import type { Logger } from 'pino';
import type { ServerConfig } from '../config/load-config.ts';
import type { Connector } from '../connectors/connector.ts';
import type { Metrics } from '../http/metrics.ts';
import type { Store } from '../store/store.ts';
import type { AttachmentLinks } from './attachment-links.ts';
import type { FrontClient } from './front-client.ts';

/** What the route handlers and job handlers share. */
export interface ServerContext {
  config: ServerConfig;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  connectors: Record<string, Connector>;
  front: FrontClient;
  attachmentLinks: AttachmentLinks;
  fetch: typeof globalThis.fetch;
  now: () => number;
  /** Random bytes for new ids and tokens; injectable so tests can be deterministic. */
  randomBytes: (size: number) => Buffer;
  /** The delay before retry number `attempt`, with jitter. */
  backoffMs: (attempt: number) => number;
}
