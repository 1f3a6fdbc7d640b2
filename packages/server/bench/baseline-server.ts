// The bench's yardstick: a bare node:http server that checks Front's HMAC and answers, nothing
// else. Prints `{"url": …}` on one line once it listens.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const secret = process.env.FRONT_APP_SECRET ?? '';

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const timestamp = String(request.headers['x-front-request-timestamp'] ?? '');
    const received = Buffer.from(String(request.headers['x-front-signature'] ?? ''));
    const expected = Buffer.from(
      createHmac('sha256', secret)
        .update(`${timestamp}:`)
        .update(Buffer.concat(chunks))
        .digest('base64'),
    );
    const valid = expected.length === received.length && timingSafeEqual(expected, received);
    response.writeHead(valid ? 200 : 401, { 'content-type': 'application/json' }).end('{}');
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: process.pid })}\n`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
