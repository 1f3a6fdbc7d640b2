import { type DestinationStream, type Logger, pino } from 'pino';

export interface CreateLoggerOptions {
  /** `fatal` … `trace`, or `silent`; default `info`. */
  level?: string;
  /** Where lines go; default stdout. Tests pass a stream to read them. */
  destination?: DestinationStream;
  /** Fields put on every line, e.g. `{ service: 'frontbridge' }`. */
  base?: Record<string, unknown>;
}

// Paths that could carry a credential or customer content. Log lines put data in named fields, so
// these cover the ways a careless call could still leak something.
const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers["x-front-signature"]',
  'headers["webhook-signature"]',
  'body',
  'text',
  'html',
  'token',
  'apiKey',
  'api_key',
  'secret',
  'signingSecret',
  'signing_secret',
  'channelToken',
  'channel_token',
  'signature',
  '*.authorization',
  '*.body',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.signature',
];

/**
 * The server's structured JSON logger: a fixed message phrase, data in fields, and secrets,
 * signatures, tokens, API keys and bodies redacted.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { service: 'frontbridge' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
