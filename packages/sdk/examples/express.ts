// Express: give the webhook route the raw bytes (express.raw) so the signature can be checked;
// express.json() may still serve every other route.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createNodeMiddleware } from '@frontbridge/sdk';
import express from 'express';
import { createDemoHandler } from './demo-handler.ts';

/** Starts the Express example on 127.0.0.1 (port 0 picks a free one). */
export async function startExpressExample(options: { secret: string; port?: number }) {
  const app = express();
  const handler = createDemoHandler({
    secret: options.secret,
    publicUrl: 'https://chan.example.com',
  });
  const front = createNodeMiddleware(handler);

  app.post('/front', express.raw({ type: () => true, limit: handler.maxBodyBytes }), front);
  app.delete('/front', express.raw({ type: () => true, limit: handler.maxBodyBytes }), front);
  app.use(express.json());
  app.get('/health', (_request, response) => {
    response.json({ ok: true });
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, '127.0.0.1', (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const secret = process.env.FRONT_APP_SECRET ?? 'dev-secret';
  const { url } = await startExpressExample({ secret, port: Number(process.env.PORT ?? 3000) });
  console.log(`Express channel listening at ${url}/front`);
}
