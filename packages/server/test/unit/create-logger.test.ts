import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/index.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ destination }) };
}

describe('createLogger', () => {
  it('writes JSON with the phrase as msg and data in fields', () => {
    const { lines, logger } = capture();
    logger.info({ deliveryId: 'msg_1', attempt: 2 }, 'delivery will be retried');
    const line = JSON.parse(lines[0] ?? '{}');
    assert.equal(line.msg, 'delivery will be retried');
    assert.equal(line.deliveryId, 'msg_1');
    assert.equal(line.attempt, 2);
  });

  it('redacts secrets, signatures, tokens and bodies', () => {
    const { lines, logger } = capture();
    logger.warn(
      {
        authorization: 'Bearer fbk_secret',
        headers: { authorization: 'Bearer x', 'x-front-signature': 'c2ln' },
        body: 'customer text',
        token: 'fbw_abc',
        apiKey: 'fbk_abc',
        request: { body: 'nested body', secret: 'whsec_x' },
      },
      'front request rejected',
    );
    const text = lines.join('');
    for (const leaked of [
      'fbk_secret',
      'Bearer x',
      'c2ln',
      'customer text',
      'fbw_abc',
      'fbk_abc',
      'nested body',
      'whsec_x',
    ]) {
      assert.ok(!text.includes(leaked), `${leaked} leaked into the log`);
    }
  });
});
