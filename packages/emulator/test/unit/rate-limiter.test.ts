import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRateLimitState, takeRateLimit } from '../../src/rate-limiter.ts';

const limits = { perChannelPerSecond: 2, perMinute: 3 };

describe('takeRateLimit', () => {
  it('refuses the third request of a channel within one second and allows it the next second', () => {
    const state = createRateLimitState();
    const take = (now: number, key = 'cha_1') => takeRateLimit(state, { key, now, limits }).allowed;

    assert.deepEqual([take(1000), take(1500), take(1999)], [true, true, false]);
    assert.equal(take(1999, 'cha_2'), true);
    assert.equal(take(60_000), true);
  });

  it('counts the company budget across channels and resets it each minute', () => {
    const state = createRateLimitState();
    const results = ['a', 'b', 'c', 'd'].map((key) =>
      takeRateLimit(state, { key, now: 10_000, limits }),
    );

    assert.deepEqual(
      results.map((r) => r.allowed),
      [true, true, true, false],
    );
    assert.equal(results[3]?.headers['retry-after'], '50');
    assert.equal(results[3]?.headers['x-front-tier'], 'company');
    assert.equal(
      takeRateLimit(state, { key: 'a', now: 60_000, limits }).headers['x-ratelimit-remaining'],
      '2',
    );
  });
});
