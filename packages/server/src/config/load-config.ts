import { ConfigError } from '@frontbridge/sdk';
import { getCountries } from 'libphonenumber-js';
import { levels } from 'pino';
import {
  type DeliverUrlPolicy,
  deliverUrlPolicyFromEnv,
} from '../connectors/deliver-url-policy.ts';
import type { SqliteSynchronous } from '../store/open-store.ts';

/** Everything the server needs, read once from the environment and validated. */
export interface ServerConfig {
  mode: 'production' | 'development';
  frontAppUid: string;
  /** One or more app secrets; several during a rotation (any verifies, the first signs). */
  frontAppSecrets: string[];
  publicUrl: string;
  frontApiUrl: string;
  databaseUrl: string;
  port: number;
  host: string;
  sqliteSynchronous: SqliteSynchronous;
  /** Region for phone numbers written without a country code (ISO 3166, e.g. `US`). */
  defaultPhoneRegion: string;
  /** How long a delivery is retried before the message is reported failed to Front. */
  deliveryRetryPeriodMs: number;
  /** How long one delivery attempt may take. */
  deliveryTimeoutMs: number;
  /** First retry delay; it doubles per attempt, with jitter, up to `retryMaxDelayMs`. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** How long a claimed job stays leased before another worker may take it. */
  jobLeaseMs: number;
  /** How long finished jobs (done, failed, cancelled) are kept before they are deleted. */
  jobRetentionMs: number;
  /** How often idle workers look for due jobs (enqueues wake them at once anyway). */
  pollIntervalMs: number;
  workerConcurrency: number;
  /** Requests per second per channel toward Front, shared by every instance (Front's burst limit). */
  frontRequestsPerSecond: number;
  /** Lifetime of the attachment links put into deliveries. */
  attachmentLinkTtlMs: number;
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** How long a client may take to send one whole request, headers and body. */
  requestTimeoutMs: number;
  /** pino level of the JSON logs, or `silent`. */
  logLevel: string;
  /** Which hosts deliver URLs may point at (SSRF guard); see deliver-url-policy.ts. */
  deliverUrlPolicy: DeliverUrlPolicy;
}

type Env = Record<string, string | undefined>;

const DEFAULTS = {
  FRONT_API_URL: 'https://api2.frontapp.com',
  DATABASE_URL: 'sqlite:./data/frontbridge.db',
  PORT: '3000',
  HOST: '0.0.0.0',
  SQLITE_SYNCHRONOUS: 'NORMAL',
  DEFAULT_PHONE_REGION: 'US',
  DELIVERY_RETRY_PERIOD_SECONDS: '3600',
  DELIVERY_TIMEOUT_SECONDS: '10',
  RETRY_BASE_DELAY_MS: '1000',
  RETRY_MAX_DELAY_MS: '300000',
  JOB_LEASE_SECONDS: '60',
  JOB_RETENTION_DAYS: '7',
  POLL_INTERVAL_MS: '1000',
  WORKER_CONCURRENCY: '8',
  FRONT_REQUESTS_PER_SECOND: '5',
  ATTACHMENT_LINK_TTL_SECONDS: '86400',
  BODY_LIMIT_BYTES: String(30 * 1024 * 1024),
  // A 30 MiB upload (BODY_LIMIT_BYTES) arrives within a minute from an uplink of 4.2 Mbit/s or
  // more, which any server calling the API has; a longer window only lets stalled bodies hold
  // their memory and connection longer. Front's own requests are small and answered in 7 s.
  REQUEST_TIMEOUT_SECONDS: '60',
  LOG_LEVEL: 'info',
} as const;

// pino's own levels; it throws at start on any other name, which must be a ConfigError instead.
const LOG_LEVELS = [...Object.keys(levels.values), 'silent'];

/**
 * Reads and validates the server configuration.
 *
 * @throws {ConfigError} naming every missing or malformed variable at once.
 */
export function loadConfig(
  env: Env,
  options: { mode?: 'production' | 'development' } = {},
): ServerConfig {
  const problems: string[] = [];
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : DEFAULTS[name as keyof typeof DEFAULTS];
  };
  const required = (name: string) => {
    const value = read(name);
    if (!value) problems.push(`${name} is missing`);
    return value ?? '';
  };
  const integer = (name: string, minimum: number) =>
    parseInteger(read(name), name, minimum, problems);
  const mode = options.mode ?? 'production';

  const config: ServerConfig = {
    mode,
    frontAppUid: required('FRONT_APP_UID'),
    frontAppSecrets: parseSecrets(required('FRONT_APP_SECRET')),
    publicUrl: checkPublicUrl(required('PUBLIC_URL'), mode, problems),
    frontApiUrl: checkHttpUrl(read('FRONT_API_URL') ?? '', 'FRONT_API_URL', problems),
    databaseUrl: checkDatabaseUrl(read('DATABASE_URL') ?? '', problems),
    port: integer('PORT', 0),
    host: read('HOST') ?? '0.0.0.0',
    sqliteSynchronous: checkSynchronous(read('SQLITE_SYNCHRONOUS') ?? '', problems),
    defaultPhoneRegion: checkRegion(read('DEFAULT_PHONE_REGION') ?? '', problems),
    deliveryRetryPeriodMs: integer('DELIVERY_RETRY_PERIOD_SECONDS', 0) * 1000,
    deliveryTimeoutMs: integer('DELIVERY_TIMEOUT_SECONDS', 1) * 1000,
    retryBaseDelayMs: integer('RETRY_BASE_DELAY_MS', 1),
    retryMaxDelayMs: integer('RETRY_MAX_DELAY_MS', 1),
    jobLeaseMs: integer('JOB_LEASE_SECONDS', 1) * 1000,
    jobRetentionMs: integer('JOB_RETENTION_DAYS', 1) * 24 * 60 * 60 * 1000,
    pollIntervalMs: integer('POLL_INTERVAL_MS', 10),
    workerConcurrency: integer('WORKER_CONCURRENCY', 1),
    frontRequestsPerSecond: integer('FRONT_REQUESTS_PER_SECOND', 1),
    attachmentLinkTtlMs: integer('ATTACHMENT_LINK_TTL_SECONDS', 60) * 1000,
    bodyLimitBytes: integer('BODY_LIMIT_BYTES', 1024),
    requestTimeoutMs: integer('REQUEST_TIMEOUT_SECONDS', 1) * 1000,
    logLevel: checkLogLevel(read('LOG_LEVEL') ?? '', problems),
    deliverUrlPolicy: deliverUrlPolicyFromEnv(env, mode, problems),
  };
  if (config.port > 65535) problems.push('PORT must be at most 65535');

  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}.`);
  }
  return config;
}

function parseSecrets(value: string): string[] {
  return value
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret.length > 0);
}

function parseInteger(
  value: string | undefined,
  name: string,
  minimum: number,
  problems: string[],
) {
  const number = Number(value);
  if (!value || !/^\d+$/.test(value) || number < minimum) {
    problems.push(`${name} must be a whole number of at least ${minimum}`);
    return minimum;
  }
  return number;
}

function checkPublicUrl(value: string, mode: string, problems: string[]): string {
  if (!value) return value;
  const url = checkHttpUrl(value, 'PUBLIC_URL', problems);
  if (!URL.canParse(value)) return url;
  const { protocol, hostname } = new URL(value);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
  if (mode === 'production' && protocol !== 'https:' && !loopback) {
    problems.push('PUBLIC_URL must use https in production (http is allowed on loopback only)');
  }
  return url.replace(/\/+$/, '');
}

function checkHttpUrl(value: string, name: string, problems: string[]): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    problems.push(`${name} must be an absolute http(s) URL`);
  }
  return value.replace(/\/+$/, '');
}

function checkDatabaseUrl(value: string, problems: string[]): string {
  const sqlite = value.startsWith('sqlite:') && value.length > 'sqlite:'.length;
  const postgres = /^postgres(ql)?:\/\//.test(value);
  if (!sqlite && !postgres) {
    problems.push('DATABASE_URL must be sqlite:<path> or postgres://…');
  }
  return value;
}

function checkSynchronous(value: string, problems: string[]): SqliteSynchronous {
  const upper = value.toUpperCase();
  if (upper === 'NORMAL' || upper === 'FULL') return upper;
  problems.push('SQLITE_SYNCHRONOUS must be NORMAL or FULL');
  return 'NORMAL';
}

function checkLogLevel(value: string, problems: string[]): string {
  if (LOG_LEVELS.includes(value)) return value;
  const names = `${LOG_LEVELS.slice(0, -1).join(', ')} or ${LOG_LEVELS.at(-1)}`;
  problems.push(`LOG_LEVEL must be one of ${names}`);
  return 'info';
}

function checkRegion(value: string, problems: string[]): string {
  const upper = value.toUpperCase();
  if (!(getCountries() as string[]).includes(upper)) {
    problems.push('DEFAULT_PHONE_REGION must be a two-letter region code such as US or GB');
  }
  return upper;
}
