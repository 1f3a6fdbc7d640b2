import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';

export type RandomBytes = (size: number) => Buffer;

export const defaultRandomBytes: RandomBytes = (size) => nodeRandomBytes(size);

/**
 * Credentials are 256-bit random strings, so a fast hash is enough to store them: there is
 * nothing to brute-force that a slow hash would protect.
 */
export function hashCredential(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A new identifier such as `acc_5f0c…`: a prefix and 128 random bits in hex. */
export function newId(prefix: string, randomBytes: RandomBytes): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}

/** A new secret token: a prefix and 256 random bits in base64url. */
export function newToken(prefix: string, randomBytes: RandomBytes): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}
