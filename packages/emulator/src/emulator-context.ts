import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createState, type EmulatorState, type IdFactory } from './emulator-state.ts';
import { createExchangeLog, type ExchangeLog } from './exchange-log.ts';
import type { Fault } from './faults.ts';
import {
  createRateLimitState,
  DEFAULT_RATE_LIMIT,
  type RateLimitOptions,
  type RateLimitState,
} from './rate-limiter.ts';
import type { JtiStore } from './verify-channel-token.ts';

/** Four-method logger; the emulator logs lifecycle only, never bodies, tokens or signatures. */
export interface EmulatorLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Options of `startEmulator` and `createEmulatorApp`; every one has a default. */
export interface EmulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** App UID: the `iss` of channel tokens. Default `frontbridge-dev`. */
  appUid?: string;
  /** App secret: signs webhooks and verifies channel tokens. Default `frontbridge-dev-secret`. */
  appSecret?: string;
  /** Default Channel URL for the authorization call when a request names none. */
  channelUrl?: string;
  /** How long a channel may take to answer an event; default 7000 ms, as Front. */
  responseDeadlineMs?: number;
  /** What the `delete` signature covers: the JSON body (default) or the string `undefined`. */
  deleteSignatureMode?: 'body' | 'undefined';
  /** Send the identical request again once after a timeout, to test idempotency. Default false. */
  redeliverOnTimeout?: boolean;
  /** Burst and company limits of the Channel API. */
  rateLimit?: Partial<RateLimitOptions>;
  /** Largest multipart body accepted, in bytes; default 25 MB, as Front. */
  maxAttachmentBytes?: number;
  /** Clock in epoch milliseconds. */
  now?: () => number;
  /** Sleep used for injected latency faults. */
  sleep?: (ms: number) => Promise<void>;
  /** Fetch used to call the channel. */
  fetch?: typeof fetch;
  /** Id factory (`cha_…`, `msg_…`); default random base36. */
  newId?: IdFactory;
  logger?: EmulatorLogger;
}

export interface EmulatorConfig {
  appUid: string;
  appSecret: string;
  channelUrl: string | undefined;
  responseDeadlineMs: number;
  deleteSignatureMode: 'body' | 'undefined';
  redeliverOnTimeout: boolean;
  rateLimit: RateLimitOptions;
  maxAttachmentBytes: number;
}

/** Everything the routes share: settings, state, injected effects and the change feed. */
export interface EmulatorContext {
  config: EmulatorConfig;
  state: EmulatorState;
  log: ExchangeLog;
  rate: RateLimitState;
  faults: Fault[];
  usedJtis: JtiStore;
  /** Emits `change` with `{ kind }` whenever state or the log changes (feeds the inbox page). */
  events: EventEmitter;
  /** Work started after a response was sent (imports); `settled()` waits for it. */
  pending: Set<Promise<unknown>>;
  /** Public base URL; set once listening, used in payload links. */
  baseUrl: string;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  fetch: typeof fetch;
  newId: IdFactory;
  logger: EmulatorLogger;
}

export const DEFAULT_APP_UID = 'frontbridge-dev';
export const DEFAULT_APP_SECRET = 'frontbridge-dev-secret';
export const DEFAULT_RESPONSE_DEADLINE_MS = 7000;
export const DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

const SILENT_LOGGER: EmulatorLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function resolveConfig(options: EmulatorOptions): EmulatorConfig {
  return {
    appUid: options.appUid ?? DEFAULT_APP_UID,
    appSecret: options.appSecret ?? DEFAULT_APP_SECRET,
    channelUrl: options.channelUrl,
    responseDeadlineMs: options.responseDeadlineMs ?? DEFAULT_RESPONSE_DEADLINE_MS,
    deleteSignatureMode: options.deleteSignatureMode ?? 'body',
    redeliverOnTimeout: options.redeliverOnTimeout ?? false,
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...options.rateLimit },
    maxAttachmentBytes: options.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
  };
}

export function createContext(options: EmulatorOptions): EmulatorContext {
  const events = new EventEmitter();
  // Every open inbox page holds one listener.
  events.setMaxListeners(0);
  return {
    config: resolveConfig(options),
    state: createState(),
    log: createExchangeLog(),
    rate: createRateLimitState(),
    faults: [],
    usedJtis: new Map(),
    events,
    pending: new Set(),
    baseUrl: 'http://127.0.0.1',
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    fetch: options.fetch ?? globalThis.fetch,
    newId: options.newId ?? randomId,
    logger: options.logger ?? SILENT_LOGGER,
  };
}

/** Tells the inbox page (and anyone listening) that something changed. */
export function notifyChange(context: EmulatorContext, kind: string): void {
  context.events.emit('change', { kind });
}

/** Runs work after the response and keeps track of it, so tests and `close()` can wait. */
export function runInBackground(context: EmulatorContext, work: () => Promise<unknown>): void {
  const task = work().catch((error: unknown) => {
    context.logger.error({ err: String(error) }, 'background task failed');
  });
  context.pending.add(task);
  void task.finally(() => context.pending.delete(task));
}

function randomId(prefix: string): string {
  const value = BigInt(`0x${randomBytes(8).toString('hex')}`).toString(36);
  return `${prefix}_${value.slice(0, 10)}`;
}
