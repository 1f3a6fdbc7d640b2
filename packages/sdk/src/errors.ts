/**
 * Every error the SDK throws extends {@link FrontbridgeError}: a literal `name`, a stable `code`
 * and, where another error caused it, `cause`. Messages say what failed and what to do; they never
 * contain secrets, signatures or payloads.
 */
export class FrontbridgeError extends Error {
  override name = 'FrontbridgeError';
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Codes of {@link SignatureVerificationError}. */
export type SignatureVerificationCode =
  | 'missing_header'
  | 'malformed_header'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'no_matching_signature'
  | 'payload_not_raw';

/** A request did not prove that Front sent it. Answer it with a bare 401 (or 400) and log `code`. */
export class SignatureVerificationError extends FrontbridgeError {
  override name = 'SignatureVerificationError';
  declare readonly code: SignatureVerificationCode;

  constructor(code: SignatureVerificationCode, message: string) {
    super(code, message);
  }
}

/** Options given to an SDK function are unusable (an empty secret, a token lifetime over 30 s). */
export class ConfigError extends FrontbridgeError {
  override name = 'ConfigError';

  constructor(message: string) {
    super('config_error', message);
  }
}

/**
 * Data failed validation before it was sent or after it was received. `issues` lists each
 * problem as `path: what is wrong`.
 */
export class ValidationError extends FrontbridgeError {
  override name = 'ValidationError';
  readonly issues: string[];

  constructor(message: string, issues: string[] = []) {
    super('validation_error', issues.length > 0 ? `${message}: ${issues.join('; ')}` : message);
    this.issues = issues;
  }
}

/** The body Front returns with an error: `{ "_error": { status, title, message, details } }`. */
export interface FrontErrorBody {
  _error?: { status?: number; title?: string; message?: string; details?: string[] };
}

/** The Channel API answered with an error status that is not retried, or retries ran out. */
export class ApiError extends FrontbridgeError {
  override name = 'ApiError';
  readonly status: number;
  readonly requestId: string | undefined;
  readonly body: unknown;

  constructor(options: {
    status: number;
    method: string;
    url: string;
    body: unknown;
    requestId?: string | undefined;
  }) {
    const detail = describeFrontError(options.body);
    super(
      'api_error',
      `Front answered ${options.status} to ${options.method} ${options.url}${detail ? `: ${detail}` : ''}`,
    );
    this.status = options.status;
    this.requestId = options.requestId;
    this.body = options.body;
  }
}

/** Front kept answering 429 until the attempts ran out. `retryAfterMs` is its last advice. */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
  readonly retryAfterMs: number;

  constructor(options: ConstructorParameters<typeof ApiError>[0] & { retryAfterMs: number }) {
    super(options);
    Object.defineProperty(this, 'code', { value: 'rate_limited' });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The request never got an HTTP answer (connection refused or reset, DNS failure). */
export class NetworkError extends FrontbridgeError {
  override name = 'NetworkError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('network_error', message, options);
  }
}

/** The request got no answer within the configured timeout. */
export class TimeoutError extends FrontbridgeError {
  override name = 'TimeoutError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('timeout', message, options);
  }
}

function describeFrontError(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const error = (body as FrontErrorBody)._error;
  if (!error) return '';
  const details = Array.isArray(error.details) ? ` (${error.details.join('; ')})` : '';
  return `${error.message ?? error.title ?? ''}${details}`;
}
