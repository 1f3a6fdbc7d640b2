import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createChannelToken } from '@frontbridge/sdk';
import { type BrowserContext, chromium } from 'playwright-core';
import { type Emulator, startEmulator } from '../../src/index.ts';
import {
  APP_SECRET,
  APP_UID,
  inboundBody,
  type ReceivedRequest,
  startTestChannel,
  type TestChannel,
} from '../helpers/test-channel.ts';

describe('inbox page', () => {
  let channel: TestChannel;
  let emu: Emulator;
  let browser: BrowserContext;
  let profile: string;
  let releaseAnswer: () => void = () => {};
  const answerReleased = new Promise<void>((resolve) => {
    releaseAnswer = resolve;
  });

  before(async () => {
    // The channel holds its answer to `message` until the page has shown the pending state.
    channel = await startTestChannel(async (request: ReceivedRequest) => {
      if (request.event.type === 'message') await answerReleased;
      return undefined;
    });
    emu = await startEmulator({ appUid: APP_UID, appSecret: APP_SECRET });
    profile = await mkdtemp(join(tmpdir(), 'fb-emulator-chromium-'));
    // A fresh profile per run, as a persistent context (Playwright owns --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  after(async () => {
    releaseAnswer();
    await browser?.close();
    await emu?.close();
    await channel?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('adds a channel, shows a synced message live and marks a composer reply sent', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(emu.url);

    await page.fill('#add-channel-form [name=channel_url]', `${channel.url}/`);
    await page.fill('#add-channel-form [name=token]', 'browser-token');
    await page.click('#add-channel-form button[type=submit]');
    const channelId = await page.locator('.channel-item.selected').getAttribute('data-channel-id');
    assert.ok(channelId);

    const token = await createChannelToken({ appUid: APP_UID, appSecret: APP_SECRET, channelId });
    await fetch(`${emu.apiUrl}/channels/${channelId}/inbound_messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(inboundBody('page-1', '+15551230000')),
    });
    await page.locator('.conversation-item').first().click();
    await page.fill('#composer textarea[name=text]', 'Your parcel ships today.');
    await page.click('#composer button[type=submit]');

    const status = page.locator('.message.outbound .status');
    await status.filter({ hasText: 'pending' }).waitFor();
    releaseAnswer();
    await status.filter({ hasText: 'sent' }).waitFor();

    const sent = channel.requests.find((request) => request.event.type === 'message');
    assert.equal(sent?.signatureValid, true);
    assert.equal(sent?.event.payload.text, 'Your parcel ships today.');
    assert.equal((await page.locator('#log-body tr.entry').count()) >= 4, true);
    assert.deepEqual(pageErrors, []);
  });
});
