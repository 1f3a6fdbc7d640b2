import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { readMultipart } from '../../src/api/read-multipart.ts';
import { createErrorHandler } from '../../src/http/error-handler.ts';
import { createLogger } from '../../src/index.ts';

// A bare app on loopback with a small attachment limit, so Front's cap is reachable in a test
// without sending 25 MB; the request limit is set well above it.
describe('readMultipart', () => {
  let app: FastifyInstance;
  let url: string;

  before(async () => {
    app = Fastify({ logger: false });
    app.setErrorHandler(createErrorHandler(createLogger({ level: 'silent' })));
    await app.register(multipart);
    app.post('/upload', async (request, reply) => {
      const { fields, uploads } = await readMultipart(request, reply, {
        requestBytes: 1024 * 1024,
        attachmentBytes: 50_000,
      });
      return { fields, sizes: uploads.map((upload) => upload.data.byteLength) };
    });
    url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/upload`;
  });

  after(() => app.close());

  function form(sizes: number[]): FormData {
    const body = new FormData();
    body.set('note', 'hello');
    for (const size of sizes) body.append('file', new Blob([Buffer.alloc(size, 7)]), 'a.bin');
    return body;
  }

  it('reads fields and files whose total is within the attachment limit', async () => {
    const response = await fetch(url, { method: 'POST', body: form([20_000, 30_000]) });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { fields: { note: 'hello' }, sizes: [20_000, 30_000] });
  });

  it('answers 413 when the files together pass the attachment limit', async () => {
    const response = await fetch(url, { method: 'POST', body: form([30_000, 30_000]) });
    assert.equal(response.status, 413);
    assert.equal(response.headers.get('connection'), 'close');
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'payload_too_large');
    assert.match(error.message, /Front's limit of 50000 bytes/);
  });
});
