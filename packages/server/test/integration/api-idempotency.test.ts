import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, type Harness, startHarness } from '../helpers/harness.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness.close();
});

function post(externalId: string, fields: Record<string, unknown>) {
  return api(harness, 'POST', '/messages', {
    channel_id: harness.channelId,
    external_id: externalId,
    ...fields,
  });
}

const INBOUND = { direction: 'inbound', from: '+447700900123', body: 'hello', subject: 'Order 7' };

describe('POST /api/v1/messages with a repeated external_id', () => {
  for (const [what, change] of [
    ['body', { body: 'hello again' }],
    ['subject', { subject: 'Order 8' }],
    ['sender handle', { from: '+447700900124' }],
    ['direction', { direction: 'outbound', to: '+447700900123' }],
  ] as const) {
    it(`answers 409 idempotency_conflict when the ${what} differs`, async () => {
      const externalId = `conflict-${what}`;
      const first = await post(externalId, INBOUND);

      const repeat = await post(externalId, { ...INBOUND, ...change });

      assert.equal(first.status, 202);
      assert.equal(repeat.status, 409);
      const error = repeat.body.error as { code: string; message: string };
      assert.equal(error.code, 'idempotency_conflict');
      assert.match(error.message, /external_id was already used/);
      assert.equal(JSON.stringify(repeat.body).includes(String(first.body.id)), false);
    });
  }

  it('answers the first id when the repeat differs only before normalisation', async () => {
    const first = await post('same-after-normalising', {
      ...INBOUND,
      from: '447700900123',
      delivered_at: '2026-01-02T03:04:05Z',
    });

    const repeat = await post('same-after-normalising', {
      ...INBOUND,
      from: '+447700900123',
      delivered_at: Date.parse('2026-01-02T03:04:05Z') / 1000,
    });

    assert.equal(first.status, 202);
    assert.equal(repeat.status, 202);
    assert.equal(repeat.body.id, first.body.id);
  });

  it('answers the first id when an identical repeat holds a lone surrogate in its body', async () => {
    const fields = { direction: 'inbound', from: 'dana', body: 'x\udc00y' };
    const first = await post('surrogate-1', fields);
    const repeat = await post('surrogate-1', fields);
    assert.equal(first.status, 202);
    assert.equal(repeat.status, 202);
    assert.equal(repeat.body.id, first.body.id);
  });

  it('refuses a handle with a lone surrogate, every time, instead of storing a changed one', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await post('surrogate-2', {
        direction: 'inbound',
        from: 'dana\ud800',
        body: 'x',
      });
      assert.equal(answer.status, 400);
      assert.equal((answer.body.error as { code: string }).code, 'invalid_handle');
    }
  });

  it('answers the first id when the repeat is the same request', async () => {
    const first = await post('same-request', INBOUND);

    const repeat = await post('same-request', INBOUND);

    assert.equal(repeat.status, 202);
    assert.equal(repeat.body.id, first.body.id);
  });

  it('refuses a delivered_at no clock can mean, before storing anything', async () => {
    for (const deliveredAt of [1e300, 1e16, 300_000_000_000]) {
      const answer = await post(`when-${deliveredAt}`, { ...INBOUND, delivered_at: deliveredAt });
      assert.equal(answer.status, 400, String(deliveredAt));
      assert.match(JSON.stringify(answer.body), /delivered_at/);
    }
    const seconds = await post('when-ok-s', { ...INBOUND, delivered_at: 1_767_225_600 });
    const millis = await post('when-ok-ms', { ...INBOUND, delivered_at: 1_767_225_600_000 });
    assert.equal(seconds.status, 202);
    assert.equal(millis.status, 202);
  });
});
