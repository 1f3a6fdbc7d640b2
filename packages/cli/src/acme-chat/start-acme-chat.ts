import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';

/**
 * Acme Chat is the demo "external system" of `frontbridge dev`: a customer-facing chat that reports
 * customer messages to frontbridge's REST API and receives teammates' replies as signed Standard
 * Webhooks deliveries — the same two paths a real messaging system uses.
 */
export interface StartAcmeChatOptions {
  port?: number;
  host?: string;
  fetch?: typeof globalThis.fetch;
}

/** How Acme Chat reaches frontbridge, known once the account and channel exist. */
export interface AcmeChatConnection {
  /** frontbridge's base URL (REST API). */
  frontbridgeUrl: string;
  /** The account's API key. */
  apiKey: string;
  /** The account's Standard Webhooks secret (`whsec_…`). */
  signingSecret: string;
  /** The Front channel this chat is connected to. */
  channelId: string;
}

export interface RunningAcmeChat {
  url: string;
  /** Where frontbridge delivers teammates' messages (the account's deliver URL). */
  deliverUrl: string;
  /** Links the chat to frontbridge; until then sending answers 503 and deliveries 400. */
  connect(connection: AcmeChatConnection): void;
  close(): Promise<void>;
}

/** One line of a customer's conversation as the page shows it. */
interface ChatMessage {
  id: string;
  handle: string;
  from: 'customer' | 'agent';
  text: string;
  at: number;
  status: string;
  frontbridgeId?: string;
}

const SendSchema = z.object({
  handle: z.string().trim().min(1).max(64),
  name: z.string().trim().max(100).default(''),
  text: z.string().min(1).max(10_000),
});

const DeliverySchema = z.looseObject({
  delivery_id: z.string(),
  recipient: z.string(),
  text: z.string().nullable(),
  is_auto_reply: z.boolean().optional(),
  created_at: z.string().optional(),
});

const KEPT_MESSAGES = 1_000;
const FINAL_STATUSES = new Set(['imported', 'delivered', 'failed']);

/** Starts Acme Chat on its own port; call `connect` once frontbridge has an account for it. */
export async function startAcmeChat(options: StartAcmeChatOptions = {}): Promise<RunningAcmeChat> {
  const state = createChatState();
  const page = await readFile(new URL('./acme-chat-page.html', import.meta.url), 'utf8');
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    const message = status < 500 ? 'The request could not be read.' : 'Something went wrong.';
    return reply.code(status).send({ error: { message } });
  });
  const fetchApi = options.fetch ?? globalThis.fetch;
  let connection: AcmeChatConnection | undefined;
  let verifier: Webhook | undefined;
  const api = (path: string, init?: RequestInit) =>
    fetchApi(new URL(path, connection?.frontbridgeUrl), {
      ...init,
      headers: {
        authorization: `Bearer ${connection?.apiKey}`,
        'content-type': 'application/json',
      },
    });

  app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  app.get('/api/messages', async () => refreshStatuses(state.messages, api));
  app.get('/api/events', (request, reply) => streamChanges(request, reply, state));
  app.post('/api/send', async (request, reply) => {
    if (!connection) return reply.code(503).send({ error: { message: 'Not connected yet.' } });
    const input = SendSchema.safeParse(request.body);
    if (!input.success) {
      return reply.code(400).send({ error: { message: 'Write a message and a handle first.' } });
    }
    const { status, body } = await reportCustomerMessage(input.data, connection.channelId, api);
    // frontbridge's own 4xx (a bad handle, say) is the customer's to fix; anything else is ours.
    if (status !== 202) return reply.code(status >= 400 && status < 500 ? status : 502).send(body);
    // frontbridge normalises phone numbers: replies come back to the normalised handle, so the
    // conversation is kept (and shown) under that one, whatever the customer typed.
    const handle = body.handle ?? input.data.handle;
    const { handle: _typed, ...rest } = body;
    state.add({ handle, from: 'customer', text: input.data.text, ...rest });
    return reply.code(201).send({ ok: true, handle });
  });

  // Deliveries are verified over the raw body, as any Standard Webhooks receiver must; the raw
  // parser lives in its own scope so the page's JSON routes keep the normal one.
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    scope.post('/webhooks/frontbridge', async (request, reply) => {
      const delivery = verifier && verifyDelivery(verifier, request);
      if (!delivery) return reply.code(400).send({ error: { message: 'Invalid delivery.' } });
      state.receive(delivery);
      return reply.code(204).send();
    });
  });

  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const url = address.replace('[::1]', '127.0.0.1');
  return {
    url,
    deliverUrl: `${url}/webhooks/frontbridge`,
    connect(next) {
      connection = next;
      verifier = new Webhook(next.signingSecret);
    },
    close: async () => {
      state.closeStreams();
      await app.close();
    },
  };
}

function createChatState() {
  const messages: ChatMessage[] = [];
  const seenDeliveries = new Set<string>();
  const streams = new Set<FastifyReply>();
  const changed = () => {
    for (const stream of streams) stream.raw.write('event: change\ndata: {}\n\n');
  };

  return {
    messages,
    streams,
    add(message: Omit<ChatMessage, 'id' | 'at'>) {
      messages.push({ id: randomUUID(), at: Date.now(), ...message });
      if (messages.length > KEPT_MESSAGES) messages.shift();
      changed();
    },
    receive(delivery: z.infer<typeof DeliverySchema>) {
      // A redelivered webhook carries the same id: show it once.
      if (seenDeliveries.has(delivery.delivery_id)) return;
      seenDeliveries.add(delivery.delivery_id);
      const text = delivery.text ?? '';
      this.add({ handle: delivery.recipient, from: 'agent', text, status: 'received' });
    },
    closeStreams() {
      for (const stream of streams) stream.raw.end();
      streams.clear();
    },
  };
}

type ChatState = ReturnType<typeof createChatState>;
type Delivery = z.infer<typeof DeliverySchema>;

function verifyDelivery(verifier: Webhook, request: FastifyRequest): Delivery | undefined {
  try {
    const headers = request.headers as Record<string, string>;
    return DeliverySchema.parse(verifier.verify(request.body as string, headers));
  } catch {
    return undefined;
  }
}
type Api = (path: string, init?: RequestInit) => Promise<Response>;

async function reportCustomerMessage(
  input: z.infer<typeof SendSchema>,
  channelId: string,
  api: Api,
): Promise<{ status: number; body: { status: string; frontbridgeId?: string; handle?: string } }> {
  const response = await api('/api/v1/messages', {
    method: 'POST',
    body: JSON.stringify({
      channel_id: channelId,
      direction: 'inbound',
      external_id: `acme-${randomUUID()}`,
      from: input.handle,
      ...(input.name ? { sender_name: input.name } : {}),
      body: input.text,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as { id?: string; status?: string };
  if (response.status !== 202 || !body.id) return { status: response.status, body: body as never };
  const stored = await api(`/api/v1/messages/${encodeURIComponent(body.id)}`);
  const { contact_handle: handle } = (await stored.json().catch(() => ({}))) as {
    contact_handle?: string;
  };
  return {
    status: 202,
    body: {
      status: body.status ?? 'queued',
      frontbridgeId: body.id,
      ...(handle ? { handle } : {}),
    },
  };
}

// Customer messages move from queued to synced to imported in frontbridge; ask for the ones that
// are not final yet, a few at a time, when the page reads the list.
async function refreshStatuses(messages: ChatMessage[], api: Api): Promise<ChatMessage[]> {
  const pending = messages.filter((m) => m.frontbridgeId && !FINAL_STATUSES.has(m.status));
  await Promise.all(
    pending.slice(-20).map(async (message) => {
      const response = await api(
        `/api/v1/messages/${encodeURIComponent(message.frontbridgeId ?? '')}`,
      );
      if (!response.ok) return;
      const body = (await response.json()) as { status?: string };
      if (body.status) message.status = body.status;
    }),
  );
  return messages;
}

function streamChanges(request: FastifyRequest, reply: FastifyReply, state: ChatState) {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  reply.raw.write(': connected\n\n');
  state.streams.add(reply);
  request.raw.on('close', () => state.streams.delete(reply));
}
