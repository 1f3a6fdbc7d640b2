import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

/** How the receiver answers its n-th request (0-based): a status, maybe after a delay. */
export type ReceiverBehaviour = (index: number) => { status: number; delayMs?: number };

/** A loopback stand-in for the external system's webhook endpoint. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Requests seen so far, answered or not. */
  hits: number;
  behaviour: ReceiverBehaviour;
  close(): Promise<void>;
}

export async function startReceiver(behaviour: ReceiverBehaviour = () => ({ status: 200 })) {
  const received: Received[] = [];
  const receiver = { received, behaviour, hits: 0 } as Receiver;
  let count = 0;
  const server: Server = createServer((request, response) => {
    receiver.hits++;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const { status, delayMs = 0 } = receiver.behaviour(count++);
      const answer = () => {
        if (status >= 200 && status < 300) {
          received.push({ headers: request.headers, body, json: JSON.parse(body) });
        }
        response.writeHead(status).end();
      };
      if (delayMs > 0) setTimeout(answer, delayMs).unref();
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
