export { createEmulatorApp, type EmulatorApp } from './create-emulator-app.ts';
export { describeEmulator } from './describe-emulator.ts';
export {
  DEFAULT_APP_SECRET,
  DEFAULT_APP_UID,
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DEFAULT_RESPONSE_DEADLINE_MS,
  type EmulatorContext,
  type EmulatorLogger,
  type EmulatorOptions,
} from './emulator-context.ts';
export type {
  EmulatorChannel,
  EmulatorConversation,
  EmulatorMessage,
  EmulatorState,
  IdFactory,
  MessageStatus,
} from './emulator-state.ts';
export type { ExchangeEntry } from './exchange-log.ts';
export { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './rate-limiter.ts';
export { type Emulator, startEmulator } from './start-emulator.ts';
export { MAX_TOKEN_LIFETIME_SECONDS, TOKEN_LEEWAY_SECONDS } from './verify-channel-token.ts';
