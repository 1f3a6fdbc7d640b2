import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { defaultRandomBytes, newId, type RandomBytes } from '../accounts/credentials.ts';
import type { ServerConfig } from '../config/load-config.ts';
import { createBuiltInConnectors } from '../connectors/built-in-connectors.ts';
import type { Connector } from '../connectors/connector.ts';
import { createLogger } from '../logging/create-logger.ts';
import { startJobPruner } from '../queue/job-pruner.ts';
import { type JobHandler, JobRunner } from '../queue/job-runner.ts';
import { startLeaseHeartbeat } from '../queue/lease-heartbeat.ts';
import { createSharedRateLimitedFetch } from '../queue/shared-rate-limit.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { AttachmentLinks } from '../workers/attachment-links.ts';
import { runDeliverJob } from '../workers/deliver-job.ts';
import { createFrontClient, type FrontClient } from '../workers/front-client.ts';
import { runReportFailureJob } from '../workers/report-failure-job.ts';
import { runSyncJob } from '../workers/sync-job.ts';
import type { ServerContext } from '../workers/worker-context.ts';
import { buildApp } from './build-app.ts';
import { createMetrics } from './metrics.ts';

export interface StartServerOptions {
  config: ServerConfig;
  /** An open store; default: opened from `config.databaseUrl` (and closed by `close()`). */
  store?: Store;
  logger?: Logger;
  now?: () => number;
  /** Extra or replacement connectors by name; `http` and `demo` are built in. */
  connectors?: Record<string, Connector>;
  /** Used for deliveries and for calls to Front. */
  fetch?: typeof globalThis.fetch;
  /** Replaces the SDK client toward Front (tests). */
  front?: FrontClient;
  random?: () => number;
  randomBytes?: RandomBytes;
  /** Waits inside calls to Front (between the SDK client's retries); default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** How long `close()` waits for running jobs before releasing their leases (default 5 s). */
  shutdownGraceMs?: number;
}

/** A started server. `close()` stops taking requests and work, then releases what it holds. */
export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

/** Opens the store (unless given), starts the HTTP server and the job workers. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger();
  const store =
    options.store ??
    (await openStore(config.databaseUrl, {
      sqliteSynchronous: config.sqliteSynchronous,
      onConnectionError: (error) =>
        logger.warn(
          { err: { name: error.name, message: error.message } },
          'database connection lost',
        ),
    }));
  // A SQLite file has one server process: a lease already in it was left by one that died (kill -9,
  // a power cut). Handed back now, its jobs run at once instead of when the lease would end.
  if (!options.store && store.dialect === 'sqlite') {
    const released = await store.releaseAllLeases();
    if (released > 0) logger.warn({ released }, 'leases of a stopped process released');
  }
  const context = createContext({ ...options, logger }, store);
  const owner = newId('worker', (size) => nodeRandomBytes(size));
  const lanes = createLanes(context, options.random ?? Math.random, owner);
  context.backoffMs = (attempt) => lanes[0].runner.backoffMs(attempt);

  const app = await buildApp(context);
  await app.listen({ port: config.port, host: config.host });
  const unsubscribe = store.onJobsEnqueued((kinds) => {
    for (const lane of lanes) lane.runner.wake(kinds);
  });
  for (const lane of lanes) lane.runner.start();
  const pruner = startJobPruner({
    store,
    retentionMs: config.jobRetentionMs,
    now: context.now,
    logger: context.logger,
  });
  const heartbeats = lanes.map((lane) =>
    startLeaseHeartbeat({
      store,
      owner: lane.owner,
      heldJobIds: () => lane.runner.heldJobIds(),
      leaseMs: config.jobLeaseMs,
      now: context.now,
      logger: context.logger,
    }),
  );

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  context.logger.info({ port, host: config.host }, 'server started');

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    store,
    close: async () => {
      unsubscribe();
      await app.close();
      const graceMs = options.shutdownGraceMs ?? 5000;
      await Promise.all(lanes.map((lane) => lane.runner.stop(graceMs)));
      for (const heartbeat of heartbeats) heartbeat.stop();
      pruner.stop();
      if (!options.store) await store.close();
      context.logger.info({}, 'server stopped');
    },
  };
}

function createContext(options: StartServerOptions, store: Store): ServerContext {
  const { config } = options;
  const now = options.now ?? Date.now;
  const fetch = options.fetch ?? globalThis.fetch;
  const logger = options.logger ?? createLogger();
  const front =
    options.front ??
    createFrontClient({
      appUid: config.frontAppUid,
      appSecret: config.frontAppSecrets[0] ?? '',
      baseUrl: config.frontApiUrl,
      // Paced per channel in the database, so the limit holds across every instance.
      fetch: createSharedRateLimitedFetch({
        store,
        fetch,
        requestsPerSecond: config.frontRequestsPerSecond,
        ...(options.sleep ? { sleep: options.sleep } : {}),
      }),
      requestsPerSecondPerChannel: config.frontRequestsPerSecond,
      now,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      onRetry: (event) =>
        logger.info({ reason: event.reason, attempt: event.attempt }, 'front call retried'),
    });
  return {
    config,
    store,
    logger,
    metrics: createMetrics(store),
    connectors: {
      ...createBuiltInConnectors({ deliverUrlPolicy: config.deliverUrlPolicy }),
      ...options.connectors,
    },
    front,
    attachmentLinks: new AttachmentLinks({
      key: AttachmentLinks.deriveKey(config.frontAppSecrets[0] ?? ''),
      publicUrl: () => config.publicUrl,
    }),
    fetch,
    now,
    randomBytes: options.randomBytes ?? defaultRandomBytes,
    backoffMs: () => config.retryBaseDelayMs,
  };
}

/**
 * Two lanes of work, each with its own runner and `WORKER_CONCURRENCY` slots: deliveries to the
 * external system, and calls to Front (syncs and failure reports). Syncs wait for Front's rate
 * limit while holding their slot, so a backlog of them must not hold up deliveries, and a slow
 * receiver must not hold up syncs.
 */
function createLanes(context: ServerContext, random: () => number, owner: string) {
  const lane = (name: string, handlers: Record<string, JobHandler>) => {
    const laneOwner = `${owner}-${name}`;
    return { owner: laneOwner, runner: createRunner(context, random, laneOwner, handlers) };
  };
  return [
    lane('deliver', { deliver: (job) => runDeliverJob(context, job) }),
    lane('front', {
      sync: (job) => runSyncJob(context, job),
      report_failure: (job) => runReportFailureJob(context, job),
    }),
  ] as const;
}

function createRunner(
  context: ServerContext,
  random: () => number,
  owner: string,
  handlers: Record<string, JobHandler>,
): JobRunner {
  const { config, metrics } = context;
  return new JobRunner({
    store: context.store,
    owner,
    logger: context.logger,
    handlers,
    concurrency: config.workerConcurrency,
    leaseMs: config.jobLeaseMs,
    pollIntervalMs: config.pollIntervalMs,
    retryBaseDelayMs: config.retryBaseDelayMs,
    retryMaxDelayMs: config.retryMaxDelayMs,
    now: context.now,
    random,
    onFinished: (job, _result, durationMs) =>
      metrics.jobSeconds.observe({ kind: job.kind }, durationMs / 1000),
  });
}
