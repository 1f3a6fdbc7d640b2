import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@frontbridge/emulator';
import {
  type CreatedAccount,
  createAccount,
  createLogger,
  loadConfig,
  openStore,
  type RunningServer,
  type ServerConfig,
  type StartServerOptions,
  type Store,
  startServer,
} from '../../src/index.ts';
import { type Receiver, type ReceiverBehaviour, startReceiver } from './receiver.ts';

export const APP_UID = 'frontbridge-test';
export const APP_SECRET = 'test-app-secret';

/** Environment with test-speed tunables: retries in tens of milliseconds. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    FRONT_APP_UID: APP_UID,
    FRONT_APP_SECRET: APP_SECRET,
    PUBLIC_URL: 'http://127.0.0.1:1',
    FRONT_API_URL: 'http://127.0.0.1:1',
    DATABASE_URL: 'sqlite::memory:',
    PORT: '0',
    HOST: '127.0.0.1',
    RETRY_BASE_DELAY_MS: '20',
    RETRY_MAX_DELAY_MS: '100',
    POLL_INTERVAL_MS: '50',
    DELIVERY_RETRY_PERIOD_SECONDS: '3600',
    ...overrides,
  };
}

export interface Harness {
  dir: string;
  emulator: Emulator;
  receiver: Receiver;
  server: RunningServer;
  store: Store;
  config: ServerConfig;
  account: CreatedAccount;
  channelId: string;
  webhookUrl: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  behaviour?: ReceiverBehaviour;
  emulator?: Parameters<typeof startEmulator>[0];
  server?: Partial<StartServerOptions>;
  /** Skip the authorization flow (for tests of it). */
  skipChannel?: boolean;
}

/**
 * The whole loop on loopback: the Front emulator, frontbridge on a SQLite file in a temp dir, and
 * a receiver standing in for the external system, with one account and one authorized channel.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'frontbridge-server-'));
  const emulator = await startEmulator({
    appUid: APP_UID,
    appSecret: APP_SECRET,
    ...options.emulator,
  });
  const receiver = await startReceiver(options.behaviour);
  const config = loadConfig(
    testEnv({
      FRONT_API_URL: emulator.apiUrl,
      DATABASE_URL: `sqlite:${join(dir, 'fb.db')}`,
      ...options.env,
    }),
    { mode: 'development' },
  );
  const store = await openStore(config.databaseUrl);
  const server = await startServer({
    config,
    store,
    logger: createLogger({ level: 'silent' }),
    ...options.server,
  });
  // PUBLIC_URL is only known once the port is: point the config (shared by reference) at it.
  config.publicUrl = server.url;
  const account = await createAccount(store, { name: 'acme', deliverUrl: receiver.url });

  const harness: Harness = {
    dir,
    emulator,
    receiver,
    server,
    store,
    config,
    account,
    channelId: '',
    webhookUrl: '',
    close: async () => {
      await server.close();
      await emulator.close();
      await receiver.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  if (!options.skipChannel) {
    const added = await addChannel(harness, account.channel_token);
    if (added.status !== 201)
      throw new Error(`authorization failed: ${JSON.stringify(added.body)}`);
    harness.channelId = String(added.body.channel_id);
    harness.webhookUrl = String(added.body.webhook_url);
  }
  return harness;
}

/** Adds a channel in the emulator, which runs Front's authorization request against the server. */
export async function addChannel(harness: Harness, token: string) {
  const response = await fetch(`${harness.emulator.url}/_emulator/channels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, channel_url: `${harness.server.url}/front` }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Has a teammate send one file (content `data`) through the emulator, waits for its delivery and
 * returns the attachment as delivered: frontbridge's link and the file name.
 */
export async function deliverAttachment(
  harness: Harness,
  file: { filename: string; data: string },
): Promise<{ url: string; filename: string }> {
  const sent = await control(harness, 'POST', `/channels/${harness.channelId}/messages`, {
    to: ['+15551230000'],
    text: 'file attached',
    attachments: [
      {
        filename: file.filename,
        content_type: 'application/pdf',
        content_base64: Buffer.from(file.data).toString('base64'),
      },
    ],
  });
  if (sent.status !== 200) throw new Error(`teammate send failed: ${JSON.stringify(sent.body)}`);
  await waitFor(() => harness.receiver.received.length === 1, { what: 'the delivery' });
  const delivered = harness.receiver.received[0]?.json.attachments as
    | Array<{ url: string; filename: string }>
    | undefined;
  const [attachment] = delivered ?? [];
  if (!attachment) throw new Error('the delivery carries no attachment link');
  return attachment;
}

/** Calls the emulator's control API. */
export async function control(harness: Harness, method: string, path: string, body?: unknown) {
  const response = await fetch(`${harness.emulator.url}/_emulator${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Calls frontbridge's REST API with the account's key. */
export async function api(harness: Harness, method: string, path: string, body?: unknown) {
  const response = await fetch(`${harness.server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${harness.account.api_key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Waits until `check` returns a value other than undefined/false (a condition, not a timing). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${options.what ?? 'condition'}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
