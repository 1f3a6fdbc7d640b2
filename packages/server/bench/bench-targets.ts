// What both webhook benches share: starting a server in a child process of its own, and sending
// signed `message` webhooks (each with a new id) over keep-alive connections.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { signFrontRequest } from '@frontbridge/sdk';
import { buildMessageEvent } from '@frontbridge/sdk/testing';
import { buildBundle } from '../../cli/scripts/build-bundle.ts';
import { createAccount, openStore } from '../src/index.ts';

/** The app secret every bench server and the baseline are started with. */
export const BENCH_SECRET = 'bench-app-secret';

/** A server in a child process; its first stdout line is `{"url": …}`. */
export interface Target {
  url: string;
  process: ChildProcess;
}

/**
 * Starts `script` under tsx with extra environment and waits for the line with its URL. With
 * `BENCH_CPU_PROFILE=<dir>`, each target writes a V8 CPU profile there when it exits (open it in
 * Chrome DevTools' Performance panel).
 */
export async function spawnTarget(script: string, env: Record<string, string>): Promise<Target> {
  const child = spawn(process.execPath, [...profileFlags(), '--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  return { url: (JSON.parse(String(line)) as { url: string }).url, process: child };
}

function profileFlags(): string[] {
  const profileDir = process.env.BENCH_CPU_PROFILE;
  return profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
}

// Inside the repository, so the bundle's external packages resolve from its node_modules.
const BUNDLE_DIR = join(fileURLToPath(new URL('../../cli/.tmp/', import.meta.url)), 'bench-bundle');
let bundle: Promise<string> | undefined;

/**
 * Starts `frontbridge serve --dev` the way production runs it: from the bundle `npm run build`
 * makes (built afresh once per bench run), without a TypeScript loader, logging at `LOG_LEVEL`
 * (default `info`) to /dev/null. Resolves once `/healthz` answers.
 */
export async function spawnServer(env: Record<string, string>): Promise<Target> {
  bundle ??= buildBundle(BUNDLE_DIR);
  const port = await freePort();
  const child = spawn(process.execPath, [...profileFlags(), await bundle, 'serve', '--dev'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`frontbridge serve exited (${child.exitCode})`);
    const up = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return { url, process: child };
    if (Date.now() > deadline) throw new Error('frontbridge serve did not answer /healthz');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Stops a target with SIGTERM (a graceful shutdown) and waits for it to exit. */
export async function stopTarget(target: Target): Promise<void> {
  target.process.kill('SIGTERM');
  await once(target.process, 'exit');
}

/** A sender of signed webhooks; `send` resolves with the HTTP status. */
export function createWebhookSender(options: { idPrefix: string; concurrency: number }) {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency * 2 });
  let sequence = 0;

  const send = (url: string): Promise<number> => {
    sequence += 1;
    const body = JSON.stringify(
      buildMessageEvent({
        payload: {
          id: `${options.idPrefix}_${process.pid}_${sequence}`,
          recipients: [
            { handle: 'acme-sms-main', role: 'from', name: null },
            {
              handle: `+1555123${String(sequence % 1000).padStart(4, '0')}`,
              role: 'to',
              name: null,
            },
          ],
        },
      }),
    );
    const headers = {
      'content-type': 'application/json',
      // A known length sends headers and body in one write (no chunked encoding, no Nagle stall).
      'content-length': Buffer.byteLength(body),
      ...signFrontRequest({ body, secret: BENCH_SECRET }),
    };
    return new Promise((resolve, reject) => {
      const outgoing = request(url, { method: 'POST', agent, headers }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  };
  return { send, close: () => agent.destroy() };
}

/** The webhook path of the channel {@link seedBenchChannel} creates. */
export const BENCH_WEBHOOK_PATH = '/front/channels/fbw_bench';

/** Creates the bench account (delivering to `deliverUrl`) and its authorized channel. */
export async function seedBenchChannel(databaseUrl: string, deliverUrl: string): Promise<void> {
  const store = await openStore(databaseUrl);
  try {
    const account = await createAccount(store, { name: 'bench', deliverUrl });
    await store.authorizeChannel({
      id: 'cha_bench',
      account_id: account.account_id,
      webhook_token: 'fbw_bench',
      status: 'active',
      created_at: Date.now(),
      deleted_at: null,
    });
  } finally {
    await store.close();
  }
}
