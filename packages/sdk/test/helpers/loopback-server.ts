import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the loopback server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** Answers one request; may also destroy the socket to simulate a dropped connection. */
export type Responder = (request: RecordedRequest, response: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 with a scripted list of responders (the last one repeats). */
export interface LoopbackServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1, port 0, that records every request and answers from `script`. */
export async function startLoopbackServer(script: Responder[]): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      const responder = script[Math.min(requests.length - 1, script.length - 1)];
      responder?.(recorded, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a JSON body. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Responder {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
}

/** Answers with no body. */
export function empty(status: number, headers: Record<string, string> = {}): Responder {
  return (_request, response) => {
    response.writeHead(status, headers);
    response.end();
  };
}

/** Drops the connection without answering. */
export const drop: Responder = (_request, response) => {
  response.socket?.destroy();
};

/** Never answers (the client's timeout must fire). */
export const hang: Responder = () => undefined;

/** 202 with a message_uid, like Front's sync endpoints. */
export const accepted = json(202, { status: 'accepted', message_uid: 'uid_1' });
