import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { ConfigError } from './errors.ts';

/** Default token lifetime: long enough for one request and its slow network, short enough to leak little. */
export const DEFAULT_TOKEN_TTL_SECONDS = 20;
/** Front rejects channel tokens that live longer than this (spec section 6). */
export const MAX_TOKEN_TTL_SECONDS = 30;

export interface CreateChannelTokenOptions {
  /** The app UID (the JWT `iss`). */
  appUid: string;
  /** The app secret (the HS256 key). */
  appSecret: string;
  /** The channel id (the JWT `sub`), e.g. `cha_4kx9p`. */
  channelId: string;
  /** Lifetime in seconds; default 20, at most 30. */
  ttlSeconds?: number;
  /** The current time in epoch milliseconds; defaults to the clock. */
  now?: number;
  /** The token id; defaults to 128 random bits in hex. */
  jti?: string;
}

/**
 * Mints the short-lived HS256 JWT that authenticates one Channel API request. Mint a new one for
 * every attempt.
 *
 * @throws {ConfigError} when a field is empty or the lifetime is not between 1 and 30 seconds.
 * @example
 * const jwt = await createChannelToken({ appUid, appSecret, channelId: 'cha_4kx9p' });
 */
export async function createChannelToken(options: CreateChannelTokenOptions): Promise<string> {
  const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  for (const field of ['appUid', 'appSecret', 'channelId'] as const) {
    if (!options[field]) throw new ConfigError(`createChannelToken needs a non-empty ${field}.`);
  }
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_SECONDS) {
    throw new ConfigError(`ttlSeconds must be a whole number from 1 to ${MAX_TOKEN_TTL_SECONDS}.`);
  }

  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(options.appUid)
    .setSubject(options.channelId)
    .setJti(options.jti ?? randomBytes(16).toString('hex'))
    .setExpirationTime(nowSeconds + ttl)
    .sign(new TextEncoder().encode(options.appSecret));
}
