// Fastify: inside one encapsulated plugin, replace the JSON parser with one that keeps the raw
// Buffer, then hand Fastify's request to the Fetch handler. Other plugins keep normal parsing.
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { createDemoHandler } from './demo-handler.ts';

/** Starts the Fastify example on 127.0.0.1 (port 0 picks a free one). */
export async function startFastifyExample(options: { secret: string; port?: number }) {
  const app = Fastify();
  const handler = createDemoHandler({
    secret: options.secret,
    publicUrl: 'https://chan.example.com',
  });

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: handler.maxBodyBytes },
      (_request, body, done) => {
        done(null, body);
      },
    );
    scope.route({
      method: ['POST', 'DELETE'],
      url: '/front',
      handler: async (request, reply) => {
        const headers = new Headers(request.headers as Record<string, string>);
        const body = request.body instanceof Buffer ? new Uint8Array(request.body) : null;
        const response = await handler(
          new Request(`http://localhost${request.url}`, { method: request.method, headers, body }),
        );
        reply
          .code(response.status)
          .header('content-type', response.headers.get('content-type') ?? 'application/json');
        return reply.send(Buffer.from(await response.arrayBuffer()));
      },
    });
  });

  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const secret = process.env.FRONT_APP_SECRET ?? 'dev-secret';
  const { url } = await startFastifyExample({ secret, port: Number(process.env.PORT ?? 3000) });
  console.log(`Fastify channel listening at ${url}/front`);
}
