import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ChannelApiClient,
  type ChannelApiClientOptions,
  ConfigError,
  ValidationError,
} from '../../src/index.ts';

const failFetch: typeof fetch = () => Promise.reject(new Error('fetch must not be called'));
const client = new ChannelApiClient({ appUid: 'a', appSecret: 's', fetch: failFetch });
const METADATA = { external_id: 'e1', external_conversation_id: 'c1' };

async function rejectsWithIssues(call: Promise<unknown>, ...patterns: RegExp[]) {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof ValidationError && error.code === 'validation_error', String(error));
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

describe('ChannelApiClient validation', () => {
  it('lists every missing or bad field of an inbound message before sending', () =>
    rejectsWithIssues(
      client.syncInboundMessage('cha_1', {
        body: '',
        metadata: { external_id: 'x'.repeat(201) },
      } as never),
      /sender: is required/,
      /body: must not be empty/,
      /metadata\.external_id: must be at most 200 characters/,
      /metadata\.external_conversation_id: is required/,
    ));

  it('rejects delivered_at in milliseconds', () =>
    rejectsWithIssues(
      client.syncInboundMessage('cha_1', {
        sender: { handle: 'h' },
        body: 'b',
        metadata: METADATA,
        delivered_at: Date.now(),
      }),
      /delivered_at: must be epoch seconds/,
    ));

  it('rejects a to that is not an array', () =>
    rejectsWithIssues(
      client.syncOutboundMessage('cha_1', {
        to: { handle: 'h' },
        body: 'b',
        metadata: METADATA,
      } as never),
      /to: must be an array/,
    ));

  it('checks E.164 only when handles are marked as phone numbers', async () => {
    const message = {
      to: [{ handle: '+15551230000' }, { handle: '555-0100' }],
      body: 'b',
      metadata: METADATA,
    };
    await rejectsWithIssues(
      client.syncOutboundMessage('cha_1', message, { phoneHandles: true }),
      /to\.1\.handle: must be an E\.164 phone number/,
    );
    await rejectsWithIssues(
      client.syncInboundMessage(
        'cha_1',
        { sender: { handle: '15551230000' }, body: 'b', metadata: METADATA },
        { phoneHandles: true },
      ),
      /sender\.handle: must be an E\.164/,
    );
  });

  it('rejects attachments over 25 MB together and malformed ones', async () => {
    const big = new Blob([new Uint8Array(13 * 1024 * 1024)]);
    const attachments = [
      { contentType: 'image/png', data: big },
      { contentType: 'image/png', data: big },
    ];
    await rejectsWithIssues(
      client.syncInboundMessage('cha_1', {
        sender: { handle: 'h' },
        body: '',
        metadata: METADATA,
        attachments,
      }),
      /exceeds Front's limit/,
    );
    const broken = [{ contentType: 'png', data: 'nope' }] as never;
    await rejectsWithIssues(
      client.syncInboundMessage('cha_1', {
        sender: { handle: 'h' },
        body: '',
        metadata: METADATA,
        attachments: broken,
      }),
      /attachments\.0: must be/,
    );
  });

  it('validates the other endpoints and path ids', async () => {
    await rejectsWithIssues(
      client.updateChannelStatus('cha_1', 'down' as never),
      /status: must be "ok" or "offline"/,
    );
    await rejectsWithIssues(
      client.updateChannelStatus('', 'ok'),
      /channelId: must be a non-empty string/,
    );
    await rejectsWithIssues(
      client.updateMessageStatus('cha_1', {
        externalConversationId: 'c',
        externalId: 'e',
        status: 'sent' as never,
      }),
      /status: must be one of "failed"/,
    );
    await rejectsWithIssues(
      client.createCall('cha_1', {
        direction: 'outbound',
        external_call_id: 'c',
        initial_status: 'ringing',
        started_at: 1_767_225_900,
      } as never),
      /to: is required/,
      /started_at: must be epoch milliseconds/,
    );
    await rejectsWithIssues(
      client.updateCall('cha_1', 'c', { call_status: 'dancing' as never }),
      /call_status: must be one of/,
    );
    await rejectsWithIssues(
      client.addCallTranscript('cha_1', 'c', { lines: [] }),
      /lines: must hold at least one line/,
    );
    await rejectsWithIssues(
      client.addCallSummary('cha_1', 'c', { content: '' }),
      /content: must not be empty/,
    );
    await rejectsWithIssues(
      client.uploadCallRecording('cha_1', 'c', {
        recordingType: 'song' as never,
        file: { contentType: 'video/mp4', data: new Uint8Array() },
      }),
      /recordingType/,
      /file\.contentType: must be audio/,
    );
    await rejectsWithIssues(
      client.syncMessageTemplate('cha_1', { external_id: 't' } as never),
      /name: is required/,
      /is_disabled: is required/,
    );
    await rejectsWithIssues(client.getMessage('cha_1', ''), /messageId/);
    await rejectsWithIssues(
      client.downloadAttachment('cha_1', 'not a url'),
      /url: must be an absolute URL/,
    );
  });
});

describe('ChannelApiClient options', () => {
  it('throws ConfigError at construction for unusable options', () => {
    const base: ChannelApiClientOptions = { appUid: 'a', appSecret: 's' };
    const broken: ChannelApiClientOptions[] = [
      { ...base, appUid: '' },
      { ...base, appSecret: '' },
      { ...base, baseUrl: 'api2.frontapp.com' },
      { ...base, maxAttempts: 0 },
      { ...base, timeoutMs: 1.5 },
      { ...base, requestsPerSecondPerChannel: -1 },
      { ...base, tokenTtlSeconds: 60 },
    ];
    for (const options of broken) {
      assert.throws(
        () => new ChannelApiClient(options),
        (error: unknown) => error instanceof ConfigError && error.code === 'config_error',
      );
    }
  });
});
