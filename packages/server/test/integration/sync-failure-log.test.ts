import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/index.ts';
import { api, type Harness, startHarness, waitFor } from '../helpers/harness.ts';

const REFUSAL_DETAIL = 'stub-refusal-detail';

// A loopback stand-in for Front's Channel API that refuses every sync with a final 400.
async function startRefusingFront(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ _error: { status: 400, title: 'Bad request', message: REFUSAL_DETAIL } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let front: Awaited<ReturnType<typeof startRefusingFront>>;
let harness: Harness;
const lines: string[] = [];
before(async () => {
  front = await startRefusingFront();
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  harness = await startHarness({
    env: { FRONT_API_URL: front.url },
    server: { logger: createLogger({ destination }) },
  });
});
after(async () => {
  await harness.close();
  front.server.closeAllConnections();
  await new Promise((resolve) => front.server.close(resolve));
});

describe('sync failed log line', () => {
  it('carries the HTTP status and error code of the failure, not its body', async () => {
    const answer = await api(harness, 'POST', '/messages', {
      channel_id: harness.channelId,
      direction: 'inbound',
      external_id: 'refused-1',
      from: '+15551230000',
      body: 'customer words',
    });
    assert.equal(answer.status, 202);

    const line = await waitFor(() =>
      lines.map((text) => JSON.parse(text)).find((entry) => entry.msg === 'sync failed'),
    );
    assert.equal(line.level, 40);
    assert.equal(line.messageId, answer.body.id);
    assert.equal(line.status, 400);
    assert.equal(line.code, 'api_error');
    const text = lines.join('');
    for (const leaked of [REFUSAL_DETAIL, 'customer words']) {
      assert.equal(text.includes(leaked), false, `${leaked} reached the log`);
    }
  });
});
