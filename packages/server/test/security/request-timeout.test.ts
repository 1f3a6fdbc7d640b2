import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signForTesting } from '@frontbridge/sdk/testing';
import { APP_SECRET, type Harness, startHarness } from '../helpers/harness.ts';
import { type PartialAnswer, sendPartialRequest } from './send-partial-request.ts';

const TIMEOUT_MS = 1000;

let harness: Harness;
before(async () => {
  harness = await startHarness({ env: { REQUEST_TIMEOUT_SECONDS: String(TIMEOUT_MS / 1000) } });
});
after(async () => {
  await harness.close();
});

function assertTimedOut(answer: PartialAnswer) {
  assert.equal(answer.status, 408, answer.body);
  assert.deepEqual(JSON.parse(answer.body), {
    error: { code: 'request_timeout', message: 'The request took too long to arrive.' },
  });
  assert.equal(answer.closed, true);
  // Node checks the deadline every quarter of it here, never before it; the margin is for a busy
  // machine. Without the setting Node would check every 30 s.
  assert.ok(answer.elapsedMs >= TIMEOUT_MS - 50, `answered after ${answer.elapsedMs} ms`);
  assert.ok(answer.elapsedMs < TIMEOUT_MS + 2000, `answered after ${answer.elapsedMs} ms`);
}

describe('REQUEST_TIMEOUT_SECONDS', () => {
  it('ends an authenticated API request whose body stalls', async () => {
    const answer = await sendPartialRequest(harness.server.url, {
      method: 'POST',
      path: '/api/v1/messages',
      headers: {
        authorization: `Bearer ${harness.account.api_key}`,
        'content-type': 'application/json',
        'content-length': String(1_000_000),
      },
      bodyStart: '{"body":"',
      waitMs: 10_000,
    });

    assertTimedOut(answer);
  });

  it('ends a signed webhook to a known channel whose body stalls', async () => {
    const { headers } = signForTesting({ body: 'never sent', secret: APP_SECRET });

    const answer = await sendPartialRequest(harness.server.url, {
      method: 'POST',
      path: new URL(harness.webhookUrl).pathname,
      headers: { ...headers, 'content-length': String(1_000_000) },
      bodyStart: '{"type":',
      waitMs: 10_000,
    });

    assertTimedOut(answer);
  });

  it('leaves a request that arrives in time alone', async () => {
    const response = await fetch(`${harness.server.url}/healthz`);

    assert.equal(response.status, 200);
  });
});
