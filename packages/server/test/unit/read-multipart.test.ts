import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { readMultipart } from '../../src/api/read-multipart.ts';
import { createErrorHandler } from '../../src/http/error-handler.ts';
import { createLogger } from '../../src/index.ts';

/** A bare app on loopback with our error handler and the multipart plugin; `routes` adds routes. */
async function startApp(
  routes: (app: FastifyInstance) => void,
  limits?: { fields: number; files: number; parts: number },
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  app.setErrorHandler(createErrorHandler(createLogger({ level: 'silent' })));
  await app.register(multipart, limits ? { limits } : {});
  routes(app);
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }) };
}

// A bare app on loopback with a small attachment limit, so Front's cap is reachable in a test
// without sending 25 MB; the request limit is set well above it.
describe('readMultipart', () => {
  let app: FastifyInstance;
  let url: string;

  before(async () => {
    let base: string;
    ({ app, url: base } = await startApp((app) =>
      app.post('/upload', async (request, reply) => {
        const { fields, uploads } = await readMultipart(request, reply, {
          requestBytes: 1024 * 1024,
          attachmentBytes: 50_000,
        });
        return { fields, sizes: uploads.map((upload) => upload.data.byteLength) };
      }),
    ));
    url = `${base}/upload`;
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

  it('answers 413 naming the file when one file alone passes the attachment limit', async () => {
    const response = await fetch(url, { method: 'POST', body: form([60_000]) });

    assert.equal(response.status, 413);
    assert.equal(response.headers.get('connection'), 'close');
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'payload_too_large');
    assert.match(error.message, /attachment "a\.bin" is larger than Front's limit of 50000 bytes/);
  });
});

// Text fields: the plugin cuts one past its limit (1 MiB unless told) and only flags it.
describe('readMultipart with a large text field', () => {
  let app: FastifyInstance;
  let url: string;

  before(async () => {
    ({ app, url } = await startApp((app) => {
      app.post('/upload', async (request, reply) => {
        const { fields } = await readMultipart(request, reply, { requestBytes: 4 * 1024 * 1024 });
        return { length: String(fields.note).length };
      });
      app.post('/small-fields', async (request, reply) => {
        const { fields } = await readMultipart(request, reply, {
          requestBytes: 4 * 1024 * 1024,
          fieldBytes: 1000,
        });
        return { length: String(fields.note).length };
      });
    }));
  });

  after(() => app.close());

  function form(length: number): FormData {
    const body = new FormData();
    body.set('note', 'n'.repeat(length));
    return body;
  }

  it('reads a field past 1 MiB whole when the request limit allows it', async () => {
    const response = await fetch(`${url}/upload`, { method: 'POST', body: form(1_500_000) });

    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { length: 1_500_000 });
  });

  it('answers 413 naming the field and the limit rather than reading it cut short', async () => {
    const response = await fetch(`${url}/small-fields`, { method: 'POST', body: form(1001) });

    assert.equal(response.status, 413);
    assert.equal(response.headers.get('connection'), 'close');
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'payload_too_large');
    assert.match(error.message, /field "note" is larger than this server's limit of 1000 bytes/);
  });

  it('reads a field exactly at the limit', async () => {
    const response = await fetch(`${url}/small-fields`, { method: 'POST', body: form(1000) });

    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { length: 1000 });
  });
});

// The plugin's count limits, set low, on their own app: each must answer 400 with its own code.
describe('readMultipart past a count limit', () => {
  let app: FastifyInstance;
  let url: string;

  before(async () => {
    let base: string;
    ({ app, url: base } = await startApp(
      (app) =>
        app.post('/upload', async (request, reply) => {
          const { fields } = await readMultipart(request, reply, { requestBytes: 1024 * 1024 });
          return { fields };
        }),
      { fields: 3, files: 2, parts: 4 },
    ));
    url = `${base}/upload`;
  });

  after(() => app.close());

  function form(fieldCount: number, fileCount: number): FormData {
    const body = new FormData();
    for (let index = 0; index < fileCount; index++) body.append('file', new Blob(['a']), 'a.txt');
    for (let index = 0; index < fieldCount; index++) body.set(`field_${index}`, 'x');
    return body;
  }

  for (const [what, fields, files, code] of [
    ['fields', 4, 0, 'too_many_fields'],
    ['files', 0, 3, 'too_many_files'],
    ['parts', 3, 2, 'too_many_parts'],
  ] as const) {
    it(`answers 400 ${code} past the ${what} limit`, async () => {
      const response = await fetch(url, { method: 'POST', body: form(fields, files) });

      assert.equal(response.status, 400);
      assert.equal(response.headers.get('connection'), 'close');
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(error.code, code);
      assert.match(error.message, new RegExp(`more ${what} than this server accepts`));
    });
  }

  it('reads a form that stays within every count', async () => {
    const response = await fetch(url, { method: 'POST', body: form(2, 2) });

    assert.equal(response.status, 200);
  });
});
