import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Rig, startRig } from '../helpers/test-channel.ts';

const BOUNDARY = 'b1xyz';

function multipartBody(
  parts: {
    name: string;
    value: string;
    filename?: string;
    rawDisposition?: string;
    type?: string;
  }[],
): string {
  const lines = parts.flatMap((part) => [
    `--${BOUNDARY}`,
    part.rawDisposition ??
      `Content-Disposition: form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`,
    ...(part.type ? [`Content-Type: ${part.type}`] : []),
    '',
    part.value,
  ]);
  return `${[...lines, `--${BOUNDARY}--`].join('\r\n')}\r\n`;
}

const FIELDS = [
  { name: 'sender[handle]', value: '+15551230000' },
  { name: 'body', value: 'Photo of the damage' },
  { name: 'metadata[external_id]', value: 'mp-1' },
  { name: 'metadata[external_conversation_id]', value: '+15551230000' },
];

describe('multipart sync requests', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ rateLimit: { perChannelPerSecond: 1000 }, maxAttachmentBytes: 1024 });
  });
  after(() => rig.close());

  const post = async (body: string, contentType: string, path = 'inbound_messages') => {
    const response = await rig.api(`/channels/${rig.channelId}/${path}`, {
      body,
      headers: { 'content-type': contentType },
    });
    return {
      status: response.status,
      error: ((await response.json()) as { _error?: { message: string; details?: string[] } })
        ._error,
    };
  };

  it('accepts bracket names, attachments[N] and a filename* name when the body is well formed', async () => {
    const file = {
      name: 'attachments[0]',
      value: 'jpeg-bytes',
      rawDisposition: `Content-Disposition: form-data; name="attachments[0]"; filename="x.jpg"; filename*=UTF-8''${encodeURIComponent('fotó €.jpg')}`,
      type: 'image/jpeg',
    };
    const result = await post(
      multipartBody([...FIELDS, file]),
      `multipart/form-data; boundary=${BOUNDARY}`,
    );
    await rig.emu.settled();

    assert.equal(result.status, 202, JSON.stringify(result.error));
    const message = [...rig.emu.state.messages.values()].find((m) => m.externalId === 'mp-1');
    assert.equal(message?.attachments[0]?.filename, 'fotó €.jpg');
    assert.equal(message?.attachments[0]?.data.toString(), 'jpeg-bytes');
  });

  it('reads to[0][handle] and attachments[] when an outbound message is multipart', async () => {
    const parts = [
      { name: 'to[0][handle]', value: '+15551230000' },
      { name: 'to[1][handle]', value: '+15551230002' },
      { name: 'body', value: 'Two files' },
      { name: 'metadata[external_id]', value: 'mp-2' },
      { name: 'metadata[external_conversation_id]', value: 'grp' },
      { name: 'attachments[]', value: 'a', filename: 'a.txt', type: 'text/plain' },
      { name: 'attachments[]', value: 'b', filename: 'b.txt', type: 'text/plain' },
    ];
    const result = await post(
      multipartBody(parts),
      `multipart/form-data; boundary=${BOUNDARY}`,
      'outbound_messages',
    );
    await rig.emu.settled();

    assert.equal(result.status, 202);
    const message = [...rig.emu.state.messages.values()].find((m) => m.externalId === 'mp-2');
    assert.deepEqual(
      message?.recipients.filter((r) => r.role === 'to').map((r) => r.handle),
      ['+15551230000', '+15551230002'],
    );
    assert.equal(message?.attachments.length, 2);
  });

  it('answers 400 naming the boundary when Content-Type has none', async () => {
    const result = await post(multipartBody(FIELDS), 'multipart/form-data');
    assert.equal(result.status, 400);
    assert.match(result.error?.message ?? '', /boundary/);
  });

  it('answers 400 naming the media type when it is misspelt', async () => {
    const result = await post(multipartBody(FIELDS), `multipart/from-data; boundary=${BOUNDARY}`);
    assert.equal(result.status, 400);
    assert.match(result.error?.message ?? '', /multipart\/from-data is not multipart\/form-data/);
  });

  it('answers 400 naming the field when a name uses dot notation', async () => {
    const parts = FIELDS.map((part) => ({ ...part, name: part.name.replace(/\[(\w+)\]/, '.$1') }));
    const result = await post(multipartBody(parts), `multipart/form-data; boundary=${BOUNDARY}`);
    assert.equal(result.status, 400);
    assert.match(
      result.error?.message ?? '',
      /"sender\.handle" uses dot notation.*sender\[handle\]/,
    );
  });

  it('answers 400 naming metadata when it is sent as one JSON part', async () => {
    const parts = [
      FIELDS[0],
      FIELDS[1],
      {
        name: 'metadata',
        value: JSON.stringify({ external_id: 'mp-3', external_conversation_id: 'x' }),
      },
    ].filter((part) => part !== undefined);
    const result = await post(multipartBody(parts), `multipart/form-data; boundary=${BOUNDARY}`);
    assert.equal(result.status, 400);
    assert.match(result.error?.message ?? '', /"metadata" was sent as one JSON part/);
  });

  it('answers 413 when the attachments pass the size cap', async () => {
    const big = {
      name: 'attachments[0]',
      value: 'x'.repeat(2048),
      filename: 'big.bin',
      type: 'application/octet-stream',
    };
    const result = await post(
      multipartBody([...FIELDS, big]),
      `multipart/form-data; boundary=${BOUNDARY}`,
    );
    assert.equal(result.status, 413);
    assert.match(result.error?.message ?? '', /at most 1024 bytes/);
  });

  it('answers 400 with field details when a multipart body lacks a required field', async () => {
    const result = await post(
      multipartBody(FIELDS.slice(0, 2)),
      `multipart/form-data; boundary=${BOUNDARY}`,
    );
    assert.equal(result.status, 400);
    assert.ok(result.error?.details?.includes('body.metadata: missing'));
  });
});
