import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildAuthorizationEvent, signForTesting } from '@frontbridge/sdk/testing';
import { APP_SECRET, type Harness, startHarness } from '../helpers/harness.ts';
import { type PartialAnswer, sendPartialRequest } from './send-partial-request.ts';

// Just under the default BODY_LIMIT_BYTES (30 MiB), so only reading the body could refuse it.
const HUGE_LENGTH = String(30_000_000);
// An answer that waited for the body would never come: the body stalls after a few bytes.
const AT_ONCE_MS = 2000;

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness.close();
});

function sendStalled(method: string, path: string, headers: Record<string, string>) {
  return sendPartialRequest(harness.server.url, {
    method,
    path,
    headers: { 'content-type': 'application/json', 'content-length': HUGE_LENGTH, ...headers },
    bodyStart: '{"type":',
    waitMs: AT_ONCE_MS,
  });
}

// Headers a signed request would carry (a fresh timestamp, a well-formed signature) for a body
// that is never sent: only reading that body could tell the signature is wrong.
function signedHeaders(timestamp = Date.now()) {
  const { headers } = signForTesting({ body: 'never sent', secret: APP_SECRET, timestamp });
  return { ...headers, 'content-type': 'application/json' };
}

function webhookPath(token = new URL(harness.webhookUrl).pathname.split('/').pop()) {
  return `/front/channels/${token}`;
}

function apiErrorOf(answer: PartialAnswer) {
  const parsed = JSON.parse(answer.body) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(parsed), ['error']);
  return parsed.error;
}

function assertRefusedUnread(answer: PartialAnswer, status: number) {
  assert.equal(answer.status, status, answer.body);
  // Left unread, the rest of the body cannot be told from a next request: the connection ends.
  assert.equal(answer.headers.get('connection'), 'close');
  assert.equal(answer.closed, true);
}

describe('POST /api/v1/messages without a valid API key', () => {
  for (const [name, authorization] of [
    ['no Authorization header', undefined],
    ['an unknown key', 'Bearer fbk_not-a-key'],
  ] as const) {
    it(`answers 401 before reading a declared 30 MB body, given ${name}`, async () => {
      const answer = await sendStalled(
        'POST',
        '/api/v1/messages',
        authorization ? { authorization } : {},
      );

      assertRefusedUnread(answer, 401);
      assert.equal(apiErrorOf(answer).code, 'unauthorized');
    });
  }

  it('answers 401 rather than 415 to an unsupported content type', async () => {
    const response = await fetch(`${harness.server.url}/api/v1/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer fbk_not-a-key', 'content-type': 'text/plain' },
      body: 'hello',
    });

    assert.equal(response.status, 401);
    const { error } = (await response.json()) as { error: { code: string } };
    assert.equal(error.code, 'unauthorized');
  });
});

describe('Front routes before their body is read', () => {
  it('answer 401 to an unsigned request on every route', async () => {
    for (const [method, path] of [
      ['POST', '/front'],
      ['POST', webhookPath()],
      ['DELETE', webhookPath()],
      ['POST', '/front/channels/fbw_unknown'],
    ] as const) {
      const answer = await sendStalled(method, path, {});

      assertRefusedUnread(answer, 401);
    }
  });

  it('answer 401 to a timestamp outside the five-minute window', async () => {
    for (const offsetMs of [-6 * 60_000, 6 * 60_000]) {
      const answer = await sendStalled('POST', webhookPath(), signedHeaders(Date.now() + offsetMs));

      assertRefusedUnread(answer, 401);
    }
  });

  it('answer 404 to an unknown webhook token', async () => {
    const answer = await sendStalled('POST', webhookPath('fbw_unknown'), signedHeaders());

    assertRefusedUnread(answer, 404);
    assert.equal(JSON.parse(answer.body).type, 'bad_request');
  });

  it('still read the body of a signed request to a known channel', async () => {
    await assert.rejects(sendStalled('POST', webhookPath(), signedHeaders()), /no answer within/);
  });
});

describe('POST /front (the channel URL)', () => {
  it('answers 413 in Front’s error shape to a signed body over 64 KiB', async () => {
    const event = buildAuthorizationEvent({ payload: { padding: 'x'.repeat(64 * 1024) } });
    const signed = signForTesting({ body: event, secret: APP_SECRET });

    const response = await fetch(`${harness.server.url}/front`, {
      method: 'POST',
      headers: { ...signed.headers, authorization: `Bearer ${harness.account.channel_token}` },
      body: signed.body,
    });

    assert.equal(response.status, 413);
    assert.deepEqual(await response.json(), {
      type: 'bad_request',
      message: 'The request body is too large.',
    });
  });

  it('refuses a declared length over 64 KiB without waiting for the body', async () => {
    const answer = await sendPartialRequest(harness.server.url, {
      method: 'POST',
      path: '/front',
      headers: { ...signedHeaders(), 'content-length': String(64 * 1024 + 1) },
      bodyStart: '{"type":',
      waitMs: AT_ONCE_MS,
    });

    assert.equal(answer.status, 413);
  });
});

describe('a route that does not exist', () => {
  it('answers 404 in our shape before reading a declared 30 MB body', async () => {
    const answer = await sendStalled('POST', '/no/such/route', {});

    assertRefusedUnread(answer, 404);
    assert.equal(apiErrorOf(answer).code, 'not_found');
  });
});

describe('a URL that is not validly percent-encoded', () => {
  it('answers 400 in the REST API shape on an API path', async () => {
    const response = await fetch(`${harness.server.url}/api/v1/messages/%`, {
      headers: { authorization: `Bearer ${harness.account.api_key}` },
    });

    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: { code: 'bad_request', message: 'The URL is not validly percent-encoded.' },
    });
  });

  it('answers 400 in Front’s shape on a Front path, before reading the body', async () => {
    const answer = await sendStalled('POST', '/front/channels/%', signedHeaders());

    assertRefusedUnread(answer, 400);
    assert.deepEqual(JSON.parse(answer.body), {
      type: 'bad_request',
      message: 'The URL is not validly percent-encoded.',
    });
  });

  it('answers 414 in our shape to a path segment past the router’s length limit', async () => {
    const response = await fetch(`${harness.server.url}/api/v1/messages/${'m'.repeat(200)}`, {
      headers: { authorization: `Bearer ${harness.account.api_key}` },
    });

    assert.equal(response.status, 414);
    assert.equal(
      ((await response.json()) as { error: { code: string } }).error.code,
      'url_too_long',
    );
  });
});
