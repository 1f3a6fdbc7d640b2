import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { ConfigError, SignatureVerificationError } from './errors.ts';
import { type RawBody, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './front-signature.ts';
import { getHeader, type HeaderInput } from './headers.ts';

/** Default freshness window, in both directions: Front recommends rejecting anything older. */
export const DEFAULT_TOLERANCE_MS = 5 * 60_000;

const TIMESTAMP_PATTERN = /^\d{1,16}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
// A millisecond timestamp has 13 digits until the year 2286; fewer almost always means seconds.
const SMALLEST_MILLISECOND_TIMESTAMP = 1e12;

export interface VerifyFrontRequestOptions {
  /** The exact bytes received (Buffer, Uint8Array or string), never a parsed object. */
  rawBody: RawBody;
  /** Request headers: a Fetch `Headers` or a plain object with names in any case. */
  headers: HeaderInput;
  /** The app secret, or several during a rotation (any match passes). */
  secret: string | readonly string[];
  /**
   * The request method. `DELETE` and `GET` also accept a signature over the literal `undefined`,
   * which vouches for no body: it passes only with an empty body or a `delete` event.
   */
  method?: string;
  /** The current time in epoch milliseconds; defaults to the clock. */
  now?: number;
  /** How far the timestamp may be from `now`, either way; default 5 minutes. */
  toleranceMs?: number;
}

/**
 * Checks that a request came from Front: a fresh millisecond timestamp and an HMAC-SHA256 over
 * `timestamp:rawBody` made with one of the secrets, compared in constant time.
 *
 * @throws {SignatureVerificationError} with code `missing_header`, `malformed_header`,
 *   `timestamp_too_old`, `timestamp_in_future`, `no_matching_signature` or `payload_not_raw`.
 * @throws {ConfigError} when no usable secret is given.
 * @example
 * await verifyFrontRequest({ rawBody: buffer, headers: req.headers, secret: process.env.FRONT_APP_SECRET });
 */
export function verifyFrontRequest(options: VerifyFrontRequestOptions): Promise<void> {
  // The work is synchronous today (node:crypto); the API stays async so a Web Crypto build can
  // share it. Handing back a settled promise skips an async function's extra promise per call.
  try {
    verifyNow(options);
    return RESOLVED;
  } catch (error) {
    return Promise.reject(error);
  }
}

const RESOLVED = Promise.resolve();

function verifyNow(options: VerifyFrontRequestOptions): void {
  const secrets = normaliseSecrets(options.secret);
  assertRawBody(options.rawBody);
  const timestamp = readTimestamp(options.headers);
  const signature = readSignature(options.headers);

  checkFreshness(Number(timestamp), options.now ?? Date.now(), options.toleranceMs);

  const received = Buffer.from(signature);
  if (matchesAny(received, secrets, timestamp, options.rawBody)) return;
  if (
    signsUndefined(options.method) &&
    mayGoUnsigned(options.rawBody) &&
    matchesAny(received, secrets, timestamp, 'undefined')
  )
    return;
  throw new SignatureVerificationError(
    'no_matching_signature',
    'The X-Front-Signature header does not match the body. Check that the app secret is right ' +
      'and that the body is passed exactly as received.',
  );
}

/**
 * Same checks as {@link verifyFrontRequest}, answering `true` or `false` instead of throwing.
 *
 * @throws {ConfigError} when no usable secret is given (a programming error, not a bad request).
 */
export async function isValidFrontRequest(options: VerifyFrontRequestOptions): Promise<boolean> {
  try {
    await verifyFrontRequest(options);
    return true;
  } catch (error) {
    if (error instanceof SignatureVerificationError) return false;
    throw error;
  }
}

// A single secret is the hot path: return it as is rather than wrapping it in a new array.
function normaliseSecrets(secret: string | readonly string[]): string | string[] {
  if (typeof secret === 'string' && secret.length > 0) return secret;
  const secrets = (typeof secret === 'string' ? [secret] : [...secret]).filter(
    (value) => typeof value === 'string' && value.length > 0,
  );
  if (secrets.length === 0) {
    throw new ConfigError('verifyFrontRequest needs the app secret (a non-empty string or list).');
  }
  return secrets;
}

function assertRawBody(rawBody: unknown): asserts rawBody is RawBody {
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) return;
  throw new SignatureVerificationError(
    'payload_not_raw',
    'rawBody must be the request body exactly as received (a Buffer, Uint8Array or string). ' +
      'A parsed object cannot be verified: read the raw body before any JSON parser runs.',
  );
}

function readTimestamp(headers: HeaderInput): string {
  const value = getHeader(headers, TIMESTAMP_HEADER);
  if (!value) {
    throw new SignatureVerificationError('missing_header', 'X-Front-Request-Timestamp is missing.');
  }
  if (!TIMESTAMP_PATTERN.test(value)) {
    throw new SignatureVerificationError(
      'malformed_header',
      'X-Front-Request-Timestamp must be epoch milliseconds, digits only.',
    );
  }
  return value;
}

function readSignature(headers: HeaderInput): string {
  const value = getHeader(headers, SIGNATURE_HEADER);
  if (!value) {
    throw new SignatureVerificationError('missing_header', 'X-Front-Signature is missing.');
  }
  if (!BASE64_PATTERN.test(value)) {
    throw new SignatureVerificationError(
      'malformed_header',
      'X-Front-Signature must be one base64 value.',
    );
  }
  return value;
}

function checkFreshness(timestamp: number, now: number, toleranceMs = DEFAULT_TOLERANCE_MS): void {
  // A NaN clock or window would make both comparisons below false and let any timestamp pass.
  if (!Number.isFinite(now) || !Number.isFinite(toleranceMs) || toleranceMs < 0) {
    throw new ConfigError('now and toleranceMs must be finite numbers (toleranceMs ≥ 0).');
  }
  if (timestamp < now - toleranceMs) {
    const hint =
      timestamp < SMALLEST_MILLISECOND_TIMESTAMP ? ' It looks like seconds; Front sends ms.' : '';
    throw new SignatureVerificationError(
      'timestamp_too_old',
      `X-Front-Request-Timestamp is older than the ${toleranceMs} ms window.${hint}`,
    );
  }
  if (timestamp > now + toleranceMs) {
    throw new SignatureVerificationError(
      'timestamp_in_future',
      `X-Front-Request-Timestamp is more than ${toleranceMs} ms ahead. Check the server clock.`,
    );
  }
}

function matchesAny(
  received: Buffer,
  secrets: string | string[],
  timestamp: string,
  body: RawBody,
): boolean {
  if (typeof secrets === 'string') return matches(received, secrets, timestamp, body);
  for (const secret of secrets) {
    if (matches(received, secret, timestamp, body)) return true;
  }
  return false;
}

// createHmac converts a string key into a new buffer on every call; a KeyObject made once skips
// that. Bounded, because a process only ever verifies with a handful of secrets.
const KEY_CACHE_LIMIT = 32;
const keyCache = new Map<string, KeyObject>();

function hmacKey(secret: string): KeyObject {
  let key = keyCache.get(secret);
  if (key) return key;
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
  key = createSecretKey(Buffer.from(secret, 'utf8'));
  keyCache.set(secret, key);
  return key;
}

function matches(received: Buffer, secret: string, timestamp: string, body: RawBody): boolean {
  // A base64 string lands in Buffer's shared pool; a raw digest would allocate its own memory.
  const digest = createHmac('sha256', hmacKey(secret))
    .update(`${timestamp}:`)
    .update(body)
    .digest('base64');
  const expected = Buffer.from(digest);
  // Lengths are not secret (every valid signature is 44 characters); only compare equal ones.
  return expected.length === received.length && timingSafeEqual(expected, received);
}

// Front's docs say GET and DELETE requests are signed over the literal string `undefined`, while
// channel `delete` events carry a JSON body (spec 4.2): accept either for those methods.
//
// A signature over `undefined` covers no byte of the body, so such a body must not be able to say
// anything the URL and method do not: empty, or a `delete` event. Otherwise anyone holding one
// signed bare DELETE could, for the freshness window, send any event to any channel of the app.
function mayGoUnsigned(rawBody: RawBody): boolean {
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  if (text.trim().length === 0) return true;
  try {
    const parsed = JSON.parse(text) as { type?: unknown } | null;
    return typeof parsed === 'object' && parsed !== null && parsed.type === 'delete';
  } catch {
    return false;
  }
}

function signsUndefined(method: string | undefined): boolean {
  const upper = method?.toUpperCase();
  return upper === 'DELETE' || upper === 'GET';
}
