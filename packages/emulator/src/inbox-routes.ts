import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './emulator-context.ts';

const INBOX_DIR = new URL('./inbox/', import.meta.url);
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/inbox/inbox.css': { file: 'inbox.css', type: 'text/css; charset=utf-8' },
  '/inbox/inbox.js': { file: 'inbox.js', type: 'text/javascript; charset=utf-8' },
};
const HEARTBEAT_MS = 15_000;

/** The inbox page (plain files, no bundler) and its Server-Sent Events feed. */
export function registerInboxRoutes(app: FastifyInstance, context: EmulatorContext): void {
  for (const [path, { file, type }] of Object.entries(FILES)) {
    app.get(path, async (_request, reply) => {
      // Read on every request so edits to the page show up without a restart.
      const content = await readFile(new URL(file, INBOX_DIR));
      return reply.header('content-type', type).header('cache-control', 'no-store').send(content);
    });
  }

  const streams = new Set<ServerResponse>();
  app.get('/_emulator/events', (request, reply) => {
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    stream.write('retry: 1000\n\n');
    const onChange = (change: { kind: string }) =>
      stream.write(`event: change\ndata: ${JSON.stringify(change)}\n\n`);
    const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    context.events.on('change', onChange);
    streams.add(stream);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      context.events.off('change', onChange);
      streams.delete(stream);
    });
  });
  // Open event streams would otherwise keep `close()` waiting forever.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });
}
