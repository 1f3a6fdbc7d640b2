import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '@frontbridge/emulator';
import { createLogger, loadConfig, startServer } from '@frontbridge/server';
import { type BrowserContext, chromium } from 'playwright-core';
import { type DevStack, startDevStack } from '../../src/dev/start-dev-stack.ts';

// A person holds a conversation across the two pages `frontbridge dev` prints: the customer in
// Acme Chat, the teammate in the emulator's Front inbox.
describe('frontbridge dev pages', () => {
  let dir: string;
  let stack: DevStack;
  let browser: BrowserContext;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'frontbridge-pages-'));
    stack = await startDevStack({
      port: 0,
      emulatorPort: 0,
      chatPort: 0,
      data: join(dir, 'data'),
      logger: createLogger({ level: 'silent' }),
      startEmulator,
      startServer,
      loadConfig,
    });
    browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('carries a customer message to the inbox and the teammate reply back', async () => {
    const errors: string[] = [];
    const chat = await browser.newPage();
    const inbox = await browser.newPage();
    for (const page of [chat, inbox]) {
      page.on('pageerror', (error) => errors.push(error.message));
      // A failed load (a missing /favicon.ico, say) shows only as a console error.
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`${page.url()}: ${message.text()}`);
      });
    }
    await chat.goto(stack.chat.url);
    await inbox.goto(stack.emulator.url);

    await chat.fill('#text', 'Hello, is my order on its way?');
    await chat.click('#composer button[type=submit]');
    await chat.locator('.bubble.customer', { hasText: 'on its way' }).waitFor();

    const conversation = inbox.locator('.conversation-item', { hasText: 'on its way' });
    await conversation.click();
    await inbox.locator('.message', { hasText: 'on its way' }).waitFor();
    await inbox.fill('#composer textarea[name=text]', 'Yes, it arrives tomorrow.');
    await inbox.click('#composer button[type=submit]');
    await inbox.locator('.message.outbound .status', { hasText: 'sent' }).waitFor();

    const reply = chat.locator('.bubble.agent', { hasText: 'arrives tomorrow' });
    await reply.waitFor();
    assert.equal(await reply.count(), 1);
    await chat.locator('.bubble.customer', { hasText: 'imported' }).waitFor();
    assert.deepEqual(errors, []);
  });
});
