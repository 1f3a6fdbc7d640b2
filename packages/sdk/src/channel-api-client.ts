import type {
  CallOptions,
  CallRecordingInput,
  CallSummaryInput,
  CallTranscriptInput,
  ChannelStatus,
  CreateCallInput,
  DownloadedAttachment,
  FrontConversation,
  InboundMessageInput,
  MessageStatusUpdate,
  MessageTemplateInput,
  MessageTemplatePatch,
  MessageTemplateResult,
  OutboundMessageInput,
  RequestHookEvent,
  ResponseHookEvent,
  RetryHookEvent,
  SyncOptions,
  SyncResult,
  UpdateCallInput,
} from './channel-api-types.ts';
import { ChannelPacer } from './channel-pacer.ts';
import {
  type ChannelRequest,
  type ChannelResponse,
  type SenderSettings,
  sendWithRetries,
} from './channel-request-sender.ts';
import { MAX_TOKEN_TTL_SECONDS } from './create-channel-token.ts';
import { type AttachmentInput, encodeFormData } from './encode-form-data.ts';
import { ConfigError, ValidationError } from './errors.ts';
import { type FrontMessage, MessageSchema } from './front-event.ts';
import { joinUrl, parseBaseUrl } from './join-url.ts';
import {
  CallSummarySchema,
  CallTranscriptSchema,
  CreateCallSchema,
  checkHandlesAndSize,
  InboundMessageSchema,
  MessageStatusSchema,
  MessageTemplatePatchSchema,
  MessageTemplateSchema,
  OutboundMessageSchema,
  UpdateCallSchema,
  validateInput,
} from './validate-channel-request.ts';

/** Front's API host for channel calls. */
export const DEFAULT_BASE_URL = 'https://api2.frontapp.com';

/** Options of {@link ChannelApiClient}; every one but the credentials has a default. */
export interface ChannelApiClientOptions {
  /** The app UID (token `iss`). */
  appUid: string;
  /** The app secret (token key). */
  appSecret: string;
  /** Default `https://api2.frontapp.com`; point it at the emulator in development. */
  baseUrl?: string | undefined;
  /** Default the global `fetch`. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Clock in epoch milliseconds; default `Date.now`. */
  now?: (() => number) | undefined;
  /** Waits between attempts and for the pacer; default a `setTimeout` promise. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Source of jitter in [0, 1); default `Math.random`. */
  random?: (() => number) | undefined;
  /** Attempts per call including the first; default 5. */
  maxAttempts?: number | undefined;
  /** Per-attempt timeout; default 10 000 ms. */
  timeoutMs?: number | undefined;
  /** A `Retry-After` longer than this ends the call at once with `RateLimitError`; default 60 s. */
  maxRetryAfterMs?: number | undefined;
  /** Requests started per channel in any second; default 5 (Front's burst limit). */
  requestsPerSecondPerChannel?: number | undefined;
  /** Body sent for a message that has attachments but no text; default `(attachment)`. */
  attachmentPlaceholderBody?: string | undefined;
  /** Lifetime of each minted token, 1–30 s; default 20. */
  tokenTtlSeconds?: number | undefined;
  /** Called before every attempt (never with the token or body). */
  onRequest?: ((event: RequestHookEvent) => void) | undefined;
  /** Called after every attempt that got an HTTP answer. */
  onResponse?: ((event: ResponseHookEvent) => void) | undefined;
  /** Called before waiting for a retry. */
  onRetry?: ((event: RetryHookEvent) => void) | undefined;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls Front's Channel API for one app: validates input before sending, mints a token per
 * attempt, paces each channel, retries what Front asks to be retried and throws typed errors.
 *
 * @throws {ConfigError} from the constructor when an option is unusable.
 * @example
 * const front = new ChannelApiClient({ appUid, appSecret });
 * await front.syncInboundMessage('cha_4kx9p', {
 *   sender: { handle: '+15551230000' },
 *   body: 'Hi!',
 *   metadata: { external_id: 'sms-1', external_conversation_id: '+15551230000' },
 * });
 */
export class ChannelApiClient {
  readonly #settings: SenderSettings;
  readonly #baseUrl: URL;
  readonly #placeholder: string;

  constructor(options: ChannelApiClientOptions) {
    checkClientOptions(options);
    this.#baseUrl = parseBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
    this.#placeholder = options.attachmentPlaceholderBody ?? '(attachment)';
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? defaultSleep;
    this.#settings = {
      appUid: options.appUid,
      appSecret: options.appSecret,
      tokenTtlSeconds: options.tokenTtlSeconds,
      fetch: options.fetch ?? globalThis.fetch,
      now,
      sleep,
      random: options.random ?? Math.random,
      maxAttempts: options.maxAttempts ?? 5,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
      pacer: new ChannelPacer({ limit: options.requestsPerSecondPerChannel ?? 5, now, sleep }),
      onRequest: options.onRequest,
      onResponse: options.onResponse,
      onRetry: options.onRetry,
    };
  }

  /**
   * Imports a message a contact sent to the channel (`POST /channels/:id/inbound_messages`).
   *
   * @throws {ValidationError} before sending, listing each problem (`metadata.external_id: …`).
   * @throws {ApiError | RateLimitError | NetworkError | TimeoutError} when Front does not accept it.
   */
  async syncInboundMessage(
    channelId: string,
    message: InboundMessageInput,
    options: SyncOptions = {},
  ): Promise<SyncResult> {
    const input = this.#withPlaceholder(message);
    const parsed = validateInput(InboundMessageSchema, input, 'inbound message');
    checkHandlesAndSize(
      'inbound message',
      [{ path: 'sender.handle', handle: parsed.sender.handle }],
      {
        phoneHandles: options.phoneHandles ?? false,
        attachments: parsed.attachments ?? [],
      },
    );
    return this.#sync(channelId, 'inbound_messages', parsed, options.signal);
  }

  /**
   * Imports a message sent from the channel outside Front (`POST /channels/:id/outbound_messages`).
   *
   * @throws {ValidationError} before sending, e.g. `to: must be an array`.
   * @throws {ApiError | RateLimitError | NetworkError | TimeoutError} when Front does not accept it.
   */
  async syncOutboundMessage(
    channelId: string,
    message: OutboundMessageInput,
    options: SyncOptions = {},
  ): Promise<SyncResult> {
    const input = this.#withPlaceholder(message);
    const parsed = validateInput(OutboundMessageSchema, input, 'outbound message');
    const handles = parsed.to.map((contact, index) => ({
      path: `to.${index}.handle`,
      handle: contact.handle,
    }));
    checkHandlesAndSize('outbound message', handles, {
      phoneHandles: options.phoneHandles ?? false,
      attachments: parsed.attachments ?? [],
    });
    return this.#sync(channelId, 'outbound_messages', parsed, options.signal);
  }

  /**
   * Marks an outbound message as failed (`PUT /channels/:id/conversations/:conv/messages/:msg/status`).
   * The ids are yours and are percent-encoded into the path.
   *
   * @throws {ValidationError | ApiError | RateLimitError | NetworkError | TimeoutError}
   */
  async updateMessageStatus(
    channelId: string,
    update: MessageStatusUpdate,
    options: CallOptions = {},
  ): Promise<void> {
    const parsed = validateInput(MessageStatusSchema, update, 'message status');
    const path = [
      'conversations',
      parsed.externalConversationId,
      'messages',
      parsed.externalId,
      'status',
    ];
    const body =
      parsed.reason === undefined
        ? { status: parsed.status }
        : { status: parsed.status, reason: parsed.reason };
    await this.#json(channelId, 'PUT', path, body, options.signal);
  }

  /**
   * Reports the channel healthy (`ok`) or disconnected (`offline`) (`PATCH /channels/:id`).
   *
   * @throws {ValidationError | ApiError | RateLimitError | NetworkError | TimeoutError}
   */
  async updateChannelStatus(
    channelId: string,
    status: ChannelStatus,
    options: CallOptions = {},
  ): Promise<void> {
    if (status !== 'ok' && status !== 'offline') {
      throw new ValidationError('Invalid channel status', ['status: must be "ok" or "offline"']);
    }
    await this.#json(channelId, 'PATCH', [], { status }, options.signal);
  }

  /**
   * Creates an application message template (`PUT /channels/:id/application_message_templates`).
   *
   * @throws {ValidationError | ApiError | RateLimitError | NetworkError | TimeoutError}
   */
  async syncMessageTemplate(
    channelId: string,
    template: MessageTemplateInput,
    options: CallOptions = {},
  ): Promise<MessageTemplateResult> {
    const parsed = validateInput(MessageTemplateSchema, template, 'message template');
    const response = await this.#json(
      channelId,
      'PUT',
      ['application_message_templates'],
      parsed,
      options.signal,
    );
    return readJson(response) as MessageTemplateResult;
  }

  /**
   * Updates some fields of a template (`PATCH …/application_message_templates/:externalId`).
   *
   * @throws {ValidationError | ApiError | RateLimitError | NetworkError | TimeoutError}
   */
  async updateMessageTemplate(
    channelId: string,
    externalId: string,
    patch: MessageTemplatePatch,
    options: CallOptions = {},
  ): Promise<MessageTemplateResult> {
    checkPathId('externalId', externalId);
    const parsed = validateInput(MessageTemplatePatchSchema, patch, 'message template update');
    const path = ['application_message_templates', externalId];
    return readJson(
      await this.#json(channelId, 'PATCH', path, parsed, options.signal),
    ) as MessageTemplateResult;
  }

  /**
   * Creates a voice call (`POST /channels/:id/calls`); `started_at` is in milliseconds.
   *
   * @throws {ValidationError | ApiError | RateLimitError | NetworkError | TimeoutError}
   */
  async createCall(
    channelId: string,
    call: CreateCallInput,
    options: CallOptions = {},
  ): Promise<void> {
    const parsed = validateInput(CreateCallSchema, call, 'call');
    await this.#json(channelId, 'POST', ['calls'], parsed, options.signal);
  }

  /**
   * Changes a call's state (`PATCH /channels/:id/calls/:externalCallId`).
   *
   * @throws {ValidationError | ApiError | RateLimitError | NetworkError | TimeoutError}
   */
  async updateCall(
    channelId: string,
    externalCallId: string,
    update: UpdateCallInput,
    options: CallOptions = {},
  ): Promise<void> {
    checkPathId('externalCallId', externalCallId);
    const parsed = validateInput(UpdateCallSchema, update, 'call update');
    await this.#json(channelId, 'PATCH', ['calls', externalCallId], parsed, options.signal);
  }

  /**
   * Adds a summary to a call (`POST …/calls/:externalCallId/summary`).
   *
   * @throws {ValidationError | ApiError | RateLimitError | NetworkError | TimeoutError}
   */
  async addCallSummary(
    channelId: string,
    externalCallId: string,
    summary: CallSummaryInput,
    options: CallOptions = {},
  ): Promise<void> {
    checkPathId('externalCallId', externalCallId);
    const parsed = validateInput(CallSummarySchema, summary, 'call summary');
    await this.#json(
      channelId,
      'POST',
      ['calls', externalCallId, 'summary'],
      parsed,
      options.signal,
    );
  }

  /**
   * Adds a transcript to a call (`POST …/calls/:externalCallId/transcript`).
   *
   * @throws {ValidationError | ApiError | RateLimitError | NetworkError | TimeoutError}
   */
  async addCallTranscript(
    channelId: string,
    externalCallId: string,
    transcript: CallTranscriptInput,
    options: CallOptions = {},
  ): Promise<void> {
    checkPathId('externalCallId', externalCallId);
    const parsed = validateInput(CallTranscriptSchema, transcript, 'call transcript');
    await this.#json(
      channelId,
      'POST',
      ['calls', externalCallId, 'transcript'],
      parsed,
      options.signal,
    );
  }

  /**
   * Uploads a call's recording or voicemail (`POST …/calls/:externalCallId/recording`, multipart).
   *
   * @throws {ValidationError} when the file is not `audio/*` or is over 25 MB.
   * @throws {ApiError | RateLimitError | NetworkError | TimeoutError}
   */
  async uploadCallRecording(
    channelId: string,
    externalCallId: string,
    recording: CallRecordingInput,
    options: CallOptions = {},
  ): Promise<void> {
    checkPathId('externalCallId', externalCallId);
    checkRecording(recording);
    const form = encodeFormData(
      { recording_type: recording.recordingType },
      [recording.file],
      () => 'attachments',
    );
    await this.#send({
      ...this.#request(channelId, 'POST', ['calls', externalCallId, 'recording'], options.signal),
      body: form,
    });
  }

  /**
   * Reads a message of this channel with the channel token (`GET /messages/:id`).
   *
   * @throws {ValidationError | ApiError | RateLimitError | NetworkError | TimeoutError}
   */
  async getMessage(
    channelId: string,
    messageId: string,
    options: CallOptions = {},
  ): Promise<FrontMessage> {
    checkPathId('messageId', messageId);
    const response = await this.#send(
      this.#coreRequest(channelId, ['messages', messageId], options.signal),
    );
    return validateInput(MessageSchema, readJson(response), 'message from Front');
  }

  /**
   * Reads a conversation of this channel, including `metadata.external_conversation_ids`.
   *
   * @throws {ValidationError | ApiError | RateLimitError | NetworkError | TimeoutError}
   */
  async getConversation(
    channelId: string,
    conversationId: string,
    options: CallOptions = {},
  ): Promise<FrontConversation> {
    checkPathId('conversationId', conversationId);
    const response = await this.#send(
      this.#coreRequest(channelId, ['conversations', conversationId], options.signal),
    );
    const conversation = readJson(response) as FrontConversation;
    if (typeof conversation?.id !== 'string') {
      throw new ValidationError('Invalid conversation from Front', ['id: is required']);
    }
    return conversation;
  }

  /**
   * Downloads an attachment of a message Front sent (its `url`), with a fresh channel token. The
   * token is only sent to the base URL's origin or to an https `*.frontapp.com` host.
   *
   * @throws {ValidationError} when the URL points anywhere else.
   * @throws {ApiError | RateLimitError | NetworkError | TimeoutError}
   */
  async downloadAttachment(
    channelId: string,
    url: string,
    options: CallOptions = {},
  ): Promise<DownloadedAttachment> {
    checkPathId('channelId', channelId);
    const target = this.#attachmentUrl(url);
    const response = await this.#send({
      channelId,
      method: 'GET',
      url: target,
      signal: options.signal,
    });
    const filename = filenameFromDisposition(response.headers.get('content-disposition'));
    return {
      data: response.body,
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      ...(filename === undefined ? {} : { filename }),
    };
  }

  #withPlaceholder<Message extends { body: string; attachments?: AttachmentInput[] }>(
    message: Message,
  ): Message {
    // Front rejects an empty body, but a photo without a caption is an ordinary message.
    const hasFiles = Array.isArray(message?.attachments) && message.attachments.length > 0;
    if (!hasFiles || (typeof message.body === 'string' && message.body.trim() !== ''))
      return message;
    return { ...message, body: this.#placeholder };
  }

  async #sync(
    channelId: string,
    endpoint: string,
    message: { attachments?: AttachmentInput[] | undefined } & Record<string, unknown>,
    signal: AbortSignal | undefined,
  ): Promise<SyncResult> {
    const { attachments, ...fields } = message;
    const request = this.#request(channelId, 'POST', [endpoint], signal);
    const body = attachments?.length
      ? encodeFormData(fields as never, attachments)
      : JSON.stringify(fields);
    const answer = readJson(await this.#send({ ...request, body })) as
      | Partial<SyncResult>
      | undefined;
    if (typeof answer?.message_uid !== 'string') {
      throw new ValidationError("Front's answer to a sync call lacks message_uid", [
        'message_uid: is required',
      ]);
    }
    return { status: 'accepted', message_uid: answer.message_uid };
  }

  #json(
    channelId: string,
    method: ChannelRequest['method'],
    path: string[],
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<ChannelResponse> {
    return this.#send({
      ...this.#request(channelId, method, path, signal),
      body: JSON.stringify(body),
    });
  }

  #request(
    channelId: string,
    method: ChannelRequest['method'],
    path: string[],
    signal: AbortSignal | undefined,
  ): ChannelRequest {
    checkPathId('channelId', channelId);
    return {
      channelId,
      method,
      url: joinUrl(this.#baseUrl.href, ['channels', channelId, ...path]),
      signal,
    };
  }

  #coreRequest(channelId: string, path: string[], signal: AbortSignal | undefined): ChannelRequest {
    checkPathId('channelId', channelId);
    return { channelId, method: 'GET', url: joinUrl(this.#baseUrl.href, path), signal };
  }

  #send(request: ChannelRequest): Promise<ChannelResponse> {
    return sendWithRetries(this.#settings, request);
  }

  #attachmentUrl(url: string): string {
    let target: URL;
    try {
      target = url.startsWith('/')
        ? new URL(`${this.#baseUrl.href.replace(/\/+$/, '')}${url}`)
        : new URL(url);
    } catch {
      throw new ValidationError('Invalid attachment URL', ['url: must be an absolute URL']);
    }
    const frontHost = target.protocol === 'https:' && /(^|\.)frontapp\.com$/.test(target.hostname);
    if (target.origin !== this.#baseUrl.origin && !frontHost) {
      throw new ValidationError('Invalid attachment URL', [
        'url: must point at Front or at baseUrl',
      ]);
    }
    return target.href;
  }
}

function checkClientOptions(options: ChannelApiClientOptions): void {
  if (!options?.appUid) throw new ConfigError('ChannelApiClient needs a non-empty appUid.');
  if (!options.appSecret) throw new ConfigError('ChannelApiClient needs a non-empty appSecret.');
  const positive = {
    maxAttempts: options.maxAttempts,
    timeoutMs: options.timeoutMs,
    requestsPerSecondPerChannel: options.requestsPerSecondPerChannel,
  };
  for (const [name, value] of Object.entries(positive)) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new ConfigError(`${name} must be a whole number of at least 1.`);
    }
  }
  const ttl = options.tokenTtlSeconds;
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 1 && ttl <= MAX_TOKEN_TTL_SECONDS)) {
    throw new ConfigError(
      `tokenTtlSeconds must be a whole number from 1 to ${MAX_TOKEN_TTL_SECONDS}.`,
    );
  }
}

function checkPathId(name: string, value: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new ValidationError(`Invalid ${name}`, [`${name}: must be a non-empty string`]);
  }
}

function checkRecording(recording: CallRecordingInput): void {
  const issues: string[] = [];
  if (recording?.recordingType !== 'call' && recording?.recordingType !== 'voicemail') {
    issues.push('recordingType: must be "call" or "voicemail"');
  }
  if (!recording?.file?.contentType?.startsWith('audio/'))
    issues.push('file.contentType: must be audio/*');
  if (issues.length > 0) throw new ValidationError('Invalid call recording', issues);
  checkHandlesAndSize('call recording', [], { phoneHandles: false, attachments: [recording.file] });
}

function readJson(response: ChannelResponse): unknown {
  const text = new TextDecoder().decode(response.body);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('Front answered with a body that is not JSON');
  }
}

function filenameFromDisposition(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      // Fall through to the plain form, which every sender also includes.
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/.exec(header)?.[1]?.trim();
}
