import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '@frontbridge/emulator';
import { createLogger, loadConfig, startServer } from '@frontbridge/server';
import { type DevStack, startDevStack } from '../../src/dev/start-dev-stack.ts';
import { eventually } from '../helpers/test-io.ts';

let dir: string;
let stack: DevStack;

const startStack = (chatPort = 0) =>
  startDevStack({
    port: 0,
    emulatorPort: 0,
    chatPort,
    data: dir,
    logger: createLogger({ level: 'silent' }),
    startEmulator,
    startServer,
    loadConfig,
  });

const json = async (url: string, init?: RequestInit) => {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json' },
  });
  return { status: response.status, body: await response.json() };
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'frontbridge-dev-'));
  stack = await startStack();
});
after(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('frontbridge dev', () => {
  it('creates the channel through the signed authorization flow', async () => {
    const { body } = await json(`${stack.emulator.url}/_emulator/channels`);

    const channel = body.channels.find((c: { id: string }) => c.id === stack.channelId);
    assert.ok(channel, 'the emulator knows the channel');
    assert.match(channel.webhook_url, new RegExp(`^${stack.server.url}/front/channels/`));
    assert.match(stack.banner, /Front inbox/);
    assert.match(stack.banner, /Acme Chat/);
  });

  it('carries a customer message from Acme Chat into a Front conversation', async () => {
    const sent = await json(`${stack.chat.url}/api/send`, {
      method: 'POST',
      body: JSON.stringify({ handle: '+15551230000', name: 'Dana', text: 'Where is my parcel?' }),
    });
    assert.equal(sent.status, 201);

    const conversations = `${stack.emulator.url}/_emulator/channels/${stack.channelId}/conversations`;
    const message = await eventually(async () => {
      const { body } = await json(conversations);
      return body.conversations
        .flatMap((c: { messages: unknown[] }) => c.messages)
        .find((m: { text: string }) => m.text === 'Where is my parcel?');
    });
    assert.equal(message.direction, 'inbound');
    assert.equal(message.contact_handle, '+15551230000');

    const status = await eventually(async () => {
      const { body } = await json(`${stack.chat.url}/api/messages`);
      const mine = body.find((m: { text: string }) => m.text === 'Where is my parcel?');
      return mine?.status === 'imported' ? mine.status : undefined;
    });
    assert.equal(status, 'imported');
  });

  it('keeps a conversation under the normalised handle, so replies show where the customer typed', async () => {
    const sent = await json(`${stack.chat.url}/api/send`, {
      method: 'POST',
      body: JSON.stringify({ handle: '(555) 987-0000', text: 'Typed loosely' }),
    });
    assert.equal(sent.status, 201);
    assert.equal(sent.body.handle, '+15559870000');
    const { body } = await json(`${stack.chat.url}/api/messages`);
    const mine = body.find((m: { text: string }) => m.text === 'Typed loosely');
    assert.equal(mine?.handle, '+15559870000');
  });

  it("passes frontbridge's 400 for a bad handle through and answers bad JSON with a short 400", async () => {
    const badHandle = await json(`${stack.chat.url}/api/send`, {
      method: 'POST',
      body: JSON.stringify({ handle: 'dana\nortiz', text: 'hello' }),
    });
    const badJson = await json(`${stack.chat.url}/api/send`, { method: 'POST', body: '{"text":' });

    assert.equal(badHandle.status, 400);
    assert.match(badHandle.body.error.message, /control characters/);
    assert.equal(badJson.status, 400);
    assert.deepEqual(badJson.body, { error: { message: 'The request could not be read.' } });
  });

  it('shows a teammate reply from the Front inbox in Acme Chat, once', async () => {
    const reply = await json(
      `${stack.emulator.url}/_emulator/channels/${stack.channelId}/messages`,
      {
        method: 'POST',
        body: JSON.stringify({ to: ['+15551230000'], text: 'It ships today.' }),
      },
    );
    assert.equal(reply.body.status, 'sent');

    const received = await eventually(async () => {
      const { body } = await json(`${stack.chat.url}/api/messages`);
      const found = body.filter((m: { text: string }) => m.text === 'It ships today.');
      return found.length > 0 ? found : undefined;
    });
    assert.equal(received.length, 1);
    assert.equal(received[0].from, 'agent');
    assert.equal(received[0].handle, '+15551230000');
  });

  it('reuses the dev account when started again with the same chat address', async () => {
    const first = stack.account.account_id;
    const chatPort = Number(new URL(stack.chat.url).port);
    await stack.close();

    stack = await startStack(chatPort);

    const saved = JSON.parse(await readFile(join(dir, 'dev-account.json'), 'utf8'));
    assert.equal(stack.account.account_id, first);
    assert.equal(saved.account_id, first);
  });

  it('keeps the channel id across restarts so earlier messages still sync', async () => {
    const channelId = stack.channelId;
    const chatPort = Number(new URL(stack.chat.url).port);
    await stack.close();

    stack = await startStack(chatPort);
    const sent = await json(`${stack.chat.url}/api/send`, {
      method: 'POST',
      body: JSON.stringify({ handle: '+15551230000', text: 'Still there?' }),
    });

    assert.equal(stack.channelId, channelId);
    assert.equal(sent.status, 201);
    const status = await eventually(async () => {
      const { body } = await json(`${stack.chat.url}/api/messages`);
      const mine = body.find((m: { text: string }) => m.text === 'Still there?');
      return mine?.status === 'imported' || mine?.status === 'failed' ? mine.status : undefined;
    });
    assert.equal(status, 'imported');
  });
});
