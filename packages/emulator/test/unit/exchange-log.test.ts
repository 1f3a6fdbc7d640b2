import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEmulator } from '../../src/describe-emulator.ts';
import {
  appendExchange,
  createExchangeLog,
  MAX_LOG_ENTRIES,
  maskHeaders,
  maskWebhookTokens,
} from '../../src/exchange-log.ts';

describe('exchange log', () => {
  it('masks authorization and signature headers and keeps the rest', () => {
    const masked = maskHeaders({
      Authorization: 'Bearer secret-token',
      'x-front-signature': 'abcdefgh=',
      'content-type': 'application/json',
    });
    assert.deepEqual(masked, {
      Authorization: 'Bearer secr…(masked)',
      'x-front-signature': 'abcd…(masked)',
      'content-type': 'application/json',
    });
  });

  it('keeps a few characters of each webhook token and fewer of a short one', () => {
    const masked = maskWebhookTokens(
      '{"webhook_url":"http://h/front/channels/fbw_abcdefghijklmnop","other":"fbw_xyz9"}',
    );
    assert.equal(
      masked,
      '{"webhook_url":"http://h/front/channels/fbw_abcd…(masked)","other":"fbw_x…(masked)"}',
    );
  });

  it('drops the oldest entry when the log is full', () => {
    const log = createExchangeLog();
    const entry = {
      direction: 'to_channel',
      kind: 'message',
      method: 'POST',
      url: 'u',
      requestHeaders: {},
      requestBody: '',
      durationMs: 0,
      verdict: '',
      at: 0,
    } as unknown as Parameters<typeof appendExchange>[1];
    for (let i = 0; i <= MAX_LOG_ENTRIES; i++) appendExchange(log, entry);
    assert.equal(log.entries.length, MAX_LOG_ENTRIES);
    assert.equal(log.entries[0]?.n, 2);
  });
});

describe('describeEmulator', () => {
  it('prints URLs and masks the secret when asked for its lines', () => {
    const lines = describeEmulator({
      url: 'http://127.0.0.1:4010',
      apiUrl: 'http://127.0.0.1:4010',
      appUid: 'app',
      appSecret: 'frontbridge-dev-secret',
    });
    assert.ok(lines.some((line) => line.includes('http://127.0.0.1:4010/_emulator')));
    assert.ok(lines.some((line) => line.includes('fron…et')));
    assert.ok(lines.every((line) => !line.includes('frontbridge-dev-secret')));
  });
});
