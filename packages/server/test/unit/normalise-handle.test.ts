import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseHandle } from '../../src/api/normalise-handle.ts';
import { HttpError } from '../../src/http/http-error.ts';

describe('normaliseHandle', () => {
  it('writes phone numbers in E.164 whatever form they arrive in', () => {
    for (const input of [
      '447700900123',
      'whatsapp:+447700900123',
      '+44 7700 900123',
      'sms:+447700900123',
    ]) {
      assert.equal(normaliseHandle(input, 'from', 'US'), '+447700900123', input);
    }
    assert.equal(normaliseHandle('(555) 123-0000', 'from', 'US'), '+15551230000');
    assert.equal(normaliseHandle('07700 900123', 'from', 'GB'), '+447700900123');
  });

  it('rejects control and text-direction characters, broken Unicode and over 200 characters', () => {
    for (const input of [
      '\u0000\r\nX-Evil: 1',
      'dana\nortiz',
      'x'.repeat(201),
      'dana\u0085',
      'evil\u202egnp.exe',
      'dana\u2066x',
      'dana\ud800',
      '\udc00dana',
    ]) {
      assert.throws(
        () => normaliseHandle(input, 'from', 'US'),
        (error: unknown) => error instanceof HttpError && error.status === 400,
        JSON.stringify(input),
      );
    }
  });

  it('keeps handles that are not phone numbers as they are', () => {
    assert.equal(normaliseHandle(' dana@example.org ', 'from', 'US'), 'dana@example.org');
    assert.equal(normaliseHandle('dana 😀 ortiz', 'from', 'US'), 'dana 😀 ortiz');
    assert.equal(normaliseHandle('user:42', 'to', 'US'), 'user:42');
  });

  it('rejects a number it cannot normalise with a 400 naming the field', () => {
    assert.throws(
      () => normaliseHandle('12', 'to[1]', 'US'),
      (error: unknown) =>
        error instanceof HttpError &&
        error.status === 400 &&
        error.code === 'invalid_handle' &&
        /^to\[1\] /.test(error.message),
    );
  });
});
