import { ConfigError } from './errors.ts';
import {
  computeFrontSignature,
  type RawBody,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from './front-signature.ts';

export interface SignFrontRequestOptions {
  /** The exact body that will be sent (for a signed `DELETE` without body: `'undefined'`). */
  body: RawBody;
  /** The app secret. */
  secret: string;
  /** Signing time in epoch milliseconds; defaults to now. */
  timestamp?: number;
}

/**
 * The two headers Front puts on every request it sends to a channel. A type alias, not an
 * interface, so that it fits `HeadersInit` and plain header records without a cast.
 */
export type FrontSignatureHeaders = {
  'x-front-signature': string;
  'x-front-request-timestamp': string;
};

/**
 * Signs a body the way Front does, for tests and for the emulator.
 *
 * @throws {ConfigError} when the secret is empty.
 * @example
 * const body = JSON.stringify({ type: 'message', payload });
 * await fetch(webhookUrl, { method: 'POST', body, headers: signFrontRequest({ body, secret }) });
 */
export function signFrontRequest(options: SignFrontRequestOptions): FrontSignatureHeaders {
  if (!options.secret) throw new ConfigError('signFrontRequest needs a non-empty secret.');
  const milliseconds = Math.trunc(options.timestamp ?? Date.now());
  if (!Number.isSafeInteger(milliseconds) || milliseconds < 0) {
    throw new ConfigError('timestamp must be epoch milliseconds (a non-negative number).');
  }
  const timestamp = String(milliseconds);
  return {
    [SIGNATURE_HEADER]: computeFrontSignature(options.secret, timestamp, options.body),
    [TIMESTAMP_HEADER]: timestamp,
  } as FrontSignatureHeaders;
}
