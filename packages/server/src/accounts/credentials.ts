import { createHash, randomBytes as nodeRandomBytes, randomFillSync } from 'node:crypto';

export type RandomBytes = (size: number) => Buffer;

// Every webhook takes four ids. One call into the CSPRNG per 4 KiB instead of one per id (the same
// trade `crypto.randomUUID` makes); each caller gets its own copy of the bytes.
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** Cryptographically strong random bytes; small requests are cut from a pool refilled in bulk. */
export const defaultRandomBytes: RandomBytes = (size) => {
  if (size > 64) return nodeRandomBytes(size);
  if (poolOffset + size > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + size));
  poolOffset += size;
  return bytes;
};

/**
 * Credentials are 256-bit random strings, so a fast hash is enough to store them: there is
 * nothing to brute-force that a slow hash would protect.
 */
export function hashCredential(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * A new identifier such as `fbm_0193a1…`: a prefix, then 32 hex digits, the first 12 of them the
 * creation time in milliseconds and the other 20 random (80 bits). Ids made later sort later, so
 * rows are appended at the end of every index that holds them instead of at random places: each
 * commit dirties a few pages rather than one page per row, which makes writes markedly cheaper.
 * Ids are identifiers, not secrets; tokens and keys come from {@link newToken}.
 */
export function newId(prefix: string, randomBytes: RandomBytes, now: number = Date.now()): string {
  const time = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12);
  return `${prefix}_${time}${randomBytes(10).toString('hex')}`;
}

/** A new secret token: a prefix and 256 random bits in base64url. */
export function newToken(prefix: string, randomBytes: RandomBytes): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}
