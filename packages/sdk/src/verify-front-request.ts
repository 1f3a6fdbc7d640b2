import { createHmac, timingSafeEqual } from 'node:crypto';
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
  /** The request method; `DELETE` and `GET` also accept a signature over `undefined`. */
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

  // Compare raw digests: decoding the header once is cheaper than encoding every candidate.
  const received = Buffer.from(signature, 'base64');
  if (matchesAny(received, secrets, timestamp, options.rawBody)) return;
  if (signsUndefined(options.method) && matchesAny(received, secrets, timestamp, 'undefined'))
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

function normaliseSecrets(secret: string | readonly string[]): string[] {
  if (typeof secret === 'string' && secret.length > 0) return [secret];
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
  secrets: string[],
  timestamp: string,
  body: RawBody,
): boolean {
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(`${timestamp}:`).update(body).digest();
    // Lengths are not secret (every valid signature is 32 bytes); only compare equal ones.
    if (expected.length === received.length && timingSafeEqual(expected, received)) return true;
  }
  return false;
}

// Front's docs say GET and DELETE requests are signed over the literal string `undefined`, while
// channel `delete` events carry a JSON body (spec 4.2): accept either for those methods.
function signsUndefined(method: string | undefined): boolean {
  const upper = method?.toUpperCase();
  return upper === 'DELETE' || upper === 'GET';
}
