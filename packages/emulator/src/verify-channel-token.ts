import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { FrontHttpError } from './front-error.ts';

/** Front refuses channel tokens that expire further ahead than this (spec section 6). */
export const MAX_TOKEN_LIFETIME_SECONDS = 30;
/** Clock skew tolerated on `exp`, both ways; Front does not publish its own. */
export const TOKEN_LEEWAY_SECONDS = 5;

/** Token ids seen, with the time (epoch seconds) after which they can be forgotten. */
export type JtiStore = Map<string, number>;

export interface VerifyChannelTokenOptions {
  authorization: string | undefined;
  appUid: string;
  appSecret: string;
  /** Current time in epoch milliseconds. */
  now: number;
  usedJtis: JtiStore;
}

/** The claims the emulator acts on, once every check passed. */
export interface ChannelTokenClaims {
  channelId: string;
  jti: string;
  exp: number;
}

/**
 * Checks a Channel API bearer token as Front does: HS256 with the app secret, `iss` = app UID,
 * `exp` in the future but at most 30 s ahead, a `sub`, and a `jti` never seen before.
 *
 * @throws {FrontHttpError} 401 naming the first failed check.
 */
export async function verifyChannelToken(
  options: VerifyChannelTokenOptions,
): Promise<ChannelTokenClaims> {
  const token = readBearer(options.authorization);
  checkAlgorithm(token);
  const payload = await verifySignature(token, options);

  // Front's legacy Postman script sends the numeric channel type id as `iss`; compare as text.
  if (payload.iss === undefined || String(payload.iss) !== options.appUid) {
    throw unauthorized('The token iss does not match the app UID.');
  }
  const exp = checkExpiry(payload.exp, options.now);
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw unauthorized('The token has no sub (the channel id).');
  }
  const jti = checkJti(payload.jti, exp, options);
  return { channelId: payload.sub, jti, exp };
}

function readBearer(header: string | undefined): string {
  if (!header) throw unauthorized('Authorization header is missing.');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthorized('Authorization must be "Bearer <token>".');
  return match[1];
}

function checkAlgorithm(token: string): void {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized('The token is not a JWT.');
  }
  if (alg !== 'HS256') throw unauthorized(`The token algorithm must be HS256, not ${String(alg)}.`);
}

async function verifySignature(token: string, options: VerifyChannelTokenOptions) {
  try {
    const key = new TextEncoder().encode(options.appSecret);
    const result = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      currentDate: new Date(options.now),
      clockTolerance: TOKEN_LEEWAY_SECONDS,
      requiredClaims: ['exp'],
    });
    return result.payload;
  } catch (error) {
    throw unauthorized(describeJoseError(error));
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'The token signature does not match the app secret.';
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `The token claim ${error.claim} is invalid (${error.reason}).`;
  }
  return 'The token is not a valid HS256 JWT.';
}

function checkExpiry(exp: unknown, now: number): number {
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw unauthorized('The token exp must be a number of seconds.');
  }
  const nowSeconds = now / 1000;
  if (exp > nowSeconds + MAX_TOKEN_LIFETIME_SECONDS + TOKEN_LEEWAY_SECONDS) {
    // Milliseconds land here too: 13 digits are thousands of years ahead.
    const hint = exp > 1e12 ? ' It looks like milliseconds; exp is in seconds.' : '';
    throw unauthorized(`The token exp is more than ${MAX_TOKEN_LIFETIME_SECONDS} s ahead.${hint}`);
  }
  return exp;
}

function checkJti(jti: unknown, exp: number, options: VerifyChannelTokenOptions): string {
  if (typeof jti !== 'string' || jti.length === 0) throw unauthorized('The token has no jti.');

  const nowSeconds = options.now / 1000;
  for (const [seen, forgetAfter] of options.usedJtis) {
    if (forgetAfter < nowSeconds) options.usedJtis.delete(seen);
  }
  if (options.usedJtis.has(jti)) throw unauthorized('The token jti was already used.');
  options.usedJtis.set(jti, exp + TOKEN_LEEWAY_SECONDS);
  return jti;
}

function unauthorized(message: string): FrontHttpError {
  return new FrontHttpError(401, message);
}
