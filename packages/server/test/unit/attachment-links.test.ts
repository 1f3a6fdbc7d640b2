import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttachmentLinks } from '../../src/workers/attachment-links.ts';

const links = new AttachmentLinks({
  key: AttachmentLinks.deriveKey('secret'),
  publicUrl: () => 'https://b.example',
});

function parts(link: string) {
  const url = new URL(link);
  const [, , messageId = '', index = ''] = url.pathname.split('/');
  return {
    messageId,
    index: Number(index),
    expires: url.searchParams.get('expires') ?? '',
    signature: url.searchParams.get('signature') ?? '',
  };
}

describe('AttachmentLinks', () => {
  it('accepts its own link until it expires', () => {
    const link = links.link({ messageId: 'fbm_1', index: 0, expiresAt: 2000 });
    assert.ok(link.startsWith('https://b.example/attachments/fbm_1/0?'));
    assert.equal(links.isValid({ ...parts(link), now: 2000 }), true);
    assert.equal(links.isValid({ ...parts(link), now: 2001 }), false);
  });

  it('rejects a link whose message, position or expiry was changed', () => {
    const good = parts(links.link({ messageId: 'fbm_1', index: 0, expiresAt: 2000 }));
    assert.equal(links.isValid({ ...good, messageId: 'fbm_2', now: 0 }), false);
    assert.equal(links.isValid({ ...good, index: 1, now: 0 }), false);
    assert.equal(links.isValid({ ...good, expires: '9999', now: 0 }), false);
    assert.equal(links.isValid({ ...good, signature: '', now: 0 }), false);
  });

  it('rejects a link signed with another key', () => {
    const other = new AttachmentLinks({
      key: AttachmentLinks.deriveKey('other'),
      publicUrl: () => 'https://b.example',
    });
    const link = other.link({ messageId: 'fbm_1', index: 0, expiresAt: 2000 });
    assert.equal(links.isValid({ ...parts(link), now: 0 }), false);
  });
});
