import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachmentFilename, encodeFormData, extensionFor } from '../../src/index.ts';

describe('encodeFormData', () => {
  it('names nested fields with brackets and skips undefined and null', () => {
    const form = encodeFormData(
      {
        sender: { handle: '+1555', name: undefined },
        to: [{ handle: 'a' }, { handle: 'b' }],
        n: 3,
        ok: false,
        gone: null,
      },
      [],
    );
    assert.deepEqual(
      [...form.entries()],
      [
        ['sender[handle]', '+1555'],
        ['to[0][handle]', 'a'],
        ['to[1][handle]', 'b'],
        ['n', '3'],
        ['ok', 'false'],
      ],
    );
  });

  it('adds files as attachments[N] with their type and a safe name', async () => {
    const form = encodeFormData({}, [
      {
        filename: 'C:\\Users\\dana\\фото.JPG',
        contentType: 'image/jpeg',
        data: new Uint8Array([1]),
      },
      {
        contentType: 'application/pdf',
        data: new Blob([new Uint8Array([2, 3])], { type: 'text/plain' }),
      },
    ]);
    const first = form.get('attachments[0]') as File;
    const second = form.get('attachments[1]') as File;
    assert.equal(first.name, 'фото.JPG');
    assert.equal(first.type, 'image/jpeg');
    assert.equal(second.name, 'attachment-2.pdf');
    assert.equal(second.type, 'application/pdf');
    assert.deepEqual(new Uint8Array(await second.arrayBuffer()), new Uint8Array([2, 3]));
  });
});

describe('attachmentFilename', () => {
  it('strips path separators, control characters and quotes', () => {
    const file = (filename: string) =>
      attachmentFilename({ filename, contentType: 'text/plain', data: new Uint8Array() }, 0);
    assert.equal(file('../../etc/passwd'), 'passwd.txt');
    assert.equal(file('a\r\nb"c.txt'), 'abc.txt');
    assert.equal(file('..'), 'attachment-1.txt');
    assert.equal(file('dir/'), 'attachment-1.txt');
    assert.equal(file('Crème brûlée 📦.png'), 'Crème brûlée 📦.png');
  });
});

describe('extensionFor', () => {
  it('maps known types, falls back to a short subtype, and gives up on odd ones', () => {
    assert.equal(extensionFor('image/jpeg; charset=binary'), 'jpeg');
    assert.equal(extensionFor('AUDIO/MPEG'), 'mp3');
    assert.equal(extensionFor('image/avif'), 'avif');
    assert.equal(extensionFor('application/vnd.ms-excel'), undefined);
    assert.equal(extensionFor('application/octet-stream'), undefined);
    assert.equal(extensionFor('nonsense'), undefined);
  });
});
