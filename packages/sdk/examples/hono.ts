// Hono: `c.req.raw` is the untouched Fetch Request, so the handler mounts as is.
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createDemoHandler } from './demo-handler.ts';

/** Starts the Hono example on 127.0.0.1 (port 0 picks a free one). */
export async function startHonoExample(options: { secret: string; port?: number }) {
  const app = new Hono();
  const handler = createDemoHandler({
    secret: options.secret,
    publicUrl: 'https://chan.example.com',
  });
  app.on(['POST', 'DELETE'], '/front', (c) => handler(c.req.raw));

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve(
      { fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' },
      () => resolve(started),
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
  const { url } = await startHonoExample({ secret, port: Number(process.env.PORT ?? 3000) });
  console.log(`Hono channel listening at ${url}/front`);
}
