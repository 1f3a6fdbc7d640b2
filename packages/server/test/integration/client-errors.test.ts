import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { handleClientError } from '../../src/http/error-handler.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness.close();
});

// Node's parser refuses these before Fastify has a request, so fetch cannot send them all: the
// bytes go over a raw socket, and the answer is read until the server closes the connection.
interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

function sendRaw(request: string, url = harness.server.url): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => {
      reject(new Error('the server kept the connection open'));
      socket.destroy();
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    // A reset after the answer is how some refusals end; what was read by then is the answer.
    socket.on('error', (error) => (chunks.length ? undefined : reject(error)));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = new Map(
        lines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
        }),
      );
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1]), headers, body });
    });
    socket.write(request);
  });
}

function errorOf(body: string) {
  const parsed = JSON.parse(body) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(parsed), ['error']);
  return parsed.error;
}

describe('requests the HTTP parser refuses', () => {
  it('answers 431 headers_too_large in our error shape for a 20,000-character path', async () => {
    const path = `/api/v1/messages/${'a'.repeat(20_000)}`;

    const answer = await sendRaw(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);

    assert.equal(answer.status, 431);
    assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(answer.headers.get('connection'), 'close');
    assert.equal(Number(answer.headers.get('content-length')), Buffer.byteLength(answer.body));
    const error = errorOf(answer.body);
    assert.equal(error.code, 'headers_too_large');
    assert.match(error.message, /URL and headers are larger than this server accepts/);
  });

  it('answers 431 in our shape for one oversized header', async () => {
    const answer = await sendRaw(
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${'b'.repeat(20_000)}\r\n\r\n`,
    );

    assert.equal(answer.status, 431);
    assert.equal(errorOf(answer.body).code, 'headers_too_large');
  });

  it('answers 400 bad_request in our shape for a malformed request line', async () => {
    const answer = await sendRaw('NOT A REQUEST\r\n\r\n');

    assert.equal(answer.status, 400);
    assert.equal(answer.headers.get('connection'), 'close');
    const error = errorOf(answer.body);
    assert.equal(error.code, 'bad_request');
    assert.equal(error.message, 'The request is malformed.');
  });

  it('answers 413 in our shape for a chunk extension past the parser limit', async () => {
    const body = JSON.stringify({ body: 'hi' });
    const chunk = `${body.length.toString(16)};note=${'c'.repeat(20_000)}\r\n${body}\r\n0\r\n\r\n`;

    const answer = await sendRaw(
      'POST /api/v1/messages HTTP/1.1\r\nHost: localhost\r\n' +
        `Authorization: Bearer ${harness.account.api_key}\r\n` +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
        chunk,
    );

    assert.equal(answer.status, 413);
    assert.equal(answer.headers.get('connection'), 'close');
    assert.equal(errorOf(answer.body).code, 'payload_too_large');
  });

  it('still answers a well-formed request on the same server', async () => {
    const answer = await sendRaw(
      'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );

    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), { status: 'ok' });
  });
});

// Node only checks its request timeout every 30 seconds, too slow for a test: the handler gets the
// same error Node would give it, on a real loopback connection.
describe('handleClientError on a connection Node gives up on', () => {
  function serveWith(error: NodeJS.ErrnoException) {
    const server = createServer((socket: Socket) => {
      // As Node's HTTP server does before it calls the handler, which destroys with the error.
      socket.on('error', () => {});
      handleClientError(error, socket);
    });
    server.listen(0, '127.0.0.1');
    return server;
  }

  async function answerTo(error: NodeJS.ErrnoException) {
    const server = serveWith(error);
    await once(server, 'listening');
    const address = server.address() as { port: number };
    try {
      return await sendRaw('', `http://127.0.0.1:${address.port}`);
    } finally {
      server.close();
    }
  }

  it('answers 408 request_timeout in our shape for a request too slow to arrive', async () => {
    const timeout = Object.assign(new Error('Request timeout'), {
      code: 'ERR_HTTP_REQUEST_TIMEOUT',
    });

    const answer = await answerTo(timeout);

    assert.equal(answer.status, 408);
    assert.equal(answer.headers.get('connection'), 'close');
    assert.equal(errorOf(answer.body).code, 'request_timeout');
  });
});
