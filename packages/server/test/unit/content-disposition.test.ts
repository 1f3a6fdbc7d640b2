import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachmentDisposition } from '../../src/http/content-disposition.ts';

function decodedName(header: string): string {
  const encoded = /filename\*=UTF-8''([^;\s]+)/.exec(header)?.[1];
  assert.ok(encoded, header);
  return decodeURIComponent(encoded);
}

describe('attachmentDisposition', () => {
  it('keeps a plain ASCII name in both parameters', () => {
    assert.equal(
      attachmentDisposition('label.pdf'),
      `attachment; filename="label.pdf"; filename*=UTF-8''label.pdf`,
    );
  });

  it('replaces quotes, backslashes and controls in the fallback and keeps them in filename*', () => {
    const name = 'a"b\\c\r\nd\te.txt';
    const header = attachmentDisposition(name);
    assert.match(header, /^attachment; filename="a_b_c__d_e\.txt"; /);
    assert.equal(decodedName(header), name);
  });

  it("percent-encodes ' ( ) * which RFC 8187 does not allow bare", () => {
    const header = attachmentDisposition("it's (final)*.doc");
    assert.ok(header.endsWith(`filename*=UTF-8''it%27s%20%28final%29%2A.doc`), header);
    assert.equal(decodedName(header), "it's (final)*.doc");
  });

  it('writes one _ per character above U+007F, astral ones included', () => {
    const header = attachmentDisposition('café 😀.pdf');
    assert.match(header, /filename="caf_ _\.pdf"/);
    assert.equal(decodedName(header), 'café 😀.pdf');
    assert.match(header, /^[\x20-\x7E]*$/);
  });

  it('answers a header instead of throwing on a lone surrogate', () => {
    const header = attachmentDisposition('bad\uD800name.txt');
    assert.match(header, /filename="bad_name\.txt"/);
    assert.equal(decodedName(header), 'bad\uFFFDname.txt');
  });
});
