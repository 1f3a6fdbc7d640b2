import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@frontbridge/emulator';
import { buildMessageEvent, signForTesting } from '@frontbridge/sdk/testing';
import pg from 'pg';
import { createAccount, openStore } from '../../src/index.ts';
import { APP_SECRET, APP_UID, testEnv, waitFor } from './harness.ts';
import { type Receiver, startReceiver } from './receiver.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/serve-child.ts', import.meta.url));

export const POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether a PostgreSQL server answers at `url` (tests skip, naming the URL, when not). */
export async function postgresReachable(url = POSTGRES_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A database of its own for one test run, on the server of `adminUrl`. */
export async function createTestDatabase(adminUrl = POSTGRES_URL) {
  const name = `fb_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

export async function adminQuery(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** One `frontbridge serve`-like child process. */
export interface Instance {
  url: string;
  process: ChildProcess;
  exited: Promise<unknown>;
  stderr: string[];
}

export async function spawnInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const exited = once(child, 'exit');
  const first = await Promise.race([
    once(createInterface({ input: child.stdout }), 'line').then(([line]) => String(line)),
    exited.then(() => {
      throw new Error(`A server process exited before listening: ${stderr.join('\n')}`);
    }),
  ]);
  return { url: (JSON.parse(first) as { url: string }).url, process: child, exited, stderr };
}

/** A loopback round-robin load balancer that skips backends refusing connections. */
export interface Balancer {
  url: string;
  backends: string[];
  close(): Promise<void>;
}

export async function startBalancer(
  onAnswer?: (request: { url: string; body: Buffer }, status: number) => void,
): Promise<Balancer> {
  const balancer = { backends: [] as string[] } as Balancer;
  let turn = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = (tries: number) => {
        const backend = balancer.backends[turn++ % balancer.backends.length] ?? '';
        const proxied = httpRequest(
          `${backend}${incoming.url}`,
          { method: incoming.method, headers: incoming.headers },
          (answer) => {
            onAnswer?.({ url: incoming.url ?? '', body }, answer.statusCode ?? 502);
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        proxied.on('error', () => {
          if (tries > 1 && !outgoing.headersSent) forward(tries - 1);
          else outgoing.destroy();
        });
        proxied.end(body);
      };
      forward(balancer.backends.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  balancer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  balancer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return balancer;
}

export interface Deployment {
  databaseUrl: string;
  balancer: Balancer;
  emulator: Emulator;
  receiver: Receiver;
  /** Accepted sync calls per external id, counted on the way to the emulator. */
  syncCalls: Map<string, number>;
  instances: Instance[];
  apiKey: string;
  channels: Array<{ id: string; token: string }>;
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface DeploymentOptions {
  databaseUrl: string;
  instances: number;
  channels: number;
  env?: Record<string, string>;
}

/**
 * N server processes on one database behind a balancer, the Front emulator pointed at the
 * balancer, a receiver standing in for the external system, one account and its channels, added
 * through the real authorization flow.
 */
export async function startDeployment(options: DeploymentOptions): Promise<Deployment> {
  const balancer = await startBalancer();
  const receiver = await startReceiver();
  const emulator = await startEmulator({
    appUid: APP_UID,
    appSecret: APP_SECRET,
    rateLimit: { perChannelPerSecond: 10_000, perMinute: 10_000_000 },
  });
  // Every call to Front passes a counter: the emulator's own log keeps only the latest entries.
  const syncCalls = new Map<string, number>();
  const frontProxy = await startBalancer(({ url, body }, status) => {
    if (status >= 300 || !url.endsWith('/inbound_messages')) return;
    let externalId = 'unparsable';
    try {
      externalId = String(JSON.parse(body.toString('utf8')).metadata?.external_id);
    } catch {
      // Multipart bodies (attachments) are not part of these runs; count them under one key.
    }
    syncCalls.set(externalId, (syncCalls.get(externalId) ?? 0) + 1);
  });
  frontProxy.backends.push(emulator.apiUrl);
  const store = await openStore(options.databaseUrl);
  const account = await createAccount(store, { name: 'scale', deliverUrl: receiver.url });
  await store.close();

  const env = testEnv({
    DATABASE_URL: options.databaseUrl,
    PUBLIC_URL: balancer.url,
    FRONT_API_URL: frontProxy.url,
    JOB_LEASE_SECONDS: '2',
    POLL_INTERVAL_MS: '200',
    FRONT_REQUESTS_PER_SECOND: '500',
    ...options.env,
  });
  const instances = await Promise.all(
    Array.from({ length: options.instances }, () => spawnInstance(env)),
  );
  balancer.backends.push(...instances.map((instance) => instance.url));

  const deployment: Deployment = {
    databaseUrl: options.databaseUrl,
    balancer,
    emulator,
    receiver,
    syncCalls,
    instances,
    apiKey: account.api_key,
    channels: [],
    env,
    close: async () => {
      for (const instance of deployment.instances) {
        if (instance.process.exitCode === null && instance.process.signalCode === null) {
          instance.process.kill('SIGTERM');
        }
      }
      await Promise.all(deployment.instances.map((instance) => instance.exited));
      await Promise.all([balancer.close(), frontProxy.close(), receiver.close()]);
      await emulator.close();
    },
  };
  for (let index = 0; index < options.channels; index++) {
    deployment.channels.push(await addChannel(deployment, account.channel_token));
  }
  return deployment;
}

async function addChannel(deployment: Deployment, token: string) {
  const response = await fetch(`${deployment.emulator.url}/_emulator/channels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, channel_url: `${deployment.balancer.url}/front` }),
  });
  const body = (await response.json()) as { channel_id?: string; webhook_url?: string };
  if (response.status !== 201 || !body.channel_id || !body.webhook_url) {
    throw new Error(`Adding a channel failed with ${response.status}`);
  }
  return { id: body.channel_id, token: body.webhook_url.split('/').at(-1) ?? '' };
}

/** What one load run sent and had acknowledged. */
export interface LoadResult {
  /** Front message id → the external id frontbridge answered with. */
  webhooks: Map<string, string>;
  /** external_id → frontbridge message id. */
  apiCalls: Map<string, string>;
}

export interface LoadOptions {
  webhooks: number;
  apiCalls: number;
  inFlight: number;
  /** Called after each acknowledgement with the number acknowledged so far. */
  onAck?: (acked: number) => void;
}

const RECIPIENTS = 24;

/**
 * Sends signed `message` webhooks and REST API calls through the balancer. A request that fails
 * or gets a 5xx is sent again, as Front and a well-behaved system would: same event, same
 * external id, so a repeat must not create anything twice.
 */
export async function runLoad(deployment: Deployment, options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { webhooks: new Map(), apiCalls: new Map() };
  const tasks: Array<() => Promise<void>> = [];
  for (let index = 0; index < Math.max(options.webhooks, options.apiCalls); index++) {
    if (index < options.webhooks) tasks.push(() => sendWebhook(deployment, index, result));
    if (index < options.apiCalls) tasks.push(() => sendApiCall(deployment, index, result));
  }
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      await task?.();
      options.onAck?.(result.webhooks.size + result.apiCalls.size);
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  return result;
}

async function sendWebhook(deployment: Deployment, index: number, result: LoadResult) {
  const channel = deployment.channels[index % deployment.channels.length];
  const id = `msg_load_${index}`;
  const recipient = `+1555123${String(index % RECIPIENTS).padStart(4, '0')}`;
  const event = buildMessageEvent({
    payload: {
      id,
      recipients: [
        { _links: { related: { contact: null } }, name: null, handle: 'acme', role: 'from' },
        { _links: { related: { contact: null } }, name: null, handle: recipient, role: 'to' },
      ],
    },
  });
  const answer = await retried(async () => {
    const { body, headers } = signForTesting({ body: event, secret: APP_SECRET });
    return fetch(`${deployment.balancer.url}/front/channels/${channel?.token}`, {
      method: 'POST',
      body,
      headers,
    });
  });
  result.webhooks.set(id, String(answer.external_id));
}

async function sendApiCall(deployment: Deployment, index: number, result: LoadResult) {
  const channel = deployment.channels[index % deployment.channels.length];
  const externalId = `sms-load-${index}`;
  const answer = await retried(() =>
    fetch(`${deployment.balancer.url}/api/v1/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${deployment.apiKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        channel_id: channel?.id,
        direction: 'inbound',
        external_id: externalId,
        from: `+1555987${String(index % RECIPIENTS).padStart(4, '0')}`,
        body: `load message ${index}`,
      }),
    }),
  );
  result.apiCalls.set(externalId, String(answer.id));
}

async function retried(send: () => Promise<Response>): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await send();
      const body = (await response.json()) as Record<string, unknown>;
      if (response.status < 300) return body;
      if (response.status < 500 || attempt >= 100) {
        throw new Error(`Request refused with ${response.status}: ${JSON.stringify(body)}`);
      }
    } catch (error) {
      if (attempt >= 100 || (error as Error).message.startsWith('Request refused')) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until every acknowledged message was delivered and synced, and no job is left. */
export async function waitForQuiet(deployment: Deployment, load: LoadResult, timeoutMs: number) {
  const externalIds = new Set(load.webhooks.values());
  await waitFor(
    () => {
      const delivered = new Set(deployment.receiver.received.map((r) => r.json.external_id));
      return [...externalIds].every((id) => delivered.has(id));
    },
    { timeoutMs, what: 'every delivery' },
  );
  await waitFor(
    () => {
      const synced = syncedMessages(deployment.emulator);
      return [...load.apiCalls.keys()].every((id) => synced.has(id));
    },
    { timeoutMs, what: 'every sync' },
  );
  await waitFor(async () => (await pendingJobs(deployment.databaseUrl)) === 0, {
    timeoutMs,
    what: 'an empty queue',
  });
}

/** The emulator's synced messages by external id, counted (a repeat import would show as 2). */
export function syncedMessages(emulator: Emulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of emulator.state.messages.values()) {
    if (message.source !== 'sync' || !message.externalId) continue;
    counts.set(message.externalId, (counts.get(message.externalId) ?? 0) + 1);
  }
  return counts;
}

export async function pendingJobs(databaseUrl: string): Promise<number> {
  const { rows } = await adminQuery(
    databaseUrl,
    "select count(*)::int as count from jobs where status = 'pending'",
  );
  return Number(rows[0]?.count);
}
