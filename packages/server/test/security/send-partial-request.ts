import { connect } from 'node:net';

/** What the server answered to a request whose body never arrived in full. */
export interface PartialAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
  /** From the first byte written to the whole answer (or the close, when it came first). */
  elapsedMs: number;
  /** Whether the server closed the connection within `closeWithinMs` of its answer. */
  closed: boolean;
}

export interface PartialRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The first bytes of the body; the rest, up to the declared length, is never sent. */
  bodyStart?: string;
  /** How long to wait for an answer before failing (the server is reading a body that stalls). */
  waitMs: number;
  /** How long to wait after the answer for the server to close the connection; default 1 s. */
  closeWithinMs?: number;
}

/**
 * Writes a request head and the start of its body over a raw socket, then stalls: what a client
 * declaring a large body and never finishing it looks like. fetch cannot stall mid-body.
 */
export function sendPartialRequest(url: string, request: PartialRequest): Promise<PartialAnswer> {
  const { hostname, port } = new URL(url);
  const head = [
    `${request.method} ${request.path} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    ...Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');

  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const started = performance.now();
    let received = '';
    let answer: PartialAnswer | undefined;

    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${request.waitMs} ms`));
    }, request.waitMs);
    const finish = (closed: boolean) => {
      clearTimeout(giveUp);
      socket.destroy();
      if (answer) resolve({ ...answer, closed });
      else reject(new Error(`the connection closed without an answer: ${received}`));
    };

    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (answer) return;
      answer = parseWholeAnswer(received, performance.now() - started);
      if (answer) setTimeout(() => finish(false), request.closeWithinMs ?? 1000);
    });
    // A reset after the answer is one way a refusal ends; before it, the close says what failed.
    socket.on('error', () => {});
    socket.on('close', () => {
      answer ??= parseWholeAnswer(received, performance.now() - started, true);
      finish(true);
    });
    socket.write(`${head}\r\n\r\n${request.bodyStart ?? ''}`);
  });
}

function parseWholeAnswer(
  text: string,
  elapsedMs: number,
  ended = false,
): PartialAnswer | undefined {
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return undefined;
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers = new Map(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
    }),
  );
  const body = text.slice(split + 4);
  const length = Number(headers.get('content-length') ?? Number.NaN);
  if (!ended && !(Buffer.byteLength(body) >= length)) return undefined;
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1]);
  return { status, headers, body, elapsedMs, closed: false };
}
