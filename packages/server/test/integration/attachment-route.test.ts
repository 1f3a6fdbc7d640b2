import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimeoutError } from '@frontbridge/sdk';
import type { FrontClient } from '../../src/workers/front-client.ts';
import {
  control,
  deliverAttachment,
  type Harness,
  type HarnessOptions,
  startHarness,
} from '../helpers/harness.ts';

// The SDK client's backoff between its attempts runs 50 times faster than the clock.
const fastSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms / 50));

// Every attempt the server's Front client makes at one download (see createFrontClient).
const ATTEMPTS = 4;

async function withHarness(options: HarnessOptions, run: (harness: Harness) => Promise<void>) {
  const harness = await startHarness({
    ...options,
    server: { sleep: fastSleep, ...options.server },
  });
  try {
    await run(harness);
  } finally {
    await harness.close();
  }
}

/** Has a teammate send a file through the emulator and returns the link frontbridge delivered. */
async function deliveredLink(harness: Harness): Promise<string> {
  return (await deliverAttachment(harness, { filename: 'label.pdf', data: '%PDF-1' })).url;
}

async function injectFault(harness: Harness, fault: Record<string, unknown>) {
  assert.equal((await control(harness, 'POST', '/faults', fault)).status, 200);
}

async function download(url: string) {
  const response = await fetch(url);
  const text = await response.text();
  return { response, text, body: JSON.parse(text) as { error: { code: string; message: string } } };
}

describe('GET /attachments/:messageId/:index when Front fails', () => {
  it('answers 502 upstream_error when Front answers 500 to every attempt', async () => {
    await withHarness({}, async (harness) => {
      const url = await deliveredLink(harness);
      await injectFault(harness, { kind: 'status', status: 500, count: ATTEMPTS });

      const { response, body, text } = await download(url);

      assert.equal(response.status, 502);
      assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(body.error.code, 'upstream_error');
      assert.equal(body.error.message, 'Front answered 500 while sending the attachment.');
      assert.ok(!text.includes('/download/'), "Front's attachment URL stays out of the answer");
      assert.deepEqual((await control(harness, 'GET', '/faults')).body.faults, []);
    });
  });

  it('answers 503 upstream_rate_limited with retry-after when Front keeps answering 429', async () => {
    await withHarness({}, async (harness) => {
      const url = await deliveredLink(harness);
      await injectFault(harness, { kind: 'status', status: 429, count: ATTEMPTS });

      const { response, body } = await download(url);

      assert.equal(response.status, 503);
      assert.equal(body.error.code, 'upstream_rate_limited');
      // The emulator advises `retry-after: 1`; the advice is passed on.
      assert.equal(response.headers.get('retry-after'), '1');
      assert.deepEqual((await control(harness, 'GET', '/faults')).body.faults, []);
    });
  });

  it('answers 502 upstream_error when Front drops every connection', async () => {
    await withHarness({}, async (harness) => {
      const url = await deliveredLink(harness);
      await injectFault(harness, { kind: 'drop', count: ATTEMPTS });

      const { response, body } = await download(url);

      assert.equal(response.status, 502);
      assert.equal(body.error.code, 'upstream_error');
      assert.equal(body.error.message, 'The connection to Front failed.');
    });
  });

  it('serves the file once a short burst of 500s has passed', async () => {
    await withHarness({}, async (harness) => {
      const url = await deliveredLink(harness);
      await injectFault(harness, { kind: 'status', status: 500, count: ATTEMPTS - 1 });

      const response = await fetch(url);

      assert.equal(response.status, 200);
      assert.equal(Buffer.from(await response.arrayBuffer()).toString(), '%PDF-1');
    });
  });

  // The client's per-attempt timeout is 10 s, so four real timeouts would take 40 s: the server
  // gets a Front client whose download fails with the SDK's own TimeoutError instead.
  it('answers 504 upstream_timeout when Front does not answer in time', async () => {
    const front = {
      downloadAttachment: async () => {
        throw new TimeoutError('No answer within 10000 ms to GET the attachment.');
      },
    } as unknown as FrontClient;
    await withHarness({ server: { front } }, async (harness) => {
      const url = await deliveredLink(harness);

      const { response, body } = await download(url);

      assert.equal(response.status, 504);
      assert.equal(body.error.code, 'upstream_timeout');
    });
  });
});
