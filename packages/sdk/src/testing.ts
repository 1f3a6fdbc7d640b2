import { signFrontRequest } from './sign-front-request.ts';

/**
 * Helpers for testing a channel: sign a body the way Front does and build realistic event
 * payloads. Import from `@frontbridge/sdk/testing`; not meant for production code.
 */

/** Options of {@link signForTesting}. */
export interface SignForTestingOptions {
  /** The body: sent as is when a string or bytes, as compact JSON otherwise. */
  body: unknown;
  /** The app secret. */
  secret: string;
  /** Signing time in epoch milliseconds; default now. */
  timestamp?: number;
  /** Sign the literal `undefined` instead of the body, as Front's docs describe for DELETE. */
  signUndefined?: boolean;
}

/** A signed body and the headers to send with it. */
export interface SignedTestRequest {
  body: string | Uint8Array<ArrayBuffer>;
  headers: {
    'content-type': 'application/json';
    'x-front-signature': string;
    'x-front-request-timestamp': string;
  };
}

/**
 * Signs a test body exactly as Front signs a delivery (compact `JSON.stringify` for objects).
 *
 * @throws {ConfigError} when the secret is empty.
 * @example
 * const { body, headers } = signForTesting({ body: buildMessageEvent(), secret });
 * await fetch(url, { method: 'POST', body, headers });
 */
export function signForTesting(options: SignForTestingOptions): SignedTestRequest {
  const body =
    typeof options.body === 'string' || options.body instanceof Uint8Array
      ? (options.body as string | Uint8Array<ArrayBuffer>)
      : JSON.stringify(options.body);
  const signed = signFrontRequest({
    body: options.signUndefined ? 'undefined' : body,
    secret: options.secret,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
  return { body, headers: { 'content-type': 'application/json', ...signed } };
}

/** Options of {@link buildSignedRequest}. */
export interface BuildSignedRequestOptions extends SignForTestingOptions {
  url: string;
  /** Default `POST`, or `DELETE` for a `delete` event. */
  method?: string;
}

/** A Fetch `Request` carrying a signed test body, for handlers that take one. */
export function buildSignedRequest(options: BuildSignedRequestOptions): Request {
  const { body, headers } = signForTesting(options);
  const type = (options.body as { type?: unknown } | null)?.type;
  const method = options.method ?? (type === 'delete' ? 'DELETE' : 'POST');
  return new Request(options.url, {
    method,
    headers,
    body: body as string | Uint8Array<ArrayBuffer>,
  });
}

/** Overrides for the event builders: the payload is merged one level deep. */
export interface EventOverrides {
  payload?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

const HOST = 'https://acme.api.frontapp.com';

/** A Front message resource like those in `message` and `message_imported` events. */
export function buildFrontMessage(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const id = typeof overrides.id === 'string' ? overrides.id : 'msg_7kq2x1';
  return {
    _links: {
      self: `${HOST}/messages/${id}`,
      related: {
        conversation: `${HOST}/conversations/cnv_9pt4m2`,
        message_replied_to: `${HOST}/messages/msg_7kq2w0`,
      },
    },
    id,
    type: 'custom',
    is_inbound: false,
    draft_mode: null,
    error_type: null,
    version: 'e41c0b-18812-1767225600123-77aa',
    created_at: 1767225600.123,
    subject: 'Your order 4411',
    blurb: 'Your parcel ships today.',
    body: '<p>Your parcel ships today.</p>',
    text: 'Your parcel ships today.',
    author: { id: 'tea_2b7', email: 'lee@acme.example', username: 'lee', type: 'user' },
    recipients: [
      { _links: { related: { contact: null } }, name: null, handle: 'acme-sms-main', role: 'from' },
      {
        _links: { related: { contact: `${HOST}/contacts/crd_3vv81` } },
        name: 'Dana Ortiz',
        handle: '+15551230000',
        role: 'to',
      },
    ],
    attachments: [],
    signature: null,
    metadata: {},
    is_draft: false,
    ...overrides,
  };
}

/** A `message` event: a teammate sent a message from Front. */
export function buildMessageEvent(overrides: EventOverrides = {}): Record<string, unknown> {
  return {
    type: 'message',
    payload: buildFrontMessage(overrides.payload),
    ...withMetadata(overrides),
  };
}

/** A `message_autoreply` event: no `id`, no author, `type: 'auto_reply'`. */
export function buildAutoReplyEvent(overrides: EventOverrides = {}): Record<string, unknown> {
  const { id: _id, author: _author, _links: _ignored, ...message } = buildFrontMessage();
  const payload = {
    ...message,
    _links: {
      related: {
        conversation: `${HOST}/conversations/cnv_9pt4m2`,
        message_replied_to: `${HOST}/messages/msg_7kq2w0`,
      },
    },
    type: 'auto_reply',
    body: 'Thanks, we reply within one business day.',
    text: 'Thanks, we reply within one business day.',
    ...overrides.payload,
  };
  return { type: 'message_autoreply', payload, ...withMetadata(overrides) };
}

/** A `message_imported` event: Front finished importing a synced message. */
export function buildMessageImportedEvent(overrides: EventOverrides = {}): Record<string, unknown> {
  const payload = buildFrontMessage({ id: 'msg_7kq3aa', is_inbound: true, ...overrides.payload });
  const metadata = {
    external_conversation_id: '+15551230000',
    external_conversation_ids: ['+15551230000'],
    ...overrides.metadata,
  };
  return { type: 'message_imported', payload, metadata };
}

/** An `authorization` event: a channel was added to an inbox. */
export function buildAuthorizationEvent(overrides: EventOverrides = {}): Record<string, unknown> {
  return {
    type: 'authorization',
    payload: { channel_id: 'cha_4kx9p', ...overrides.payload },
    ...withMetadata(overrides),
  };
}

/** A `delete` event: the channel was removed (Front sends it with `DELETE`). */
export function buildDeleteEvent(overrides: EventOverrides = {}): Record<string, unknown> {
  return {
    type: 'delete',
    payload: { channel_id: 'cha_4kx9p', ...overrides.payload },
    ...withMetadata(overrides),
  };
}

function withMetadata(overrides: EventOverrides): { metadata?: Record<string, unknown> } {
  return overrides.metadata ? { metadata: overrides.metadata } : {};
}
