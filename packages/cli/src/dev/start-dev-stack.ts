import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Emulator, EmulatorOptions } from '@frontbridge/emulator';
import {
  type CreatedAccount,
  createAccount,
  type RunningServer,
  type ServerConfig,
  type StartServerOptions,
  type Store,
} from '@frontbridge/server';
import type { Logger } from 'pino';
import { type RunningAcmeChat, startAcmeChat } from '../acme-chat/start-acme-chat.ts';

const DEV_APP_UID = 'frontbridge-dev';
const DEV_APP_SECRET = 'frontbridge-dev-secret';
const HOST = '127.0.0.1';
const DEV_ACCOUNT_FILE = 'dev-account.json';

export interface StartDevStackOptions {
  port: number;
  emulatorPort: number;
  chatPort: number;
  /** Folder of the SQLite database and the dev account's credentials. */
  data: string;
  logger: Logger;
  // Injected so tests (and the CLI) decide which implementations run.
  startEmulator: (options: EmulatorOptions) => Promise<Emulator>;
  startServer: (options: StartServerOptions) => Promise<RunningServer>;
  loadConfig: (env: Record<string, string>, options: { mode: 'development' }) => ServerConfig;
}

export interface DevStack {
  server: RunningServer;
  emulator: Emulator;
  chat: RunningAcmeChat;
  account: CreatedAccount;
  channelId: string;
  /** What `frontbridge dev` prints: where to click. */
  banner: string;
  close(): Promise<void>;
}

/**
 * Starts the emulator, the server (SQLite under `data`), a dev account whose deliveries go to Acme
 * Chat, and a channel created through the real signed authorization flow.
 */
export async function startDevStack(options: StartDevStackOptions): Promise<DevStack> {
  const dataDir = resolve(options.data);
  // The store makes the folder (and says clearly when it cannot).
  const databaseUrl = `sqlite:${join(dataDir, 'frontbridge.db')}`;

  const closers: Array<() => Promise<void>> = [];
  try {
    const chat = await startAcmeChat({ port: options.chatPort, host: HOST });
    closers.unshift(() => chat.close());
    const emulator = await options.startEmulator({
      port: options.emulatorPort,
      host: HOST,
      appUid: DEV_APP_UID,
      appSecret: DEV_APP_SECRET,
      // What the inbox page's "add channel" form calls; unknown until listening when port is 0.
      ...(options.port === 0 ? {} : { channelUrl: `http://${HOST}:${options.port}/front` }),
    });
    closers.unshift(() => emulator.close());
    const config = options.loadConfig(
      {
        FRONT_APP_UID: DEV_APP_UID,
        FRONT_APP_SECRET: DEV_APP_SECRET,
        PUBLIC_URL: `http://${HOST}:${options.port}`,
        FRONT_API_URL: emulator.apiUrl,
        DATABASE_URL: databaseUrl,
        PORT: String(options.port),
        HOST,
        // A demo should show failures within seconds, not after the production hour of retries.
        DELIVERY_RETRY_PERIOD_SECONDS: '60',
      },
      { mode: 'development' },
    );
    const server = await options.startServer({ config, logger: options.logger });
    closers.unshift(() => server.close());
    // With port 0 (tests) the real port is known only now; the server reads publicUrl per request.
    config.publicUrl = server.url;
    const account = await devAccount(server.store, dataDir, chat.deliverUrl);
    const channelId = await addChannel(emulator.url, {
      token: account.channel_token,
      channel_url: `${server.url}/front`,
      // The emulator keeps its inbox in memory; asking it for the channel id of the last run lets
      // the server's stored messages and queued jobs for that channel carry on.
      ...(account.channel_id ? { channel_id: account.channel_id } : {}),
    });
    await saveDevAccount(dataDir, { ...account, channel_id: channelId });
    chat.connect({
      frontbridgeUrl: server.url,
      apiKey: account.api_key,
      signingSecret: account.signing_secret,
      channelId,
    });
    const close = async () => {
      for (const closer of closers) await closer();
    };
    const banner = describeStack({
      serverUrl: server.url,
      emulator,
      chat,
      channelId,
      dataDir,
    });
    return { server, emulator, chat, account, channelId, banner, close };
  } catch (error) {
    for (const closer of closers) await closer().catch(() => undefined);
    throw error;
  }
}

/** The dev account as kept in `data/dev-account.json`: its credentials, deliver URL, channel. */
type DevAccount = CreatedAccount & { deliver_url: string; channel_id?: string };

// The dev account's credentials are kept next to the database (dev only, readable by the owner
// only), so a restarted `frontbridge dev` reuses the same account instead of adding one per run.
async function devAccount(store: Store, dataDir: string, deliverUrl: string): Promise<DevAccount> {
  const saved = await readFile(join(dataDir, DEV_ACCOUNT_FILE), 'utf8').then(
    (text) => JSON.parse(text) as DevAccount,
    () => undefined,
  );
  if (saved && saved.deliver_url === deliverUrl && (await store.getAccount(saved.account_id))) {
    return saved;
  }
  const created = await createAccount(store, { name: 'acme (dev)', deliverUrl, connector: 'http' });
  return { ...created, deliver_url: deliverUrl };
}

async function saveDevAccount(dataDir: string, account: DevAccount): Promise<void> {
  const file = join(dataDir, DEV_ACCOUNT_FILE);
  await writeFile(file, JSON.stringify(account, null, 2), { mode: 0o600 });
  await chmod(file, 0o600);
}

async function addChannel(emulatorUrl: string, request: Record<string, string>) {
  const response = await fetch(`${emulatorUrl}/_emulator/channels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = (await response.json()) as { channel_id?: string };
  if (!response.ok || !body.channel_id) {
    throw new Error(`The emulator could not add the channel (status ${response.status})`);
  }
  return body.channel_id;
}

function describeStack(parts: {
  serverUrl: string;
  emulator: Emulator;
  chat: RunningAcmeChat;
  channelId: string;
  dataDir: string;
}): string {
  return [
    'frontbridge dev is running',
    '',
    `  Front inbox (emulator):  ${parts.emulator.url}/`,
    `  Acme Chat (customer):    ${parts.chat.url}/`,
    `  channel server:          ${parts.serverUrl}   (channel ${parts.channelId})`,
    `  database:                ${join(parts.dataDir, 'frontbridge.db')}`,
    '',
    'Write as the customer in Acme Chat; answer as a teammate in the Front inbox.',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}
