import assert from 'node:assert/strict';
import { createChannelToken } from '@frontbridge/sdk';
import {
  assertHeapBackToBaseline,
  createRng,
  fuzzSeed,
  hostileBody,
  hostileHeaderValue,
  hostileMultipart,
  hostilePath,
  hostileString,
  type Rng,
  settledHeapBytes,
} from '../../../sdk/test/fuzz/hostile-inputs.ts';
import { createEmulatorApp, type EmulatorApp } from '../../src/index.ts';

export const APP_UID = 'fuzz-app';
export const APP_SECRET = 'fuzz-app-secret';
export const CHANNEL_ID = 'cha_fuzz';

/** One hostile request for `app.inject`. */
export interface EmulatorFuzzRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  payload?: Buffer | string;
}

/**
 * The emulator in-process (no socket: `app.inject`), with one channel placed in its state and
 * rate limits high enough that the fuzz reaches validation instead of 429s.
 */
export async function startEmulatorTarget(): Promise<EmulatorApp> {
  const target = await createEmulatorApp({
    appUid: APP_UID,
    appSecret: APP_SECRET,
    rateLimit: { perChannelPerSecond: 1e9, perMinute: 1e9 },
    // Deliveries of `message_imported` go nowhere: the fuzz is about the API, not the webhook.
    fetch: async () => new Response('{}', { status: 200 }),
  });
  target.context.state.channels.set(CHANNEL_ID, {
    id: CHANNEL_ID,
    channelUrl: 'http://127.0.0.1:9/front',
    webhookUrl: 'http://127.0.0.1:9/front/channels/x',
    token: 'admin-token',
    status: 'ok',
    address: 'fuzz-channel',
    createdAt: 0,
  });
  return target;
}

/** A fresh, valid Channel API token (a new `jti` each time, as the emulator refuses reuse). */
export async function bearer(channelId = CHANNEL_ID): Promise<string> {
  return `Bearer ${await createChannelToken({ appUid: APP_UID, appSecret: APP_SECRET, channelId })}`;
}

function snapshot(target: EmulatorApp): string {
  const { state } = target.context;
  const statuses = [...state.channels.values()].map((channel) => channel.status).join();
  return [
    state.messages.size,
    state.conversations.size,
    state.contacts.size,
    state.syncUids.size,
    state.templates.size,
    state.calls.size,
    statuses,
  ].join('|');
}

/** Runs `runs` cases; every answer below 500, rejected ones leave the state as it was. */
export async function runEmulatorFuzz(
  target: EmulatorApp,
  options: { surface: string; runs: number; generate: (rng: Rng) => Promise<EmulatorFuzzRequest> },
): Promise<Map<number, number>> {
  const seed = fuzzSeed(options.surface);
  const rng = createRng(seed);
  const statuses = new Map<number, number>();
  const heapBefore = settledHeapBytes();
  for (let i = 0; i < options.runs; i++) {
    const request = await options.generate(rng);
    const before = snapshot(target);
    const response = await target.app.inject(request);
    const where = `case ${i} (seed ${seed}): ${request.method} ${request.url.slice(0, 80)}`;
    assert.ok(
      response.statusCode < 500,
      `${where} → ${response.statusCode} ${response.body.slice(0, 200)}`,
    );
    if (response.statusCode >= 400) {
      assert.equal(snapshot(target), before, `${where}: rejected but changed state`);
      assert.ok(JSON.parse(response.body)._error, `${where}: error not in Front's shape`);
    }
    statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
  }
  const heapDelta = assertHeapBackToBaseline(heapBefore, options.surface);
  process.stdout.write(
    `# fuzz ${options.surface}: ${options.runs} inputs, statuses ${JSON.stringify([...statuses])}, heap Δ ${heapDelta} B\n`,
  );
  assert.equal(
    ({} as Record<string, unknown>).polluted,
    undefined,
    'Object.prototype was polluted',
  );
  return statuses;
}

function validMessage(rng: Rng) {
  return {
    sender: { handle: '+15551230000', name: 'Ann' },
    to: [{ handle: '+15551230001' }],
    body: 'hello',
    metadata: {
      external_id: `ext-${rng.int(1e9)}`,
      external_conversation_id: `conv-${rng.int(50)}`,
    },
  };
}

const ROUTES: Array<[EmulatorFuzzRequest['method'], string]> = [
  ['POST', `/channels/${CHANNEL_ID}/inbound_messages`],
  ['POST', `/channels/${CHANNEL_ID}/outbound_messages`],
  ['PUT', `/channels/${CHANNEL_ID}/conversations/cnv_x/messages/msg_x/status`],
  ['PATCH', `/channels/${CHANNEL_ID}`],
  ['PUT', `/channels/${CHANNEL_ID}/application_message_templates`],
  ['POST', `/channels/${CHANNEL_ID}/calls`],
  ['GET', '/messages/msg_x'],
  ['GET', '/conversations/cnv_x'],
  ['POST', '/channels/cha_other/inbound_messages'],
];

/** A Channel API call: hostile JSON bodies, tokens, headers and paths. */
export async function channelApiRequest(rng: Rng): Promise<EmulatorFuzzRequest> {
  const [method, route] = rng.pick(ROUTES);
  const url = rng.chance(0.1) ? `${route}${hostilePath(rng)}` : route;
  const authorization = rng.chance(0.85)
    ? await bearer(rng.chance(0.05) ? 'cha_other' : CHANNEL_ID)
    : hostileHeaderValue(rng);
  const headers: Record<string, string> = { authorization, 'content-type': 'application/json' };
  if (rng.chance(0.05)) headers['content-type'] = hostileHeaderValue(rng) || 'text/plain';
  if (rng.chance(0.05))
    headers[hostileString(rng).replace(/[^\w-]/g, '') || 'x-odd'] = hostileHeaderValue(rng);
  if (method === 'GET') return { method, url, headers: { authorization } };
  return { method, url, headers, payload: hostileBody(rng, validMessage(rng)) };
}

/** A Channel API call with a hostile multipart body. */
export async function multipartRequest(rng: Rng): Promise<EmulatorFuzzRequest> {
  const { body, contentType } = hostileMultipart(rng, [
    ['sender[handle]', '+15551230000'],
    ['to[0][handle]', '+15551230001'],
    ['body', 'hello'],
    ['metadata[external_id]', `ext-${rng.int(1e9)}`],
    ['metadata[external_conversation_id]', `conv-${rng.int(50)}`],
  ]);
  const direction = rng.pick(['inbound', 'outbound']);
  return {
    method: 'POST',
    url: `/channels/${CHANNEL_ID}/${direction}_messages`,
    headers: { authorization: await bearer(), 'content-type': contentType },
    payload: body,
  };
}
