import { createHmac } from 'node:crypto';

/** Header that carries the base64 HMAC-SHA256 of `timestamp:body`. */
export const SIGNATURE_HEADER = 'x-front-signature';
/** Header that carries the signing time in epoch milliseconds. */
export const TIMESTAMP_HEADER = 'x-front-request-timestamp';

/** A request body as received: the exact bytes, or the exact text. */
export type RawBody = string | Uint8Array;

/** base64(HMAC-SHA256(secret, `${timestamp}:${body}`)), Front's signature over one request. */
export function computeFrontSignature(secret: string, timestamp: string, body: RawBody): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}:`);
  hmac.update(body);
  return hmac.digest('base64');
}
