import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, signFrontRequest } from '../../src/index.ts';
import { loadSignatureVectors } from '../helpers/vectors.ts';

describe('signFrontRequest', () => {
  it('produces the known-answer signature of every shared vector', () => {
    for (const vector of loadSignatureVectors()) {
      const headers = signFrontRequest({
        body: vector.body,
        secret: vector.secret,
        timestamp: Number(vector.timestamp),
      });
      assert.deepEqual(headers, {
        'x-front-signature': vector.signature,
        'x-front-request-timestamp': vector.timestamp,
      });
    }
  });

  it('throws ConfigError for a negative or non-numeric timestamp', () => {
    for (const timestamp of [-5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => signFrontRequest({ body: '{}', secret: 's', timestamp }), ConfigError);
    }
  });

  it('signs bytes the same as the equal text', () => {
    const text = '{"text":"Crème 📦"}';
    const fromText = signFrontRequest({ body: text, secret: 's', timestamp: 1 });
    const fromBytes = signFrontRequest({ body: Buffer.from(text), secret: 's', timestamp: 1 });
    assert.deepEqual(fromBytes, fromText);
  });

  it('stamps the current time in whole milliseconds when no timestamp is given', () => {
    const before = Date.now();
    const stamp = Number(
      signFrontRequest({ body: '{}', secret: 's' })['x-front-request-timestamp'],
    );
    assert.ok(Number.isInteger(stamp) && stamp >= before && stamp <= Date.now());
    assert.equal(
      signFrontRequest({ body: '{}', secret: 's', timestamp: 12.9 })['x-front-request-timestamp'],
      '12',
    );
  });

  it('throws ConfigError when the secret is empty', () => {
    assert.throws(
      () => signFrontRequest({ body: '{}', secret: '' }),
      (error: unknown) => error instanceof ConfigError && error.code === 'config_error',
    );
  });
});
