import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannelToken, isValidFrontRequest } from '@frontbridge/sdk';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/index.ts';

/** One request the test channel received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  event: { type: string; payload: Record<string, unknown>; metadata?: Record<string, unknown> };
  signatureValid: boolean;
}

export type ChannelAnswer = { status: number; body: unknown } | undefined;

/** A loopback channel that verifies signatures, records every request and answers like a channel. */
export interface TestChannel {
  url: string;
  requests: ReceivedRequest[];
  /** Resolves with the first request (past or future) whose event type matches. */
  waitFor(type: string, count?: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

export const APP_SECRET = 'test-secret-0123456789';
export const APP_UID = 'test-app';

export async function startTestChannel(
  answer: (request: ReceivedRequest) => ChannelAnswer | Promise<ChannelAnswer> = () => undefined,
): Promise<TestChannel> {
  const requests: ReceivedRequest[] = [];
  const waiters: { type: string; count: number; resolve: (request: ReceivedRequest) => void }[] =
    [];
  let counter = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const received: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      raw,
      event: raw ? JSON.parse(raw) : { type: '', payload: {} },
      signatureValid: await isValidFrontRequest({
        rawBody: raw,
        headers: req.headers,
        secret: APP_SECRET,
        method: req.method ?? 'POST',
      }),
    };
    requests.push(received);
    for (const waiter of [...waiters]) {
      if (requests.filter((r) => r.event.type === waiter.type).length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(
          requests.filter((r) => r.event.type === waiter.type)[waiter.count - 1] as ReceivedRequest,
        );
      }
    }
    const chosen = (await answer(received)) ?? defaultAnswer(received, url, ++counter);
    if (res.destroyed) return;
    res.writeHead(chosen.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(chosen.body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    waitFor: (type, count = 1) => {
      const matching = requests.filter((r) => r.event.type === type);
      if (matching.length >= count) return Promise.resolve(matching[count - 1] as ReceivedRequest);
      return new Promise((resolve) => waiters.push({ type, count, resolve }));
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function defaultAnswer(request: ReceivedRequest, url: string, n: number) {
  const { type, payload } = request.event;
  if (type === 'authorization')
    return { status: 200, body: { type: 'success', webhook_url: `${url}/front/hook` } };
  if (type === 'message' || type === 'message_autoreply') {
    const recipients = (payload.recipients ?? []) as { role: string; handle: string }[];
    const to = recipients.find((r) => r.role === 'to')?.handle ?? 'unknown';
    return {
      status: 200,
      body: { type: 'success', external_id: `ext-${n}`, external_conversation_id: to },
    };
  }
  return { status: 200, body: {} };
}

/** An emulator and a test channel wired together, with one channel already added. */
export interface Rig {
  emu: Emulator;
  channel: TestChannel;
  channelId: string;
  control(
    path: string,
    init?: { method?: string; body?: unknown },
    // biome-ignore lint/suspicious/noExplicitAny: tests read control answers field by field and assert each.
  ): Promise<{ status: number; json: any }>;
  api(
    path: string,
    init?: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  token(channelId?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startRig(
  options: EmulatorOptions = {},
  answer?: Parameters<typeof startTestChannel>[0],
): Promise<Rig> {
  const channel = await startTestChannel(answer);
  const emu = await startEmulator({
    appUid: APP_UID,
    appSecret: APP_SECRET,
    channelUrl: `${channel.url}/`,
    ...options,
  });
  const control: Rig['control'] = async (path, init = {}) => {
    const response = await fetch(`${emu.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      ...(init.body === undefined
        ? {}
        : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  const added = await control('/_emulator/channels', { body: { token: 'api-token-1' } });
  if (added.status !== 201) {
    await emu.close();
    await channel.close();
    throw new Error(`adding the channel failed: ${JSON.stringify(added.json)}`);
  }
  const channelId = added.json.channel_id as string;
  const token = (id = channelId) =>
    createChannelToken({
      appUid: APP_UID,
      appSecret: APP_SECRET,
      channelId: id,
      now: emu.context.now(),
    });
  const api: Rig['api'] = async (path, init = {}) =>
    fetch(`${emu.apiUrl}${path}`, {
      method: init.method ?? 'POST',
      headers: {
        authorization: `Bearer ${init.token ?? (await token())}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ...(init.body === undefined
        ? {}
        : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    });
  return {
    emu,
    channel,
    channelId,
    control,
    api,
    token,
    close: async () => {
      await emu.close();
      await channel.close();
    },
  };
}

export function inboundBody(externalId: string, conversation = '+15551230000') {
  return {
    sender: { handle: conversation, name: 'Dana Ortiz' },
    body: 'Hi, where is my parcel?',
    metadata: { external_id: externalId, external_conversation_id: conversation },
  };
}
