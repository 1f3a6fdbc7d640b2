import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_ATTACHMENT_BYTES } from '@frontbridge/sdk';
import { type ApiMessageContent, parseContent } from '../../src/workers/message-content.ts';
import { api, type Harness, startHarness } from '../helpers/harness.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness.close();
});

function message(externalId: string) {
  return {
    channel_id: harness.channelId,
    direction: 'inbound',
    external_id: externalId,
    from: '+447700900123',
    body: 'hello',
  };
}

function postMessage(body: BodyInit, headers: Record<string, string> = {}) {
  return fetch(`${harness.server.url}/api/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${harness.account.api_key}`, ...headers },
    body,
  });
}

async function errorOf(response: Response) {
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  return error;
}

// A message stored under the refused external_id would make a different one under it a 409.
async function assertNothingStored(externalId: string) {
  const later = await api(harness, 'POST', '/messages', { ...message(externalId), body: 'later' });
  assert.equal(later.status, 202, JSON.stringify(later.body));
}

function messageForm(externalId: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(message(externalId))) form.set(name, value);
  return form;
}

describe('POST /api/v1/messages with a multipart body past a count limit', () => {
  it('answers 400 too_many_fields, not 413, for 60 small fields', async () => {
    const form = messageForm('many-fields');
    for (let index = 0; index < 55; index++) form.set(`extra_${index}`, 'x');

    const response = await postMessage(form);

    assert.equal(response.status, 400);
    assert.equal(response.headers.get('connection'), 'close');
    const error = await errorOf(response);
    assert.equal(error.code, 'too_many_fields');
    assert.match(error.message, /more fields than this server accepts/);
    await assertNothingStored('many-fields');
  });

  it('answers 400 too_many_files for more files than one message takes', async () => {
    const form = messageForm('many-files');
    for (let index = 0; index < 11; index++) {
      form.append('attachments', new Blob(['a'], { type: 'text/plain' }), `note-${index}.txt`);
    }

    const response = await postMessage(form);

    assert.equal(response.status, 400);
    assert.equal((await errorOf(response)).code, 'too_many_files');
    await assertNothingStored('many-files');
  });
});

describe('POST /api/v1/messages with a body that is neither JSON nor multipart', () => {
  for (const contentType of ['text/plain', 'text/plain; charset=utf-8', 'application/xml']) {
    it(`answers 415 unsupported_media_type naming the accepted types for ${contentType}`, async () => {
      const externalId = `media-${contentType}`;

      const response = await postMessage(JSON.stringify(message(externalId)), {
        'content-type': contentType,
      });

      assert.equal(response.status, 415);
      const error = await errorOf(response);
      assert.equal(error.code, 'unsupported_media_type');
      assert.match(error.message, /application\/json/);
      assert.match(error.message, /multipart\/form-data/);
      await assertNothingStored(externalId);
    });
  }

  it('answers 415 for a body sent without a content type', async () => {
    const body = new TextEncoder().encode(JSON.stringify(message('media-none')));

    const response = await postMessage(body);

    assert.equal(response.status, 415);
    assert.equal((await errorOf(response)).code, 'unsupported_media_type');
  });

  it('still accepts JSON whose content type carries a charset', async () => {
    const response = await postMessage(JSON.stringify(message('media-json')), {
      'content-type': 'application/json; charset=utf-8',
    });

    assert.equal(response.status, 202);
  });
});

async function storedBody(response: Response) {
  assert.equal(response.status, 202);
  const { id } = (await response.json()) as { id: string };
  const stored = await harness.store.getMessage(id);
  assert.ok(stored);
  return (parseContent(stored.content) as ApiMessageContent).body;
}

describe('POST /api/v1/messages with a large multipart field', () => {
  // Past the multipart plugin's own 1 MiB field default, within BODY_LIMIT_BYTES.
  const text = 'x'.repeat(1_200_000);

  it('stores a body field past 1 MiB whole, as the same text sent as JSON is', async () => {
    const form = messageForm('large-field');
    form.set('body', text);

    const response = await postMessage(form);

    const stored = await storedBody(response);
    assert.equal(stored.length, text.length);
    assert.ok(stored === text);
    const asJson = await postMessage(JSON.stringify({ ...message('large-json'), body: text }), {
      'content-type': 'application/json',
    });
    assert.equal((await storedBody(asJson)).length, text.length);
  });
});

describe('POST /api/v1/messages with one attachment past the per-file limit', () => {
  it("answers 413 naming Front's attachment limit and stores nothing", async () => {
    const form = messageForm('large-file');
    const size = MAX_ATTACHMENT_BYTES + 1;
    form.append('attachments', new Blob([Buffer.alloc(size, 1)]), 'scan.pdf');

    const response = await postMessage(form);

    assert.equal(response.status, 413);
    assert.equal(response.headers.get('connection'), 'close');
    const error = await errorOf(response);
    assert.equal(error.code, 'payload_too_large');
    assert.match(error.message, /"scan\.pdf"/);
    assert.match(error.message, new RegExp(`Front's limit of ${MAX_ATTACHMENT_BYTES} bytes`));
    await assertNothingStored('large-file');
  });
});

// The field limit follows BODY_LIMIT_BYTES: a field past it is refused whole, never stored cut.
// Sent chunked, so no declared length refuses it before the field is read.
describe('POST /api/v1/messages with a multipart field past BODY_LIMIT_BYTES', () => {
  let small: Harness;
  before(async () => {
    small = await startHarness({ env: { BODY_LIMIT_BYTES: '65536' } });
  });
  after(() => small.close());

  it('answers 413 naming the limit, closes the connection and stores nothing', async () => {
    const form = new FormData();
    const fields = { ...message('chunked-field'), channel_id: small.channelId };
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    form.set('body', 'y'.repeat(100_000));
    const encoded = new Response(form);

    const response = await fetch(`${small.server.url}/api/v1/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${small.account.api_key}`,
        'content-type': String(encoded.headers.get('content-type')),
      },
      body: encoded.body,
      duplex: 'half',
    } as RequestInit);

    assert.equal(response.status, 413);
    assert.equal(response.headers.get('connection'), 'close');
    const error = await errorOf(response);
    assert.equal(error.code, 'payload_too_large');
    assert.match(error.message, /limit of 65536 bytes/);
    const later = await api(small, 'POST', '/messages', { ...fields, body: 'later' });
    assert.equal(later.status, 202, JSON.stringify(later.body));
  });
});
