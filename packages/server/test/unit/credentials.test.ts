import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { defaultRandomBytes, newId, newToken } from '../../src/accounts/credentials.ts';

describe('identifiers and tokens', () => {
  it('makes ids that sort by creation time, with 80 random bits after the time', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((now) =>
      newId('fbm', randomBytes, now),
    );
    for (const id of ids) assert.match(id, /^fbm_[0-9a-f]{32}$/);
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(ids[0]?.slice(4, 16), (1_700_000_000_000).toString(16).padStart(12, '0'));
    // Same millisecond: the random part tells them apart.
    assert.notEqual(newId('fbm', randomBytes, 1), newId('fbm', randomBytes, 1));
  });

  it('makes tokens of 256 random bits with no time in them', () => {
    const fixed = () => Buffer.alloc(32, 7);
    assert.equal(newToken('fbw', fixed), `fbw_${Buffer.alloc(32, 7).toString('base64url')}`);
  });

  it('cuts small random requests from a pool, each a copy of its own, never repeating', () => {
    // 3,000 × 10 bytes crosses the 4 KiB pool's refill several times.
    const drawn = Array.from({ length: 3000 }, () => defaultRandomBytes(10));
    assert.equal(new Set(drawn.map((bytes) => bytes.toString('hex'))).size, drawn.length);
    const [first, second] = drawn;
    assert.ok(first && second);
    const secondBefore = second.toString('hex');
    first.fill(0);
    assert.equal(second.toString('hex'), secondBefore);
    assert.notEqual(defaultRandomBytes(10).toString('hex'), '00000000000000000000');
    for (const size of [1, 32, 64, 65, 200]) assert.equal(defaultRandomBytes(size).length, size);
  });
});
